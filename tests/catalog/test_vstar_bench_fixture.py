"""vstar_bench end to end: rows in the schema of lmms-lab-encoder/vstar-bench (test) in the mirror layout
(questions in the dataset's format, tiny generated images), messy replayed answers read with Cambrian-1's V*
rule (after "answer is"/"answer:", stripped, first character), accuracy in percent overall and by category by
hand, the lmms-eval 0.7.3 prompt rebuilt from the "(A) ..." options, and a category subset task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the columns of lmms-lab-encoder/vstar-bench
    {"image": datasets.Image(), "text": STR, "label": STR, "category": STR, "question_id": STR}
)
TAIL = "\nAnswer with the option's letter from the given choices directly."
ROWS = [  # (question_id, category, text, label, response, read as)
    ("0", "direct_attributes", "What is the material of the glove?\n(A) rubber\n(B) cotton\n(C) kevlar\n(D) leather" + TAIL, "A", "A", "a"),
    ("1", "direct_attributes", "What is the color of the dustpan?\n(A) purple\n(B) red\n(C) blue\n(D) white" + TAIL, "C", "The answer is (C).", "c"),
    ("2", "direct_attributes", "What is the breed of the dog?\n(A) pug\n(B) collie\n(C) husky\n(D) beagle" + TAIL, "B", "collie", "c"),
    ("3", "relative_position", "Is the cup on the left or right of the bottle?\n(A) left\n(B) right" + TAIL, "B", "Answer: B", "b"),
    ("4", "relative_position", "Is the car on the left or right of the tree?\n(A) right\n(B) left" + TAIL, "A", "B", "b"),
]  # fmt: skip


def _write(root: Path) -> None:
    columns: dict[str, list[Any]] = {
        "image": [image(c) for c in ("red", "green", "blue", "white", "black")],
        "text": [r[2] for r in ROWS],
        "label": [r[3] for r in ROWS],
        "category": [r[1] for r in ROWS],
        "question_id": [r[0] for r in ROWS],
    }
    write_split(root, "lmms-lab-encoder/vstar-bench", "test", columns, FEATURES)


def test_vstar_bench_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    results, samples = replay(tmp_path, monkeypatch, "vstar_bench", root, {r[0]: r[4] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[r[0]]["extracted"] for r in ROWS] == [r[5] for r in ROWS]
    assert value(results, "vstar_overall_acc") == pytest.approx(60.0)
    assert value(results, "vstar_overall_acc", "category", "direct_attributes") == pytest.approx(200 / 3)
    assert value(results, "vstar_overall_acc", "category", "relative_position") == pytest.approx(50.0)
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    # lmms-eval 0.7.3's prompt keeps the dataset's own instruction on the last option's line, then adds its own
    assert message["content"][1]["text"] == (
        "What is the material of the glove?\nA. rubber\nB. cotton\nC. kevlar\nD. leather" + TAIL + TAIL
    )
    assert samples["3"]["prompt"][0]["content"][1]["text"] == (
        "Is the cup on the left or right of the bottle?\nA. left\nB. right" + TAIL + TAIL
    )


def test_vstar_bench_relative_position_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    preds = {r[0]: r[4] for r in ROWS if r[1] == "relative_position"}
    results, _ = replay(tmp_path, monkeypatch, "vstar_bench_relative_position", root, preds)
    assert results["n_docs"] == 2
    assert value(results, "vstar_relative_position_acc") == pytest.approx(50.0)


def test_vstar_bench_direct_attributes_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    preds = {r[0]: r[4] for r in ROWS if r[1] == "direct_attributes"}
    results, _ = replay(tmp_path, monkeypatch, "vstar_bench_direct_attributes", root, preds)
    assert results["n_docs"] == 3
    assert value(results, "vstar_direct_attributes_acc") == pytest.approx(200 / 3)  # "collie" reads c: wrong
