"""SlideVQA QA exact match and F1 (lmms_eval.scoring.slidevqa) against the official evaluation.

``fixtures/slidevqa_official_cases.jsonl`` holds 531 cases (31 written by hand: unit words after "how many"
and "which", number words, yes/no prefixes, the substring replacements, punctuation, articles, empty texts,
token order and repeats; 500 seeded random ones over eight questions). The expected scores were produced
outside this repository by calling ``evaluate_f1_em_qa`` of ``evaluate.py`` from
github.com/nttmdlab-nlp/SlideVQA at commit e1f0bd991a46b36024af5a18b3429e923f9610c4 unmodified, one
question at a time, reading its ``EM`` and ``F1``. Both must agree exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.slidevqa import add_page_list, normalize_answer, slidevqa_em, slidevqa_f1

FIXTURE = Path(__file__).parent / "fixtures" / "slidevqa_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]


def test_agrees_with_the_official_evaluation_on_every_case() -> None:
    assert len(CASES) == 531
    assert sum(0 < c["f1"] < 1 for c in CASES) > 50
    disagreements = [
        c
        for c in CASES
        if slidevqa_em(c["prediction"], c["answer"], c) != c["em"]
        or slidevqa_f1(c["prediction"], c["answer"], c) != c["f1"]
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    "text, question, normalized",
    [
        ("30 People", "so how many people attended?", "30"),  # the word after "how many" is cut out
        ("30 People", "How many people attended?", "30 people"),  # the cue is case-sensitive
        ("30 People", "so how many People attended?", "30 people"),  # and the unit keeps its case
        ("Thirteen", "Who?", "13"),
        ("Yes, it is", "Is it?", "yes"),
        ("Brand & Co", "What?", "br co"),  # "and" replaced inside words
        ("5 apps", "How many", "5 apps"),  # nothing after the cue: kept (the official code fails)
    ],
)
def test_normalize_answer(text: str, question: str, normalized: str) -> None:
    assert normalize_answer(text, question) == normalized


def test_metrics() -> None:
    doc = {"question": "Who is the CEO?"}
    assert slidevqa_em("Tim Cook.", "Tim Cook", doc) == 1.0
    assert slidevqa_f1("Tim", "Tim Cook", doc) == pytest.approx(2 / 3)
    assert slidevqa_em("", "", doc) == 0.0  # no common token: 0 even when both are empty
    assert slidevqa_f1(None, "x", doc) == 0.0
    assert METRICS.get("slidevqa_em") is slidevqa_em and METRICS.get("slidevqa_f1") is slidevqa_f1
    (out,) = add_page_list([{"page_1": "a", "page_2": None, "page_3": "c"}])
    assert out["images"] == ["a", "c"]
