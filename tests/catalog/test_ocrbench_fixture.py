"""ocrbench end to end: rows in the schema of echo840/OCRBench (test) in the mirror layout, messy replayed
answers, the official substring rule by hand: points (out of 1000 on the full set) and accuracy, overall and
per category."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "dataset": STR,
        "question": STR,
        "question_type": STR,
        "answer": datasets.Sequence(STR),
        "image": datasets.Image(),
    }
)
HME = "Handwritten Mathematical Expression Recognition"


def test_ocrbench_points_by_category(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (dataset, question_type, answers, response, score by hand); the doc id is the row index
        ("IIIT5K", "Regular Text Recognition", ["CENTRE"], 'The text reads "Centre".', 1.0),
        ("WordArt", "Artistic Text Recognition", ["NEWSAGENCY", "NEWS AGENCY"], "News agency", 1.0),
        ("HME100k", HME, ["y _ { 2 } = - 1\n", "y_2 = - 1\n"], "$y_{2}=-1$", 1.0),  # spaces ignored
        ("HME100k", HME, ["x ^ { 2 }\n"], "X^{2}", 0.0),  # case kept for formulas
        ("docVQA", "Doc-oriented VQA", ["1,234"], "1234", 0.0),
    ]
    write_split(
        tmp_path / "root",
        "echo840/OCRBench",
        "test",
        {
            "dataset": [r[0] for r in rows],
            "question": ["  what is written in the image?  "] * 5,
            "question_type": [r[1] for r in rows],
            "answer": [r[2] for r in rows],
            "image": [image(c) for c in ("red", "green", "blue", "white", "black")],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "ocrbench", tmp_path / "root", {str(i): r[3] for i, r in enumerate(rows)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert value(results, "points") == 3.0
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "points", "question_type", HME) == 1.0
    assert value(results, "accuracy", "question_type", HME) == pytest.approx(50.0)
    assert value(results, "points", "question_type", "Doc-oriented VQA") == 0.0
    assert value(results, "points", "dataset", "HME100k") == 1.0
    assert [samples[str(i)]["scores"]["points"] for i in range(5)] == [r[4] for r in rows]
