"""``choice_rule`` on a metric of a log-likelihood task: the option picked raw (``acc``), per character
(``acc_norm``) and per UTF-8 byte (``acc_bytes``), as lm-evaluation-harness computes them
(lm_eval/api/task.py at 4e7e0d47, ``np.argmax(lls / completion_len)`` and ``/ byte_length``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from lmms_eval.cli.main import main
from lmms_eval.core.types import Request, Response
from lmms_eval.models import MODELS
from lmms_eval.models.base import Capabilities, Model
from lmms_eval.tasks.spec import TaskSpec

CHOICES = ["ab", "abcd", "éé"]  # 2, 4, 2 characters; 2, 4, 4 bytes
#: raw best: "ab"; per character: -3.2/4 = -0.8 is best -> "abcd"; per byte: -2.1/4 = -0.525 -> "éé"
LOGPROBS = [-2.0, -3.2, -2.1]


class FixedLogprobs(Model):
    name = "fixed_logprobs"
    capabilities: ClassVar[Capabilities] = Capabilities(modalities=frozenset({"text"}), loglikelihood=True)

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        raise AssertionError("choice tasks do not generate")

    def score_choices(self, requests: Sequence[Request]) -> list[Response]:
        assert all(r.choices == CHOICES for r in requests)
        best = max(range(len(LOGPROBS)), key=LOGPROBS.__getitem__)
        return [Response(text=CHOICES[best], logprobs=LOGPROBS) for _ in requests]


TASK = """task: pick_one
dataset: {local: {path: ./docs.jsonl}}
doc_id: id
prompt: {user: [{text: "{{ q }}"}]}
output_type: choice_loglikelihood
choices: "{{ options }}"
target: "{{ options[answer] }}"
metrics:
  - {name: exact_match, key: acc}
  - {name: exact_match, key: acc_norm, choice_rule: per_char}
  - {name: exact_match, key: acc_bytes, choice_rule: per_byte}
"""


def test_each_rule_picks_its_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MODELS._loaded, "fixed_logprobs", FixedLogprobs)
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "pick_one.yaml").write_text(TASK)
    rows = [{"id": f"d{i}", "q": "Which?", "options": CHOICES, "answer": i} for i in range(3)]
    (tasks / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    argv = ["run", "--model", "fixed_logprobs", "--tasks", "pick_one", "--include_path", str(tasks)]
    assert main([*argv, "--output_path", str(out)]) == 0
    run_dir = next(out.glob("fixed_logprobs/*/"))
    samples = {
        s["doc_id"]: s["scores"]
        for s in map(json.loads, (run_dir / "samples_pick_one.jsonl").read_text().splitlines())
    }
    assert samples["d0"] == {"acc": 1.0, "acc_norm": 0.0, "acc_bytes": 0.0}
    assert samples["d1"] == {"acc": 0.0, "acc_norm": 1.0, "acc_bytes": 0.0}
    assert samples["d2"] == {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 1.0}
    metrics = json.loads((run_dir / "results.json").read_text())["results"]["pick_one"]["metrics"]
    assert [metrics[k]["value"] for k in ("acc", "acc_norm", "acc_bytes")] == pytest.approx([1 / 3] * 3)


def test_a_rule_on_a_generation_task_is_refused() -> None:
    spec = {"task": "t", "dataset": {"local": {"path": "x.jsonl"}}, "prompt": {"user": [{"text": "q"}]},
            "target": "a", "metrics": [{"name": "exact_match", "choice_rule": "per_char"}]}  # fmt: skip
    with pytest.raises(ValueError, match="choice_rule"):
        TaskSpec.model_validate(spec)


def test_a_model_without_per_option_loglikelihoods_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoLogprobs(FixedLogprobs):
        name = "no_logprobs"

        def score_choices(self, requests: Sequence[Request]) -> list[Response]:
            return [Response(text=CHOICES[0]) for _ in requests]

    monkeypatch.setitem(MODELS._loaded, "no_logprobs", NoLogprobs)
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "pick_one.yaml").write_text(TASK)
    (tasks / "docs.jsonl").write_text(
        json.dumps({"id": "d0", "q": "Which?", "options": CHOICES, "answer": 0}) + "\n"
    )
    argv = ["run", "--model", "no_logprobs", "--tasks", "pick_one", "--include_path", str(tasks)]
    assert main([*argv, "--output_path", str(tmp_path / "out")]) != 0
