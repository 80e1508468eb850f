"""vizwiz_vqa_val end to end: rows in the schema of lmms-lab-encoder/VizWiz-VQA (val) in the mirror layout,
messy replayed answers, scores computed by hand with VizWiz's rule (only the prediction is processed)."""

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
        "category": STR,
    }
)


def test_vizwiz_vqa_val_scores_with_the_vizwiz_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (question_id, category, answers, response, accuracy by hand)
        ("VizWiz_val_00000000.jpg", "unanswerable", ["unanswerable"] * 10, "Unanswerable.", 1.0),
        ("VizWiz_val_00000001.jpg", "other", ["basil"] * 2 + ["parsley"] * 8, "The basil", 0.6),
        ("VizWiz_val_00000002.jpg", "number", ["2"] * 3 + ["3"] * 7, "two.", 0.9),
        ("VizWiz_val_00000003.jpg", "yes/no", ["Yes"] * 10, "yes", 0.0),  # human answers compared as given
    ]
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/VizWiz-VQA",
        "val",
        {
            "question_id": [r[0] for r in rows],
            "image": [image(c) for c in ("red", "green", "blue", "white")],
            "question": ["what is this?"] * 4,
            "answers": [r[2] for r in rows],
            "category": [r[1] for r in rows],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "vizwiz_vqa_val", tmp_path / "root", {r[0]: r[3] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert value(results, "accuracy") == pytest.approx(100 * 2.5 / 4)
    assert value(results, "accuracy", "category", "unanswerable") == pytest.approx(100.0)
    assert value(results, "accuracy", "category", "yes/no") == pytest.approx(0.0)
    assert {k: s["scores"]["accuracy"] for k, s in samples.items()} == pytest.approx(
        {r[0]: r[4] for r in rows}
    )
