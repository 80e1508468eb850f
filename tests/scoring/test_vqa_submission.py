"""Submission rows for the VQA-style servers (lmms_eval.scoring.vqa_submission): record keys, the answer
processing each server expects, VizWiz's image names and the TSV-to-JSON conversion."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from lmms_eval.scoring.vqa_submission import (
    question_id_rows,
    rrc_rows,
    textvqa_rows,
    tsv_to_json,
    vizwiz_image_name,
    vizwiz_rows,
)


def _sample(**data: Any) -> Any:
    return SimpleNamespace(doc=SimpleNamespace(data=data))


def test_rows_per_server() -> None:
    assert question_id_rows([(_sample(question_id=5), "Two.")]) == [{"question_id": 5, "answer": "Two."}]
    assert textvqa_rows([(_sample(question_id="7"), "Two, Dogs?")]) == [
        {"question_id": 7, "answer": "2 dogs"}
    ]
    assert rrc_rows([(_sample(questionId="57344"), " 12 ")]) == [{"questionId": 57344, "answer": " 12 "}]
    assert vizwiz_rows([(_sample(question_id="VizWiz_test_00000003.jpg"), "An Apple!")]) == [
        {"image": "VizWiz_test_00000003.jpg", "answer": "apple"}
    ]


def test_vizwiz_image_name_appends_jpg_only_when_missing() -> None:
    assert vizwiz_image_name("VizWiz_test_00000000.jpg") == "VizWiz_test_00000000.jpg"
    assert vizwiz_image_name("VizWiz_test_00000000") == "VizWiz_test_00000000.jpg"


def test_tsv_to_json_restores_integer_ids(tmp_path: Path) -> None:
    tsv = tmp_path / "s.tsv"
    tsv.write_text('questionId\tanswer\n12\t"a\tb"\n13\t007\n', encoding="utf-8")
    out = tmp_path / "s.json"
    assert tsv_to_json(tsv, out) == 2
    assert json.loads(out.read_text(encoding="utf-8")) == [
        {"questionId": 12, "answer": "a\tb"},
        {"questionId": 13, "answer": "007"},
    ]
