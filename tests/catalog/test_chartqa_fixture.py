"""chartqa end to end: rows in the schema of lmms-lab-encoder/ChartQA (test) in the mirror layout, messy
replayed answers, relaxed accuracy computed by hand, overall and per split (human / augmented)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features({"type": STR, "question": STR, "answer": STR, "image": datasets.Image()})


def test_chartqa_relaxed_accuracy_by_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (type, answer, response, correct by hand); the doc id is the row index
        ("human_test", "60", "61.5", 1.0),  # 2.5% off
        ("human_test", "Democrats", "democrats", 1.0),  # case ignored
        ("augmented_test", "0.57", "57%", 1.0),  # "%" divides by 100
        ("augmented_test", "2018", "2,018", 0.0),  # not a float: string equality
    ]
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/ChartQA",
        "test",
        {
            "type": [r[0] for r in rows],
            "question": ["How much?"] * 4,
            "answer": [r[1] for r in rows],
            "image": [image(c) for c in ("red", "green", "blue", "white")],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "chartqa", tmp_path / "root", {str(i): r[2] for i, r in enumerate(rows)}
    )
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert value(results, "relaxed_accuracy") == pytest.approx(75.0)
    assert value(results, "relaxed_accuracy", "type", "human_test") == pytest.approx(100.0)
    assert value(results, "relaxed_accuracy", "type", "augmented_test") == pytest.approx(50.0)
    assert [samples[str(i)]["scores"]["relaxed_accuracy"] for i in range(4)] == [r[3] for r in rows]
