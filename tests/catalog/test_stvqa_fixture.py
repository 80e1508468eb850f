"""stvqa end to end: rows of lmms-lab-encoder/ST-VQA's test split (answers not public) in the mirror layout,
with the columns lmms-eval 0.7.3 reads (question_id, question, image; the card's other columns could not be
read here), messy replayed answers, nothing scored, and the RRC submission records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.scoring.vqa_submission import tsv_to_json

FEATURES = datasets.Features(
    {"question_id": datasets.Value("int64"), "question": datasets.Value("string"), "image": datasets.Image()}
)


def test_stvqa_writes_rrc_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/ST-VQA",
        "test",
        {
            "question_id": [1, 2],
            "question": ["What is the brand name?", "What number is on the bus?"],
            "image": [image("red"), image("blue")],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "stvqa", tmp_path / "root", {"1": " Coca-Cola ", "2": "42."}
    )
    assert results["metrics"] == {} and (results["n_docs"], results["n_errors"]) == (2, 0)
    assert (
        "Answer the question using a single word or phrase."
        in samples["1"]["prompt"][0]["content"][-1]["text"]
    )
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    out = tmp_path / "stvqa.json"
    assert tsv_to_json(run_dir / "submission_stvqa.tsv", out) == 2
    assert json.loads(out.read_text(encoding="utf-8")) == [
        {"question_id": 1, "answer": " Coca-Cola "},
        {"question_id": 2, "answer": "42."},
    ]
