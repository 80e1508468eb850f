"""MMAU's (and MMAR's) official ``string_match`` against the official code.

``fixtures/mmau_official_cases.jsonl``: ``string_match`` of github.com/Sakshi113/MMAU ``evaluation.py`` (commit
110127f54c0dfba3faa5ec9feee4a7e4148679c5), run outside this repository on 70 questions of the official
``mmau-test-mini.json`` with 12 messy responses each (letters, option texts, other options, mixtures,
explanations, empty): 840 cases, 249 right. ``fixtures/mmar_official_cases.jsonl``: ``string_match`` of
github.com/ddlBoJack/MMAR ``code/evaluation.py`` (commit 3bce090a967db576c8ad433b290a8da582d6d2a0) on 49
questions of the official ``MMAR-meta.jsonl`` with 10 responses each: 490 cases, 146 right; here the doc
holds the choices as ngqtrung/mmar does ("A. text") and the target is the answer letter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.mmau import (
    extract_mmar_answer,
    extract_mmau_answer,
    mmar_string_match,
    mmau_string_match,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _cases(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]


def test_mmau_agrees_with_the_official_code_on_every_case() -> None:
    cases = _cases("mmau_official_cases.jsonl")
    assert (len(cases), sum(c["official"] for c in cases)) == (840, 249)
    doc = lambda c: {"choices": json.dumps(c["choices"])}  # noqa: E731 - lmms-lab-audio/mmau's JSON string
    wrong = [
        c for c in cases if (mmau_string_match(c["prediction"], c["answer"], doc(c)) == 1.0) != c["official"]
    ]
    assert wrong == []


def test_mmar_agrees_with_the_official_code_on_every_case() -> None:
    cases = _cases("mmar_official_cases.jsonl")
    assert (len(cases), sum(c["official"] for c in cases)) == (490, 146)

    def doc(c: dict) -> dict:
        return {"choices": [f"{'ABCD'[i]}. {t}" for i, t in enumerate(c["choices"])]}

    wrong = [
        c
        for c in cases
        if (mmar_string_match(c["prediction"], c["answer_letter"], doc(c)) == 1.0) != c["official"]
    ]
    assert wrong == []


CHOICES = ["A child", "A woman", "An adult man", "A teenager"]


@pytest.mark.parametrize(
    ("response", "read_as", "right"),
    [
        ("B", "A woman", True),  # a bare letter is read as its option's text
        ("(b)", "A woman", True),
        ("**B**.", "A woman", True),
        ("B. A woman", "B. A woman", True),  # anything else is matched as written
        ("The answer is B.", "The answer is B.", False),  # no answer token "woman"
        ("a woman", "a woman", True),
        ("A woman, not a child", "A woman, not a child", False),  # a distractor token
        ("E", "E", False),  # not an option letter
        ("", "", False),
    ],
)
def test_mmau_letter_reading(response: str, read_as: str, right: bool) -> None:
    doc = {"choices": json.dumps(CHOICES)}
    assert extract_mmau_answer(response, doc) == read_as
    assert mmau_string_match(extract_mmau_answer(response, doc), "A woman", doc) == float(right)


def test_mmar_letter_reading_and_target_letter() -> None:
    doc = {"choices": ["A. Too little", "B. Just right, no opinion", "C. Too much, can't finish"]}
    assert extract_mmar_answer("A", doc) == "Too little"
    assert mmar_string_match("A", "A", doc) == 0.0  # the raw letter has no answer token
    assert mmar_string_match(extract_mmar_answer("A", doc), "A", doc) == 1.0
    assert mmar_string_match("too little", "Too little", doc) == 1.0  # a target given as text
    assert mmar_string_match("Too much", "A", doc) == 0.0
    assert mmar_string_match(None, "A", doc) == 0.0
