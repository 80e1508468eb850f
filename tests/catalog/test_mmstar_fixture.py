"""mmstar end to end: rows in the schema of Lin-Chen/MMStar (val) in the mirror layout (made-up questions with
their options in the text, tiny generated images), messy replayed answers, and MMStar's official score (the
share of right answers, by category and l2_category) plus lmms-eval 0.7.3's `average` (the mean of the
l2_category accuracies), computed by hand from the official rule (the response starts with the letter,
"(X", "option X" or "the answer is X")."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of Lin-Chen/MMStar
    {
        "index": datasets.Value("int64"),
        "question": STR,
        "image": datasets.Image(),
        "answer": STR,
        "category": STR,
        "l2_category": STR,
        "meta_info": {"source": STR, "split": STR, "image_path": STR},
    }
)
SCENE, EMOTION, GEOMETRY = "image scene and topic", "image emotion", "geometry"
ROWS = [  # (category, l2_category, answer, response, right)
    ("coarse perception", SCENE, "A", "A", True),
    ("coarse perception", SCENE, "B", "Answer: B", False),  # not one of the official forms
    ("coarse perception", EMOTION, "C", "(C) happy", True),
    ("math", GEOMETRY, "D", "Option D", True),
    ("math", GEOMETRY, "A", "the answer is A.", True),
    ("math", GEOMETRY, "B", "I think B", False),
]
QUESTION = (
    "Which option is right for item {i}? Please answer yes or no.\nOptions: A: one, B: two, C: three, D: four"
)


def test_mmstar_official_score_and_l2_average(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "index": list(range(len(ROWS))),
        "question": [QUESTION.format(i=i) for i in range(len(ROWS))],
        "image": [image("red") for _ in ROWS],
        "answer": [r[2] for r in ROWS],
        "category": [r[0] for r in ROWS],
        "l2_category": [r[1] for r in ROWS],
        "meta_info": [
            {"source": "made-up", "split": "val", "image_path": f"{i}.png"} for i in range(len(ROWS))
        ],
    }
    write_split(root, "Lin-Chen/MMStar", "val", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "mmstar", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (6, 6)
    assert [samples[str(i)]["scores"]["mmstar_score"] == 1.0 for i in range(6)] == [r[4] for r in ROWS]
    assert value(results, "mmstar_score") == pytest.approx(100 * 4 / 6)  # official: right / all
    assert value(results, "average") == pytest.approx(100 * (1 / 2 + 1 + 2 / 3) / 3)  # 0.7.3: mean of l2
    assert value(results, "mmstar_score", "category", "coarse perception") == pytest.approx(100 * 2 / 3)
    assert value(results, "average", "category", "coarse perception") == pytest.approx(75.0)
    assert value(results, "mmstar_score", "l2_category", GEOMETRY) == pytest.approx(100 * 2 / 3)
    text = samples["0"]["prompt"][0]["content"][1]["text"]
    assert text == (
        "Which option is right for item 0?\nOptions: A: one, B: two, C: three, D: four\n"
        "Answer with the option's letter from the given choices directly"
    )
