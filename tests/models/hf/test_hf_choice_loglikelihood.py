"""Log-likelihood scoring of multiple-choice options, with images, through the hf backend."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("torchvision")

from tiny_models import FAMILIES as BUILDERS  # noqa: E402

from lmms_eval.engine.config import RunConfig  # noqa: E402
from lmms_eval.engine.evaluator import evaluate  # noqa: E402
from lmms_eval.results.writer import read_samples  # noqa: E402


def _choice_task(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nlvr_choice.yaml").write_text(
        "task: nlvr_choice\n"
        "dataset: {local: {path: nlvr/dev/dev.json, format: jsonl, media_root: nlvr/dev}}\n"
        "doc_id: identifier\n"
        "prompt: {user: [{image: {path: 'images/{{ directory }}/dev-{{ identifier }}-0.png'}},\n"
        "                {text: 'Statement: \"{{ sentence }}\" True or false?'}]}\n"
        "output_type: choice_loglikelihood\n"
        "choices: ['true', 'false']\n"
        "target: '{{ label }}'\n"
        "metrics: [accuracy]\n"
    )
    return folder


@pytest.mark.parametrize("family", ["llava_hf", "qwen2_vl"])
def test_choices_are_scored_by_loglikelihood(family: str, tmp_path: Path) -> None:
    model_dir = BUILDERS[family](tmp_path / "model")
    tasks = _choice_task(tmp_path / "tasks")
    config = RunConfig(
        model=family,
        model_args={"pretrained": str(model_dir)},
        tasks=["nlvr_choice"],
        limit=4,
        batch_size=2,
        include_path=[str(tasks)],
        output_path=str(tmp_path / "out"),
    )
    outcome = evaluate(config)
    assert outcome is not None
    result = outcome.results.results["nlvr_choice"]
    assert (result.n_scored, result.n_errors) == (4, 0)
    for sample in read_samples(outcome.run_dir / "samples_nlvr_choice.jsonl"):
        assert sample.response in ("true", "false")
    journal_rows = list((tmp_path / "out").glob("journal*.sqlite"))
    assert journal_rows
    # the scores themselves: finite, negative, and the reported answer is the most likely choice
    import sqlite3

    with sqlite3.connect(journal_rows[0]) as db:
        for (blob,) in db.execute("SELECT response FROM responses"):
            row = json.loads(blob)
            lp = row["logprobs"]
            assert len(lp) == 2 and all(math.isfinite(x) and x < 0 for x in lp)
            assert row["text"] == ["true", "false"][lp.index(max(lp))]


def test_a_model_without_loglikelihood_is_refused(tmp_path: Path) -> None:
    from lmms_eval.core.errors import ConfigError

    tasks = _choice_task(tmp_path / "tasks")
    config = RunConfig(
        model="dummy",
        tasks=["nlvr_choice"],
        include_path=[str(tasks)],
        limit=2,
        output_path=str(tmp_path / "out"),
    )
    with pytest.raises(ConfigError, match="cannot"):
        evaluate(config)
