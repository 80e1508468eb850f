"""mmmu_test end to end: rows in the schema of lmms-lab-encoder/MMMU (default config, test split, answers
withheld) in the mirror layout, tiny generated images, messy replayed answers; nothing is scored and
submission_mmmu_test.tsv holds, per id, the official prediction of MMMU's ``run_llava.py`` (the letter of
``parse_multi_choice_response``, the seeded guess where it draws a random one; the response of an open
question), worked out by hand."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

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
MC, OPEN = "multiple-choice", "open"
ROWS = [  # (id, question, options, question_type, response, prediction)
    ("test_Art_1", "Who painted <image 1>?", "['Monet', 'Manet', 'Degas']", MC, "I think it is (B).", "B"),
    ("test_Physics_7", "What is the speed in <image 1>?", "['2 m/s', '4 m/s', '6 m/s', '8 m/s']", MC, "B. 4 m/s",
     fallback_choice("test_Physics_7", ["A", "B", "C", "D"])),  # no " B ", 3 words: the official guess
    ("test_Math_3", "How long is the ladder in <image 1>?", "[]", OPEN, "The answer is 12.5 ft.\nDone",
     "The answer is 12.5 ft.\nDone"),  # an open question: the response itself
]  # fmt: skip


def _columns() -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        "id": [r[0] for r in ROWS],
        "question": [r[1] for r in ROWS],
        "options": [r[2] for r in ROWS],
        "explanation": ["" for _ in ROWS],
        "image_1": [image("red") for _ in ROWS],
        **{f"image_{i}": [None for _ in ROWS] for i in range(2, 8)},
        "img_type": ["['Diagrams']" for _ in ROWS],
        "answer": ["?" for _ in ROWS],
        "topic_difficulty": ["Medium" for _ in ROWS],
        "question_type": [r[3] for r in ROWS],
        "subfield": ["x" for _ in ROWS],
    }
    return columns


def test_mmmu_test_writes_the_official_predictions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab-encoder/MMMU", "test", _columns(), FEATURES)
    results, samples = replay(tmp_path, monkeypatch, "mmmu_test", root, {r[0]: r[4] for r in ROWS})
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    # lmms-eval 0.7.3's mmmu_test prompt: no instruction after the question and options
    assert samples["test_Art_1"]["prompt"][0]["content"][1]["text"] == (
        "Who painted <image 1>?\nA. Monet\nB. Manet\nC. Degas\n\n"
    )
    open_text = samples["test_Math_3"]["prompt"][0]["content"][1]["text"]
    assert open_text == "How long is the ladder in <image 1>?\n\n"
    assert [p["type"] for p in samples["test_Art_1"]["prompt"][0]["content"]] == ["image", "text"]
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    with (run_dir / "submission_mmmu_test.tsv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    assert list(table[0]) == ["id", "prediction"]
    assert {r["id"]: r["prediction"] for r in table} == {r[0]: r[5] for r in ROWS}
    (report,) = validate(["mmmu_test"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
