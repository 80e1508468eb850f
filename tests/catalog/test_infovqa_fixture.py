"""infovqa_val end to end: rows in the schema of lmms-lab-encoder/DocVQA (config InfographicVQA, validation)
in the mirror layout, messy replayed answers, ANLS computed by hand with the official script's rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "questionId": STR,
        "question": STR,
        "answers": datasets.Sequence(STR),
        "answer_type": datasets.Sequence(STR),
        "image": datasets.Image(),
        "image_url": STR,
        "operation/reasoning": datasets.Sequence(STR),
        "ocr": STR,
        "data_split": STR,
    }
)


def test_infovqa_val_scores_anls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (questionId, answers, response, ANLS by hand)
        ("65718", ["52%"], "52 %", 0.75),  # one insertion over length 4
        ("65719", ["Canada", "canada"], "CANADA", 1.0),
        ("65720", ["4"], "four", 0.0),  # distance 4 over length 4
    ]
    n = len(rows)
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/DocVQA",
        "validation",
        {
            "questionId": [r[0] for r in rows],
            "question": ["What share?"] * n,
            "answers": [r[1] for r in rows],
            "answer_type": [["single span"]] * n,
            "image": [image(c) for c in ("red", "green", "blue")],
            "image_url": [
                "https://example.org/a.png",
                "https://example.org/a.png",
                "https://example.org/b.png",
            ],
            "operation/reasoning": [[]] * n,
            "ocr": ["{}"] * n,
            "data_split": ["val"] * n,
        },
        FEATURES,
        config="InfographicVQA",
    )
    results, samples = replay(
        tmp_path, monkeypatch, "infovqa_val", tmp_path / "root", {r[0]: r[2] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (3, 3)
    assert value(results, "anls") == pytest.approx(1.75 / 3)
    assert {k: s["scores"]["anls"] for k, s in samples.items()} == pytest.approx({r[0]: r[3] for r in rows})
