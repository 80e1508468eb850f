"""MTVQA accuracy (lmms_eval.scoring.mtvqa) against the official script.

``fixtures/mtvqa_official_cases.jsonl`` holds 524 cases (24 written by hand: periods in answers and
responses, substrings, an empty answer, case mappings of ``İ``/``ß``/Cyrillic, Japanese, Arabic, Thai and
Vietnamese text, answer lists; 500 seeded random ones). The expected scores were produced outside this
repository by running ``scripts/acc.py`` of github.com/bytedance/MTVQA at commit
efc6a78a701516a76649430e1100c98e2904a7d8 unmodified over one result file per case
(``[{"annotation": ..., "answer": <response>}]``) and reading the accuracy it prints for each file. The
scores must agree exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.mtvqa import flatten_qa_pairs, mtvqa_match, qa_pairs

FIXTURE = Path(__file__).parent / "fixtures" / "mtvqa_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]
DOC: dict[str, Any] = {}


def test_agrees_with_the_official_script_on_every_case() -> None:
    assert len(CASES) == 524
    assert 0 < sum(c["score"] for c in CASES) < len(CASES)
    disagreements = [c for c in CASES if mtvqa_match(c["prediction"], c["annotation"], DOC) != c["score"]]
    assert disagreements == []


@pytest.mark.parametrize(
    "prediction, target, score",
    [
        ("3.5", "3.5", 0.0),  # periods leave the response only
        ("Die Antwort: BERLIN", " Berlin ", 1.0),
        ("2012", "12", 1.0),  # a substring is enough
        ("paris", ["x", "Paris"], 1.0),
        (None, "x", 0.0),
        ("x", [], 0.0),
    ],
)
def test_hand_cases(prediction: str | None, target: Any, score: float) -> None:
    assert mtvqa_match(prediction, target, DOC) == score


def test_flatten_qa_pairs() -> None:
    rows = [
        {"id": 7, "lang": "DE", "image": b"png", "qa_pairs": "[{'question': ' Was? ', 'answer': 'Haus'}, "
         "{'question': '', 'answer': 'x'}, {'question': 'Wo?', 'answer': 'Berlin'}]"},
        {"id": 8, "lang": "", "image": b"png", "qa_pairs": "not a list"},
    ]  # fmt: skip
    docs = flatten_qa_pairs(rows)
    assert [(d["question_id"], d["question"], d["answer"], d["lang"]) for d in docs] == [
        ("7_0", "Was?", "Haus", "DE"),
        ("7_1", "Wo?", "Berlin", "DE"),
    ]
    assert qa_pairs([{"question": "q", "answer": 1}]) == [{"question": "q", "answer": "1"}]
    assert METRICS.get("mtvqa_match") is mtvqa_match
