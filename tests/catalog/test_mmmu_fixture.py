"""mmmu_val end to end: rows in the schema of lmms-lab-encoder/MMMU (one default config, validation split;
options a Python-literal string, image_1..image_7 Image columns mostly empty) in the mirror layout, with
tiny generated images, messy replayed answers, and accuracies computed by hand from the official MMMU rules
(overall, by discipline, subject and question type)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, png, replay, value, write_split

from lmms_eval.scoring.mmmu import fallback_choice

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/MMMU
    {
        "id": STR,
        "question": STR,
        "options": STR,
        "explanation": STR,
        **{f"image_{i}": datasets.Image() for i in range(1, 8)},
        "img_type": STR,
        "answer": STR,
        "topic_difficulty": STR,
        "question_type": STR,
        "subfield": STR,
    }
)
COLORS = ["red", "green", "blue", "white", "black", "yellow", "purple"]
MC, OPEN = "multiple-choice", "open"
# (id, question, options, number of images, answer, question_type, subfield, response, extracted, correct)
ROWS: list[tuple[str, str, str, int, str, str, str, str, str, float]] = [
    ("validation_Art_1", "Who painted <image 1>?", "['Monet', 'Manet', 'Degas', 'Renoir']", 1, "B", MC,
     "Fine Arts", "B", "B", 1.0),
    ("validation_Art_2", "<image 1> Which of the works below shares its style?",
     "['<image 2>', '<image 3>', '<image 4>', '<image 5>']", 5, "C", MC, "Art History", "(C)", "C", 1.0),
    ("validation_Math_15", "How fast does the bottom of the ladder in <image 1> slide?", "[]", 1,
     "['24/7', '3.429']", OPEN, "Calculus", "The bottom slides at 3.429 ft/s.",
     '["the bottom slides at 3.429 ft/s", 3.43]', 1.0),  # a list answer: any of them counts
    ("validation_Electronics_2", "Find the voltage across the resistor in <image 1>.", "[]", 1, "2.83", OPEN,
     "Analog electronics", "Thus the voltage is 2.8 V", '["2.8 v", 2.8]', 0.0),
    ("validation_Finance_10", "What is the firm's value? <image 1>", "[]", 1, "2000000", OPEN,
     "Corporate Finance", "The answer is 2,000,000 dollars.", '["2,000,000 dollars", 2000000.0, 0.0]', 1.0),
    ("validation_Physics_3", "What is the speed of the block in <image 1>?",
     "['2 m/s', '4 m/s', '6 m/s', '8 m/s']", 1, "A", MC, "Classical Mechanics", "B. 4 m/s",
     "A", 1.0),  # no " B ", 3 words: the official random guess, seeded by the id (A)
    ("validation_Biology_5", "Which phase of mitosis is shown in <image 1>?",
     "['Prophase', 'Metaphase', 'Anaphase', 'Telophase']", 1, "C", MC, "Cell Biology",
     "The cell shown is clearly undergoing anaphase right now", "C", 1.0),  # > 5 words: an option's text
    ("validation_Math_3", "Which graph in <image 1> is convex?", "['I', 'II', 'III', 'IV']", 1, "B", MC,
     "Calculus", "The answer is (A) or maybe (D).", "D", 0.0),  # several: the last bracketed
]  # fmt: skip


def _columns() -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        "id": [r[0] for r in ROWS],
        "question": [r[1] for r in ROWS],
        "options": [r[2] for r in ROWS],
        "explanation": [""] * len(ROWS),
        "img_type": ["['Diagrams']"] * len(ROWS),
        "answer": [r[4] for r in ROWS],
        "topic_difficulty": ["Medium"] * len(ROWS),
        "question_type": [r[5] for r in ROWS],
        "subfield": [r[6] for r in ROWS],
    }
    for i in range(1, 8):
        columns[f"image_{i}"] = [image(COLORS[i - 1]) if i <= r[3] else None for r in ROWS]
    return columns


def test_mmmu_val_official_scores_with_breakdowns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab-encoder/MMMU", "validation", _columns(), FEATURES)
    assert fallback_choice("validation_Physics_3", ["A", "B", "C", "D"]) == "A"
    results, samples = replay(tmp_path, monkeypatch, "mmmu_val", root, {r[0]: r[7] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (8, 8, 0)
    for r in ROWS:
        assert samples[r[0]]["extracted"] == r[8], r[0]
        assert samples[r[0]]["scores"]["mmmu_acc"] == r[9], r[0]
    assert value(results, "mmmu_acc") == pytest.approx(100 * 6 / 8)
    # Science: Math_15 1, Physics_3 1, Biology_5 1, Math_3 0
    by_domain = {"Art and Design": 100.0, "Science": 75.0, "Business": 100.0, "Tech and Engineering": 0.0}
    for domain, expected in by_domain.items():
        assert value(results, "mmmu_acc", "domain", domain) == pytest.approx(expected), domain
    for subject, expected in {"Art": 100.0, "Math": 50.0, "Electronics": 0.0, "Finance": 100.0}.items():
        assert value(results, "mmmu_acc", "subject", subject) == pytest.approx(expected), subject
    assert value(results, "mmmu_acc", "question_type", OPEN) == pytest.approx(100 * 2 / 3)
    assert value(results, "mmmu_acc", "question_type", MC) == pytest.approx(100 * 4 / 5)
    assert value(results, "mmmu_acc", "subfield", "Calculus") == pytest.approx(50.0)

    # lmms-eval 0.7.3's prompt: the images named in the question and options, by number, then the text
    (message,) = samples["validation_Art_2"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image"] * 5 + ["text"]
    shas = [hashlib.sha256(png(color)).hexdigest() for color in COLORS[:5]]  # image_1 .. image_5
    assert [p["sha256"] for p in message["content"][:5]] == shas
    assert message["content"][-1]["text"] == (
        "<image 1> Which of the works below shares its style?\n"
        "A. <image 2>\nB. <image 3>\nC. <image 4>\nD. <image 5>\n\n"
        "Answer with the option's letter from the given choices directly."
    )
    (message,) = samples["validation_Finance_10"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][-1]["text"] == (
        "What is the firm's value? <image 1>\n\nAnswer the question using a single word or phrase."
    )
