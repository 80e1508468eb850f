"""MLVU's answer extraction (lmms-eval 0.7.3's ``extract_mcq_answer`` with the letters A-D) against the
peer's code.

``fixtures/mlvu_official_cases.jsonl`` was made by running, outside this repository, ``extract_mcq_answer`` of
lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``, ``lmms_eval/tasks/_task_utils/mcq_extract.py``, imported from its
own environment, ``choices=["A", "B", "C", "D"]`` as ``lmms_eval/tasks/mlvu/utils.py`` calls it) on 560 messy
responses (letters in many forms, answer phrases in English, Chinese, Korean and Japanese, option texts,
reasoning, empty ones, 400 seeded random word salads): the letter read, or "" for none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.mlvu import extract_mcq_answer, extract_mlvu_answer

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "mlvu_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_peer_code_on_every_case() -> None:
    assert (len(CASES), sum(c["extracted"] == "" for c in CASES)) == (560, 99)
    wrong = [c for c in CASES if extract_mcq_answer(c["response"]) != c["extracted"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "letter"),
    [("B", "B"), ("The answer is (C).", "C"), ("A is wrong, C is right", "A"), ("gray", None), ("", None)],
)
def test_readings(response: str, letter: str | None) -> None:
    assert extract_mlvu_answer(response, {}) == letter
