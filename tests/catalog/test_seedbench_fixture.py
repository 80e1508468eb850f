"""seedbench end to end: rows in the schema of lmms-lab-encoder/SEED-Bench (test) in the mirror layout
(made-up questions; an image question has one tiny generated image, a video question several frames),
messy replayed answers, accuracy overall and by data_type (lmms-eval 0.7.3's seed_image / seed_video) by
hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # lmms-lab/SEED-Bench: the SEED-Bench columns, images as a list
    {
        "answer": STR,
        "choice_a": STR,
        "choice_b": STR,
        "choice_c": STR,
        "choice_d": STR,
        "data_id": STR,
        "data_type": STR,
        "question": STR,
        "question_id": STR,
        "question_type_id": datasets.Value("int64"),
        "image": datasets.Sequence(datasets.Image()),
        "segment": STR,
    }
)
ROWS = [  # (question_id, data_type, type id, frames, answer, response, right)
    ("101", "image", 1, 1, "B", "B", True),
    ("102", "image", 2, 1, "C", "The answer is C", True),  # 0.7.3 reads only the first character, "T"
    ("201", "video", 10, 3, "D", "A.", False),
    ("202", "video", 10, 3, "D", "D", True),
]


def test_seedbench_accuracy_by_data_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "answer": [r[4] for r in ROWS],
        **{f"choice_{c}": [f"option {c}" for _ in ROWS] for c in "abcd"},
        "data_id": [f"{r[0]}.png" for r in ROWS],
        "data_type": [r[1] for r in ROWS],
        "question": [f"Question {r[0]}?" for r in ROWS],
        "question_id": [r[0] for r in ROWS],
        "question_type_id": [r[2] for r in ROWS],
        "image": [[image("red") for _ in range(r[3])] for r in ROWS],
        "segment": [None for _ in ROWS],
    }
    write_split(root, "lmms-lab-encoder/SEED-Bench", "test", columns, FEATURES)
    results, samples = replay(tmp_path, monkeypatch, "seedbench", root, {r[0]: r[5] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[r[0]]["scores"]["accuracy"] == 1.0 for r in ROWS] == [r[6] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(75.0)
    assert value(results, "accuracy", "data_type", "image") == 100.0
    assert value(results, "accuracy", "data_type", "video") == 50.0
    parts = samples["201"]["prompt"][0]["content"]
    assert [p["type"] for p in parts] == ["image", "image", "image", "text"]
    assert parts[-1]["text"] == (
        "Question 201?\nA. option a\nB. option b\nC. option c\nD. option d\n"
        "Answer with the option's letter from the given choices directly."
    )
