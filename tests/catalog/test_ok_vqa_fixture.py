"""ok_vqa_val2014 end to end: rows in the schema of lmms-lab-encoder/OK-VQA (val2014) in the mirror layout,
messy replayed answers, scores computed by hand with the official VQA rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "question_id": STR,
        "image": datasets.Image(),
        "question": STR,
        "answers": datasets.Sequence(STR),
        "question_type": STR,
        "answer_type": STR,
    }
)


def test_ok_vqa_val2014_scores_with_the_official_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [  # (question_id, question_type, answers, response, accuracy by hand)
        ("2971475", "one", ["racing"] * 10, "Racing", 0.0),  # all answers agree: no processing at all
        ("2971476", "one", ["race"] * 4 + ["racing"] * 6, "racing.", 1.0),
        ("2971477", "two", ["surfboard"] * 2 + ["surf board"] * 2 + ["board"] * 6, "a surf-board", 0.6),
    ]
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/OK-VQA",
        "val2014",
        {
            "question_id": [r[0] for r in rows],
            "image": [image(c) for c in ("red", "green", "blue")],
            "question": ["What sport is this?"] * 3,
            "answers": [r[2] for r in rows],
            "question_type": [r[1] for r in rows],
            "answer_type": ["other"] * 3,
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "ok_vqa_val2014", tmp_path / "root", {r[0]: r[3] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (3, 3)
    assert value(results, "accuracy") == pytest.approx(100 * 1.6 / 3)
    assert value(results, "accuracy", "question_type", "one") == pytest.approx(50.0)
    assert value(results, "accuracy", "question_type", "two") == pytest.approx(60.0)
    assert {k: s["scores"]["accuracy"] for k, s in samples.items()} == pytest.approx(
        {r[0]: r[4] for r in rows}
    )
