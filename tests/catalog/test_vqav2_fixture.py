"""vqav2_val end to end: rows in the schema of lmms-lab-encoder/VQAv2 (validation) in the mirror layout,
messy replayed answers, scores computed by hand with the official VQA rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

FEATURES = datasets.Features(
    {
        "question_type": datasets.Value("string"),
        "multiple_choice_answer": datasets.Value("string"),
        "answers": [
            {
                "answer": datasets.Value("string"),
                "answer_confidence": datasets.Value("string"),
                "answer_id": datasets.Value("int64"),
            }
        ],
        "image_id": datasets.Value("int64"),
        "answer_type": datasets.Value("string"),
        "question_id": datasets.Value("int64"),
        "question": datasets.Value("string"),
        "image": datasets.Image(),
    }
)


def records(*answers: str) -> list[dict[str, object]]:
    return [{"answer": a, "answer_confidence": "yes", "answer_id": i} for i, a in enumerate(answers, 1)]


def test_vqav2_val_scores_with_the_official_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (question_id, image_id, answer_type, question_type, answers, response, official accuracy)
        (1001, 1, "yes/no", "is the", ["yes"] * 10, "Yes", 0.0),  # all answers agree: no processing
        (1002, 1, "yes/no", "is the", ["yes"] * 9 + ["no"], "Yes.", 1.0),  # 9 matches
        (1003, 2, "number", "how many", ["2", "2", "two"] + ["3"] * 7, "Two", 0.9),  # 3 after processing
        (1004, 2, "other", "what color", ["red"] * 2 + ["blue"] * 8, "the red", 0.6),
    ]
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/VQAv2",
        "validation",
        {
            "question_type": [r[3] for r in rows],
            "multiple_choice_answer": [r[4][0] for r in rows],
            "answers": [records(*r[4]) for r in rows],
            "image_id": [r[1] for r in rows],
            "answer_type": [r[2] for r in rows],
            "question_id": [r[0] for r in rows],
            "question": ["Is it?", "Is it?", "How many?", "What color?"],
            "image": [image(c) for c in ("red", "green", "blue", "white")],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "vqav2_val", tmp_path / "root", {str(r[0]): r[5] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (4, 4, 0)
    assert value(results, "accuracy") == pytest.approx(100 * (0.0 + 1.0 + 0.9 + 0.6) / 4)
    assert value(results, "accuracy", "answer_type", "yes/no") == pytest.approx(50.0)
    assert value(results, "accuracy", "answer_type", "number") == pytest.approx(90.0)
    assert value(results, "accuracy", "question_type", "what color") == pytest.approx(60.0)
    assert {k: s["scores"]["accuracy"] for k, s in samples.items()} == pytest.approx(
        {str(r[0]): r[6] for r in rows}
    )
