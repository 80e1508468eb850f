"""docvqa_val end to end: rows in the schema of lmms-lab-encoder/DocVQA (config DocVQA, validation) in the
mirror layout, messy replayed answers, ANLS computed by hand with the official script's rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "questionId": STR,
        "question": STR,
        "question_types": datasets.Sequence(STR),
        "image": datasets.Image(),
        "docId": datasets.Value("int64"),
        "ucsf_document_id": STR,
        "ucsf_document_page_no": STR,
        "answers": datasets.Sequence(STR),
        "data_split": STR,
    }
)


def test_docvqa_val_scores_anls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (questionId, docId, answers, response, ANLS by hand)
        ("49153", 14465, ["Lobo", "Dr. Lobo"], "dr. lobo", 1.0),  # case ignored, best answer
        ("24580", 14465, ["12/15/88"], "12/15/89", 1 - 1 / 8),
        ("57349", 2, ["abcd"], "abef", 0.5),  # similarity exactly 0.5 counts
        ("57350", 2, ["1996"], "In 1996", 1 - 3 / 7),  # distance 3 over length 7
        ("57351", 3, ["Denver"], "Boston", 0.0),
    ]
    n = len(rows)
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/DocVQA",
        "validation",
        {
            "questionId": [r[0] for r in rows],
            "question": ["What is written?"] * n,
            "question_types": [["handwritten"]] * n,
            "image": [image(c) for c in ("red", "green", "blue", "white", "black")],
            "docId": [r[1] for r in rows],
            "ucsf_document_id": ["txpp0227"] * n,
            "ucsf_document_page_no": ["10"] * n,
            "answers": [r[2] for r in rows],
            "data_split": ["val"] * n,
        },
        FEATURES,
        config="DocVQA",
    )
    results, samples = replay(
        tmp_path, monkeypatch, "docvqa_val", tmp_path / "root", {r[0]: r[3] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert value(results, "anls") == pytest.approx(sum(r[4] for r in rows) / n)
    assert {k: s["scores"]["anls"] for k, s in samples.items()} == pytest.approx({r[0]: r[4] for r in rows})
