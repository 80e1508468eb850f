"""Sampled answers of the hf backend are the request's own: the same at batch size 1 and 4 (per-request seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("torchvision")

from tiny_models import FAMILIES as BUILDERS  # noqa: E402
from tiny_models import redraw_weights  # noqa: E402

from lmms_eval.cli.main import main  # noqa: E402
from lmms_eval.core.types import GenerationConfig, Message, Request, TextPart  # noqa: E402
from lmms_eval.results.writer import read_samples  # noqa: E402

FAMILY, TASK, DOCS, REPEATS = "qwen2_vl", "nlvr_dev", 4, 3


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return redraw_weights(BUILDERS[FAMILY](tmp_path_factory.mktemp(FAMILY)), FAMILY)


def _cli_run(model_dir: Path, out: Path, batch_size: int) -> dict[tuple[str, int], str | None]:
    code = main(
        [
            "run",
            "--model",
            FAMILY,
            "--model_args",
            f"pretrained={model_dir}",
            "--tasks",
            TASK,
            "--limit",
            str(DOCS),
            "--batch_size",
            str(batch_size),
            "--repeats",
            str(REPEATS),
            "--gen_kwargs",
            "temperature=1.0,max_new_tokens=4",
            "--output_path",
            str(out),
        ]
    )
    assert code == 0
    (samples,) = out.rglob(f"samples_{TASK}.jsonl")
    records = read_samples(samples)
    assert len(records) == DOCS * REPEATS and all(r.error is None for r in records)
    return {(r.doc_id, r.repeat): r.response for r in records}


def test_sampled_answers_are_the_same_at_batch_size_1_and_4(model_dir: Path, tmp_path: Path) -> None:
    """``--repeats 3 --gen_kwargs temperature=1.0`` through the CLI: every (doc, repeat) answer is the same
    whatever batch it was sampled in, and the seeds do change answers (so the test cannot pass on
    constant output)."""
    one = _cli_run(model_dir, tmp_path / "b1", batch_size=1)
    four = _cli_run(model_dir, tmp_path / "b4", batch_size=4)
    assert one == four
    by_doc: dict[str, set[str | None]] = {}
    for (doc, _), answer in one.items():
        by_doc.setdefault(doc, set()).add(answer)
    assert any(len(answers) > 1 for answers in by_doc.values()), "repeats must differ for some doc"
    assert len(set(one.values())) > REPEATS, "answers must differ between docs and seeds"


def _request(doc_id: str, temperature: float, seed: int = 0) -> Request:
    return Request(
        messages=[Message(role="user", content=[TextPart(text="Describe the picture in one sentence.")])],
        generation=GenerationConfig(max_new_tokens=6, temperature=temperature, seed=seed),
        task="t",
        doc_id=doc_id,
    )


def test_a_sampled_row_does_not_move_its_neighbours(model_dir: Path) -> None:
    """A batch mixing greedy and sampled rows: each row answers as it does alone (per-row generators and
    settings), and greedy rows stay greedy."""
    from lmms_eval.models import MODELS

    model = MODELS.get(FAMILY).from_args({"pretrained": str(model_dir)})
    batch = [_request("a", 1.0), _request("b", 0.0), _request("c", 1.0, seed=1), _request("a", 1.0, seed=1)]
    together = [r.text for r in model.generate(batch)]
    alone = [model.generate([r])[0].text for r in batch]
    assert together == alone
    assert model.generate([_request("b", 0.0, seed=5)])[0].text == together[1], "greedy ignores the seed"
