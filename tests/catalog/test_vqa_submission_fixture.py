"""The test splits scored by an evaluation server (vqav2_test, textvqa_test, docvqa_test, infovqa_test,
vizwiz_vqa_test) end to end: rows in the schema of each lmms-lab-encoder dataset's test split (answers absent)
in the mirror layout, messy replayed answers, nothing scored, and the submission file in each server's
records, converted back to its JSON by ``tsv_to_json``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.scoring.vqa_submission import tsv_to_json

STR, INT32, INT64 = datasets.Value("string"), datasets.Value("int32"), datasets.Value("int64")
COLORS = ("red", "green", "blue")


def _submission(tmp_path: Path, task: str) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    tsv = run_dir / f"submission_{task}.tsv"
    with tsv.open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    out = tmp_path / f"{task}.json"
    assert tsv_to_json(tsv, out) == len(table)
    return table, json.loads(out.read_text(encoding="utf-8"))


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, predictions: dict[str, str]) -> None:
    results, samples = replay(tmp_path, monkeypatch, task, tmp_path / "root", predictions)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_errors"]) == (len(predictions), 0)
    assert set(samples) == set(predictions)


def test_vqav2_test_writes_evalai_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = {"answer": STR, "answer_confidence": STR, "answer_id": INT64}
    features = datasets.Features(
        {
            "question_type": STR,
            "multiple_choice_answer": STR,
            "answers": [answer],
            "image_id": INT64,
            "answer_type": STR,
            "question_id": INT64,
            "question": STR,
            "image": datasets.Image(),
        }
    )
    ids = [262144000, 262144001, 393225000]
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/VQAv2",
        "test",
        {
            "question_type": [None] * 3,
            "multiple_choice_answer": [None] * 3,
            "answers": [None] * 3,
            "image_id": [262144, 262144, 393225],
            "answer_type": [None] * 3,
            "question_id": ids,
            "question": ["Is the ball flying?", "What color is it?", "How many?"],
            "image": [image(c) for c in COLORS],
        },
        features,
    )
    _run(
        tmp_path,
        monkeypatch,
        "vqav2_test",
        {"262144000": "Yes.", "262144001": " red\tand blue", "393225000": "two"},
    )
    table, records = _submission(tmp_path, "vqav2_test")
    assert list(table[0]) == ["question_id", "answer"]
    assert records == [  # the responses as given: the server processes them
        {"question_id": 262144000, "answer": "Yes."},
        {"question_id": 262144001, "answer": " red\tand blue"},
        {"question_id": 393225000, "answer": "two"},
    ]


def test_textvqa_test_writes_processed_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    features = datasets.Features(
        {
            "image_id": STR,
            "question_id": INT32,
            "question": STR,
            "question_tokens": datasets.Sequence(STR),
            "image": datasets.Image(),
            "image_width": INT32,
            "image_height": INT32,
            "flickr_original_url": STR,
            "flickr_300k_url": STR,
            "answers": datasets.Sequence(STR),
            "image_classes": datasets.Sequence(STR),
            "set_name": STR,
            "ocr_tokens": datasets.Sequence(STR),
        }
    )
    n = 3
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/textvqa",
        "test",
        {
            "image_id": ["a", "b", "c"],
            "question_id": [39602, 39603, 39604],
            "question": ["what brand is this?"] * n,
            "question_tokens": [["what"]] * n,
            "image": [image(c) for c in COLORS],
            "image_width": [8] * n,
            "image_height": [8] * n,
            "flickr_original_url": ["https://example.org/x.jpg"] * n,
            "flickr_300k_url": ["https://example.org/y.jpg"] * n,
            "answers": [None] * n,
            "image_classes": [["Bottle"]] * n,
            "set_name": ["test"] * n,
            "ocr_tokens": [["coke"]] * n,
        },
        features,
    )
    _run(
        tmp_path, monkeypatch, "textvqa_test", {"39602": "Coca-Cola.", "39603": "1,000", "39604": "It's Two"}
    )
    _, records = _submission(tmp_path, "textvqa_test")
    assert records == [
        {"question_id": 39602, "answer": "coca cola"},
        {"question_id": 39603, "answer": "1000"},
        {"question_id": 39604, "answer": "it 's 2"},
    ]


def _rrc_features() -> Any:
    return datasets.Features(
        {
            "questionId": STR,
            "question": STR,
            "question_types": datasets.Sequence(STR),
            "image": datasets.Image(),
            "docId": INT64,
            "ucsf_document_id": STR,
            "ucsf_document_page_no": STR,
            "answers": datasets.Sequence(STR),
            "data_split": STR,
        }
    )


def test_docvqa_test_writes_rrc_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/DocVQA",
        "test",
        {
            "questionId": ["57344", "57345"],
            "question": ["What is the date?", "Who signed?"],
            "question_types": [None, None],
            "image": [image(c) for c in COLORS[:2]],
            "docId": [4720, 4720],
            "ucsf_document_id": ["ffbf0023", "ffbf0023"],
            "ucsf_document_page_no": ["4", "4"],
            "answers": [None, None],
            "data_split": ["test", "test"],
        },
        _rrc_features(),
        config="DocVQA",
    )
    _run(tmp_path, monkeypatch, "docvqa_test", {"57344": "12/15/88", "57345": "Dr. Lobo\n"})
    table, records = _submission(tmp_path, "docvqa_test")
    assert list(table[0]) == ["questionId", "answer"]
    assert records == [
        {"questionId": 57344, "answer": "12/15/88"},
        {"questionId": 57345, "answer": "Dr. Lobo\n"},
    ]


def test_infovqa_test_writes_rrc_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    features = datasets.Features(
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
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/DocVQA",
        "test",
        {
            "questionId": ["98304", "98305"],
            "question": ["What share?", "Which country?"],
            "answers": [None, None],
            "answer_type": [None, None],
            "image": [image(c) for c in COLORS[:2]],
            "image_url": ["https://example.org/a.png"] * 2,
            "operation/reasoning": [None, None],
            "ocr": ["{}", "{}"],
            "data_split": ["test", "test"],
        },
        features,
        config="InfographicVQA",
    )
    _run(tmp_path, monkeypatch, "infovqa_test", {"98304": "52 %", "98305": "CANADA"})
    _, records = _submission(tmp_path, "infovqa_test")
    assert records == [{"questionId": 98304, "answer": "52 %"}, {"questionId": 98305, "answer": "CANADA"}]


def test_vizwiz_vqa_test_writes_image_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    features = datasets.Features(
        {
            "question_id": STR,
            "image": datasets.Image(),
            "question": STR,
            "answers": datasets.Sequence(STR),
            "category": STR,
        }
    )
    ids = ["VizWiz_test_00000000.jpg", "VizWiz_test_00000001.jpg"]
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/VizWiz-VQA",
        "test",
        {
            "question_id": ids,
            "image": [image(c) for c in COLORS[:2]],
            "question": ["what is this?", "what color is this shirt?"],
            "answers": [None, None],
            "category": [None, None],
        },
        features,
    )
    _run(tmp_path, monkeypatch, "vizwiz_vqa_test", {ids[0]: "Unanswerable.", ids[1]: "The Blue shirt"})
    _, records = _submission(tmp_path, "vizwiz_vqa_test")
    assert records == [  # the image file name once, not lmms-eval 0.7.3's "...jpg.jpg"
        {"image": "VizWiz_test_00000000.jpg", "answer": "unanswerable"},
        {"image": "VizWiz_test_00000001.jpg", "answer": "blue shirt"},
    ]
