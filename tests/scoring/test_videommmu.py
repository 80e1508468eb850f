"""Video-MMMU's answer reading and matching against lmms-eval 0.7.3's.

``fixtures/videommmu_official_cases.jsonl``: ``videommmu_process_results`` then ``evaluate_videommmu`` of
lmms-eval 0.7.3 (``lmms_eval/tasks/videommmu/utils.py`` in the PyPI wheel lmms_eval-0.7.3-py3-none-any.whl),
run outside this repository on 3 multiple-choice questions (4, 5 and 10 options, bare and "X." option texts)
x 251 messy replies (101 hand-written, 150 generated from templates, seeded) and 6 other questions (open
numbers with commas and decimals, a name, a one-letter answer, a "perception" question) x 32 replies: 945
cases, 119 right, 6 empty open replies the original leaves out of its accuracy ("excluded": wrong here)."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.videommmu import (
    add_prompt_fields,
    extract_videommmu_answer,
    subject_folder,
    videommmu_accuracy,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "videommmu_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def _ours(case: dict) -> float:
    doc = case["doc"]
    return videommmu_accuracy(extract_videommmu_answer(case["reply"], doc), doc["answer"], doc)


def test_agrees_with_lmms_eval_on_every_case() -> None:
    verdicts = [str(c["official"]) for c in CASES]
    assert (len(CASES), verdicts.count("1.0"), verdicts.count("excluded")) == (945, 119, 6)
    multiple_choice = [c for c in CASES if c["doc"]["question_type"] == "multiple-choice"]
    assert [c for c in multiple_choice if extract_videommmu_answer(c["reply"], c["doc"]) != c["parsed"]] == []
    expected = [0.0 if c["official"] == "excluded" else c["official"] for c in CASES]
    assert [(c["reply"], c["doc"]["id"]) for c, e in zip(CASES, expected, strict=True) if _ours(c) != e] == []


def test_prompt_fields() -> None:
    docs = add_prompt_fields(
        [
            {"id": "test_Basic_Medical_Science_3", "options": ["bone", "skin"]},
            {"id": "test_Math_1", "options": ["A. 1", "B. 2"]},
        ]
    )
    assert [d["video_folder"] for d in docs] == ["Medicine", "Science"]
    assert [d["options_text"] for d in docs] == ["A. bone\nB. skin", "A. 1\nB. 2"]
    assert subject_folder("validation_Computer_Science_12") == "Engineering"
