"""multidocvqa_val and multidocvqa_test end to end: rows in the schema lmms-eval 0.7.3 reads from
lmms-lab-encoder/MP-DocVQA (``answers`` as the text of a Python list, pages as ``image_1``..``image_20``,
absent pages null) in the mirror layout, messy replayed answers, ANLS and accuracy computed by hand with the
official MP-DocVQA rule, and the test split's submission records."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.vqa_submission import tsv_to_json

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "questionId": STR,
        "question": STR,
        "doc_id": STR,
        "page_ids": STR,
        "answers": STR,
        "answer_page_idx": STR,
        "data_split": STR,
        **{f"image_{i}": datasets.Image() for i in range(1, 21)},
    }
)


def _columns(rows: list[tuple[str, int, Any]], split: str) -> dict[str, list[Any]]:
    n = len(rows)
    pages = {f"image_{i}": [image("red") if i <= r[1] else None for r in rows] for i in range(1, 21)}
    return {
        "questionId": [r[0] for r in rows],
        "question": [f"What is written in field {r[0]}?" for r in rows],
        "doc_id": ["xnbl0037"] * n,
        "page_ids": ["['xnbl0037_p0', 'xnbl0037_p1']"] * n,
        "answers": [r[2] for r in rows],
        "answer_page_idx": ["0" if split == "val" else None] * n,
        "data_split": [split] * n,
        **pages,
    }


def test_multidocvqa_val_scores_anls_and_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (questionId, pages, answers, response, ANLS, accuracy by hand)
        ("49153", 2, "['Lobo', 'Dr. Lobo']", "  DR. LOBO\n", 1.0, 1.0),  # lower-cased and stripped
        ("24580", 1, "['12/15/88']", "12/15/89", 1 - 1 / 8, 0.0),
        ("57349", 3, "['a b c']", "a  b c", 1 - 1 / 6, 0.0),  # inner spaces kept
        ("57350", 20, "['none']", "None", 0.0, 0.0),  # "none" never scores
        ("57351", 1, "['Denver']", "Boston", 0.0, 0.0),
    ]
    write_split(tmp_path / "root", "lmms-lab-encoder/MP-DocVQA", "val", _columns(rows, "val"), FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "multidocvqa_val", tmp_path / "root", {r[0]: r[3] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert value(results, "anls") == pytest.approx(sum(r[4] for r in rows) / 5)
    assert value(results, "accuracy") == pytest.approx(sum(r[5] for r in rows) / 5)
    assert {k: s["scores"]["anls"] for k, s in samples.items()} == pytest.approx({r[0]: r[4] for r in rows})
    images = {
        k: sum(p["type"] == "image" for m in s["prompt"] for p in m["content"]) for k, s in samples.items()
    }
    assert images == {r[0]: r[1] for r in rows}  # every page present, none of the null ones


def test_multidocvqa_test_writes_rrc_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [("61440", 2, None), ("61441", 1, None)]
    write_split(tmp_path / "root", "lmms-lab-encoder/MP-DocVQA", "test", _columns(rows, "test"), FEATURES)
    results, _ = replay(
        tmp_path, monkeypatch, "multidocvqa_test", tmp_path / "root", {"61440": "Dr. Lobo", "61441": "12"}
    )
    assert results["metrics"] == {} and results["n_docs"] == 2
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    tsv = run_dir / "submission_multidocvqa_test.tsv"
    with tsv.open(encoding="utf-8", newline="") as fh:
        assert list(next(csv.DictReader(fh, delimiter="\t"))) == ["questionId", "answer", "answer_page"]
    out = tmp_path / "mp.json"
    assert tsv_to_json(tsv, out) == 2
    assert json.loads(out.read_text(encoding="utf-8")) == [
        {"questionId": 61440, "answer": "Dr. Lobo", "answer_page": None},
        {"questionId": 61441, "answer": "12", "answer_page": None},
    ]
