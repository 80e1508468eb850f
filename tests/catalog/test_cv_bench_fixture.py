"""cv_bench end to end: rows in the schema of nyu-visionx/CV-Bench (default config, test) in the mirror layout
(made-up questions, tiny generated images), messy replayed answers read with Cambrian-1's rules (after
"answer is"/"answer:", stripped, first character), and CV-Bench's accuracy ((ADE20K + COCO) / 2 + Omni3D) / 2
overall and per type by hand; the 2D config task gives the 2D score alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the columns of nyu-visionx/CV-Bench that the task reads
    {
        "idx": datasets.Value("int64"),
        "type": STR,
        "task": STR,
        "image": datasets.Image(),
        "question": STR,
        "choices": datasets.Sequence(STR),
        "answer": STR,
        "prompt": STR,
        "source": STR,
    }
)
ROWS = [  # (type, task, source, choices, answer, response, read as, right)
    ("2D", "Count", "ADE20K", ["2", "3", "4"], "(B)", "(B) 3", "b", True),
    (
        "2D",
        "Relation",
        "ADE20K",
        ["left", "right"],
        "(A)",
        "right",
        "r",
        False,
    ),  # an option's text: its first letter
    ("2D", "Count", "COCO", ["1", "2"], "(A)", "The answer is A.", "a", True),
    ("3D", "Depth", "Omni3D", ["chair", "lamp"], "(B)", "Answer: (b)", "b", True),
    ("3D", "Distance", "Omni3D", ["table", "sofa"], "(A)", "B:", "b", False),
]


def _write(root: Path, rows: list[tuple[str, str, str, list[str], str, str, str, bool]], config: str) -> None:
    columns: dict[str, list[Any]] = {
        "idx": list(range(len(rows))),
        "type": [r[0] for r in rows],
        "task": [r[1] for r in rows],
        "image": [image("red") for _ in rows],
        "question": [f"Question {i}?" for i in range(len(rows))],
        "choices": [r[3] for r in rows],
        "answer": [r[4] for r in rows],
        "prompt": [f"Question {i}? Select from the following choices." for i in range(len(rows))],
        "source": [r[2] for r in rows],
    }
    write_split(root, "nyu-visionx/CV-Bench", "test", columns, FEATURES, config=config)


def test_cv_bench_official_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root, ROWS, "default")
    results, samples = replay(
        tmp_path, monkeypatch, "cv_bench", root, {str(i): r[5] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [r[6] for r in ROWS]
    assert [samples[str(i)]["scores"]["accuracy"] for i in range(5)] == [float(r[7]) for r in ROWS]
    # ADE20K 1/2, COCO 1/1, Omni3D 1/2: ((0.5 + 1) / 2 + 0.5) / 2
    assert value(results, "cv_bench_acc") == pytest.approx(0.625)
    assert value(results, "cv_bench_acc", "type", "2D") == pytest.approx(0.75)
    assert value(results, "cv_bench_acc", "type", "3D") == pytest.approx(0.5)
    assert value(results, "cv_bench_acc", "source", "COCO") == 1.0
    assert value(results, "accuracy") == pytest.approx(3 / 5)
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == (
        "Note: You only need to respond with A, B, C without providing any additional information.\n\n"
        "Question 0? Select from the following choices."
    )


def test_cv_bench_2d_is_the_mean_of_its_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root, ROWS[:3], "2D")
    results, _ = replay(
        tmp_path, monkeypatch, "cv_bench_2d", root, {str(i): r[5] for i, r in enumerate(ROWS[:3])}
    )
    assert value(results, "cv_bench_acc") == pytest.approx(0.75)  # (ADE20K 1/2 + COCO 1/1) / 2
    assert value(results, "accuracy") == pytest.approx(2 / 3)


def test_cv_bench_3d_is_omni3d_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root, ROWS[3:], "3D")
    results, _ = replay(
        tmp_path, monkeypatch, "cv_bench_3d", root, {str(i): r[5] for i, r in enumerate(ROWS[3:])}
    )
    assert results["n_docs"] == 2
    assert value(results, "cv_bench_acc") == pytest.approx(0.5)  # Omni3D alone: 1 of 2
    assert value(results, "accuracy") == pytest.approx(0.5)
