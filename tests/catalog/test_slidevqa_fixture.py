"""slidevqa_val end to end: rows in the schema of NTT-hil-insight/SlideVQA (val: qa_id, deck_name, question,
answer, arithmetic_expression, evidence_pages, page_1..page_20 with absent pages null) in the mirror layout,
messy replayed answers, EM and F1 computed by hand with the official normalization."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "qa_id": datasets.Value("int64"),
        "deck_name": STR,
        "question": STR,
        "answer": STR,
        "arithmetic_expression": STR,
        "evidence_pages": datasets.Sequence(datasets.Value("int64")),
        **{f"page_{i}": datasets.Image() for i in range(1, 21)},
    }
)


def test_slidevqa_val_scores_em_and_f1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (qa_id, pages, question, answer, response, EM, F1 by hand)
        (1, 20, "Who is the CEO?", "Tim Cook", "It is Tim Cook.", 1.0, 1.0),  # "it is " and the period go
        (2, 3, "What share of users is mobile?", "45%", "45 percent", 1.0, 1.0),
        (3, 2, "Is growth positive?", "Yes", "Yes, growth is positive", 1.0, 1.0),  # first word of a yes
        (4, 1, "Which countries lead?", "China and India", "China", 0.0, 2 / 3),  # "and" becomes ","
        (5, 1, "What is the total?", "twelve", "13", 0.0, 0.0),
    ]
    write_split(
        tmp_path / "root",
        "NTT-hil-insight/SlideVQA",
        "val",
        {
            "qa_id": [r[0] for r in rows],
            "deck_name": ["deck-a", "deck-a", "deck-b", "deck-c", "deck-c"],
            "question": [r[2] for r in rows],
            "answer": [r[3] for r in rows],
            "arithmetic_expression": ["None"] * 5,
            "evidence_pages": [[1]] * 5,
            **{f"page_{i}": [image("red") if i <= r[1] else None for r in rows] for i in range(1, 21)},
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "slidevqa_val", tmp_path / "root", {str(r[0]): r[4] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert {k: s["scores"]["f1"] for k, s in samples.items()} == pytest.approx(
        {str(r[0]): r[6] for r in rows}
    )
    assert value(results, "em") == pytest.approx(3 / 5)
    assert value(results, "f1") == pytest.approx((3 + 2 / 3) / 5)
    images = {
        k: sum(p["type"] == "image" for m in s["prompt"] for p in m["content"]) for k, s in samples.items()
    }
    assert images == {str(r[0]): r[1] for r in rows}
