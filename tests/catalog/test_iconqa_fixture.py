"""iconqa end to end: rows in the schema of lmms-lab-encoder/ICON-QA (val and test) in the mirror layout
(made-up questions of the three sub-tasks, tiny generated images), messy replayed answers, and the accuracy
overall and per sub-task by hand (lmms_eval/scoring/iconqa.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "question_id": STR,
        "question": STR,
        "choices": STR,
        "answer": STR,
        "query_image": datasets.Image(),
        "choice_image_0": datasets.Image(),
        "choice_image_1": datasets.Image(),
        "ques_type": STR,
        "label": STR,
        "grade": STR,
        "skills": STR,
    }
)
ROWS = [  # question_id, ques_type, question, choices, answer, response, right
    ("11", "choose_txt", "How many dots are there?", "4,6,8", "6", "B", True),
    ("12", "choose_txt", "Which shape is it?", "circle,square", "square", "The answer is square.", True),
    ("13", "choose_txt", "What time is it?", "3:00,4:00", "3:00", "B.", False),
    (
        "21",
        "choose_img",
        "Which picture shows a cat?",
        "choice_0.png,choice_1.png",
        "choice_0.png",
        "A",
        True,
    ),
    (
        "22",
        "choose_img",
        "Which has more?",
        "choice_0.png,choice_1.png",
        "choice_1.png",
        "the first image",
        False,
    ),
    ("31", "fill_in_blank", "How many sticks?", None, "7", " 7. ", True),
    ("32", "fill_in_blank", "What is the total?", None, "12", "twelve", False),
]


def _columns() -> dict[str, list[Any]]:
    choose_img = [r[1] == "choose_img" for r in ROWS]
    return {
        "question_id": [r[0] for r in ROWS],
        "question": [r[2] for r in ROWS],
        "choices": [r[3] for r in ROWS],
        "answer": [r[4] for r in ROWS],
        "query_image": [image("gray") for _ in ROWS],
        "choice_image_0": [image("red") if c else None for c in choose_img],
        "choice_image_1": [image("blue") if c else None for c in choose_img],
        "ques_type": [r[1] for r in ROWS],
        "label": ["" for _ in ROWS],
        "grade": ["prek" for _ in ROWS],
        "skills": ["counting" for _ in ROWS],
    }


@pytest.mark.parametrize(("task", "split"), [("iconqa_val", "val"), ("iconqa_test", "test")])
def test_iconqa_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, split: str) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab-encoder/ICON-QA", split, _columns(), FEATURES)
    results, samples = replay(tmp_path, monkeypatch, task, root, {r[0]: r[5] for r in ROWS})
    assert [samples[r[0]]["scores"]["accuracy"] == 1.0 for r in ROWS] == [r[6] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(100 * 4 / 7)
    assert value(results, "accuracy", "ques_type", "choose_txt") == pytest.approx(100 * 2 / 3)
    assert value(results, "accuracy", "ques_type", "choose_img") == pytest.approx(50.0)
    assert value(results, "accuracy", "ques_type", "fill_in_blank") == pytest.approx(50.0)
    statement = "Given a set of images and a question, please provide the answer to the question.\n"
    assert samples["11"]["prompt"][0]["content"][-1]["text"] == (
        f"{statement}Question: How many dots are there?.\nOptions:\nA. 4\nB. 6\nC. 8\n"
        "Please answer with the option letter from the given choices directly."
    )
    assert samples["31"]["prompt"][0]["content"][-1]["text"] == (
        f"{statement}Question: How many sticks?.\nPlease answer the question using a single word or phrase."
    )
    assert [p["type"] for p in samples["21"]["prompt"][0]["content"]] == ["image", "image", "image", "text"]
    assert [p["type"] for p in samples["31"]["prompt"][0]["content"]] == ["image", "text"]
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
