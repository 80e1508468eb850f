"""muirbench end to end: rows in the schema of MUIRBENCH/MUIRBENCH (test) in the mirror layout (made-up
questions, 2-3 tiny generated images each), messy replayed answers read by the official MuirBench parsing
(lmms_eval/scoring/muirbench.py), accuracy by hand overall and per task / image relation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "idx": STR,
        "task": STR,
        "image_relation": STR,
        "image_type": STR,
        "question": STR,
        "options": datasets.Sequence(STR),
        "answer": STR,
        "image_list": datasets.Sequence(datasets.Image()),
        "counterpart_idx": STR,
    }
)
OPTIONS = ["The first image", "The second image", "None of the choices provided"]
ROWS = [  # idx, task, relation, question, options, answer, response, read
    ("1", "Visual Retrieval", "Similar", "Which image matches <image>?", OPTIONS, "A", "(A)", "A"),
    (
        "2",
        "Visual Retrieval",
        "Similar",
        "Which image matches <image>?",
        OPTIONS,
        "C",
        "The answer is B.",
        "B",
    ),
    (
        "3",
        "Counting",
        "Independent",
        "How many dogs in <image> and <image>?",
        ["1", "2", "3", "4"],
        "D",
        "D.",
        "D",
    ),
    ("4", "Counting", "Independent", "How many cats?", ["1", "2", "3", "4"], "B", "B. two", None),  # guessed
    (
        "5",
        "Visual Retrieval",
        "Narrative",
        "Which one continues the story?",
        OPTIONS,
        "C",
        "I believe none of the choices provided fits this story",
        "C",
    ),
]


def _write(root: Path) -> None:
    columns = {
        "idx": [r[0] for r in ROWS],
        "task": [r[1] for r in ROWS],
        "image_relation": [r[2] for r in ROWS],
        "image_type": ["Photo" for _ in ROWS],
        "question": [r[3] for r in ROWS],
        "options": [r[4] for r in ROWS],
        "answer": [r[5] for r in ROWS],
        "image_list": [[image("red"), image("blue"), image("green")][: 2 + i % 2] for i in range(len(ROWS))],
        "counterpart_idx": ["" for _ in ROWS],
    }
    write_split(root, "MUIRBENCH/MUIRBENCH", "test", columns, FEATURES)


def test_muirbench_official_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    results, samples = replay(tmp_path, monkeypatch, "muirbench", root, {r[0]: r[6] for r in ROWS})
    guess = fallback_choice("4", ["A", "B", "C", "D"])  # "B. two" has no " B ": the seeded guess
    read = [r[7] or guess for r in ROWS]
    assert [samples[r[0]]["extracted"] for r in ROWS] == read
    right = [x == r[5] for x, r in zip(read, ROWS)]
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert value(results, "accuracy") == pytest.approx(100 * sum(right) / 5)
    assert value(results, "accuracy", "task", "Visual Retrieval") == pytest.approx(100 * 2 / 3)
    assert value(results, "accuracy", "task", "Counting") == pytest.approx(50.0 * (1 + right[3]))
    assert value(results, "accuracy", "image_relation", "Narrative") == pytest.approx(100.0)
    assert samples["3"]["prompt"][0]["content"][-1]["text"] == (
        "Question: How many dogs in <image> and <image>?\nChoices:\n(A) 1\n(B) 2\n(C) 3\n(D) 4\n"
        "Hint: Please provide the correct option letter, such as A, B, C, D, directly.\nAnswer:"
    )
    assert [p["type"] for p in samples["2"]["prompt"][0]["content"]] == ["image", "image", "image", "text"]


def test_muirbench_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root)
    (report,) = validate(["muirbench"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
