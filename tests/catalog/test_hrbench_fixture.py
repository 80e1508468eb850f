"""hrbench4k end to end: rows in the schema of DreamMr/HR-Bench (config hrbench_version_split, split
hrbench_4k) in the mirror layout (made-up questions, tiny generated images as base64 text, as the dataset
stores them), messy replayed answers read with VLMEvalKit's older rule-based matching (one option letter as a
word, else the one option text contained), and HR-Bench's accuracies averaged over the cycles (option
orders), overall and by category, by hand."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, png, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the columns of DreamMr/HR-Bench
    {
        "index": datasets.Value("int64"),
        "question": STR,
        "answer": STR,
        "category": STR,
        "A": STR,
        "B": STR,
        "C": STR,
        "D": STR,
        "cycle_category": STR,
        "image": STR,
    }
)
ROWS = [  # (cycle, category, question, options A-D, answer, response, read as)
    ("0", "single", "What is the color of the mailbox?", ("Blue", "Red", "Green", "Black"), "A", "A", "A"),
    ("0", "cross", "Which car is closer?", ("left", "right", "middle", "none"), "B", "Not A but B", None),  # two letters
    ("1", "single", "What is the color of the mailbox?", ("Black", "Blue", "Red", "Green"), "B", "It is blue.", "B"),
    ("1", "cross", "Which car is closer?", ("none", "left", "right", "middle"), "C", "C", "C"),
    ("1", "single", "What is on the sign?", ("stop", "go", "yield", "exit"), "D", "Cannot determine the answer", "Z"),
]  # fmt: skip


@pytest.mark.parametrize(("task", "split"), [("hrbench4k", "hrbench_4k"), ("hrbench8k", "hrbench_8k")])
def test_hrbench_cycle_averaged_accuracy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, split: str
) -> None:
    root = tmp_path / "root"
    columns: dict[str, list[Any]] = {
        "index": list(range(len(ROWS))),
        "question": [r[2] for r in ROWS],
        "answer": [r[4] for r in ROWS],
        "category": [r[1] for r in ROWS],
        **{letter: [r[3][k] for r in ROWS] for k, letter in enumerate("ABCD")},
        "cycle_category": [r[0] for r in ROWS],
        "image": [base64.b64encode(png(c)).decode() for c in ("red", "green", "blue", "white", "black")],
    }
    write_split(root, "DreamMr/HR-Bench", split, columns, FEATURES, config="hrbench_version_split")
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[5] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [r[6] for r in ROWS]
    # cycle 0: 1/2, cycle 1: 2/3 -> (1/2 + 2/3) / 2 (not the plain 3/5)
    assert value(results, "average") == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert value(results, "average", "category", "single") == pytest.approx((1 / 1 + 1 / 2) / 2)
    assert value(results, "average", "category", "cross") == pytest.approx((0 / 1 + 1 / 1) / 2)
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == (
        "What is the color of the mailbox?\nA. Blue\nB. Red\nC. Green\nD. Black\nAnswer the option letter directly."
    )
