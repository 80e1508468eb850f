"""ChartQAPro relaxed correctness (lmms_eval.scoring.chartqapro) against the official evaluation.

``fixtures/chartqapro_official_cases.jsonl`` holds 557 cases (57 written by hand: numbers within and beyond
5%, a zero target, percentages, ``1e3``/``nan``/``inf``/``1_000``, year flags in both cases, periods and
newlines around answers, list answers with missing and extra items, Fact Checking and Multi Choice, several
Conversational turns, ANLS at exactly 0.5, ``ß``; 500 seeded random rows over all five question types). The
expected scores were produced outside this repository by running ``evaluate_predictions_chartqapro([row])``
of ``evaluate_predictions.py`` from github.com/vis-nlp/ChartQAPro at commit
4b422c658270aff1d3105fd0fb39b1dd5de9f08c unmodified (with ``anls`` 0.0.2 and pandas from PyPI), reading its
``Overall``. The scores must agree exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.chartqapro import (
    add_prompt_fields,
    anls_package_score,
    chartqapro_relaxed_accuracy,
    fix_list_format,
)

FIXTURE = Path(__file__).parent / "fixtures" / "chartqapro_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]


def test_agrees_with_the_official_evaluation_on_every_case() -> None:
    assert len(CASES) == 557
    assert {c["Question Type"] for c in CASES} == {
        "Factoid", "Conversational", "Hypothetical", "Fact Checking", "Multi Choice",
    }  # fmt: skip
    disagreements = [
        c for c in CASES if chartqapro_relaxed_accuracy(c["prediction"], c["Answer"], c) != c["score"]
    ]
    assert disagreements == []


def _doc(qt: str = "Factoid", year: list[str] | None = None) -> dict[str, Any]:
    return {"Question Type": qt, "Year": ["NO"] if year is None else year}


@pytest.mark.parametrize(
    "prediction, answers, doc, score",
    [
        ("47", ["45"], _doc(), 1.0),  # within 5%
        ("2016.0", ["2016"], _doc(year=["YES"]), 0.0),  # a year: exact text
        ("False", ["True"], _doc("Fact Checking"), 0.0),
        ("true", ["True"], _doc("Fact Checking"), 1.0),  # never exact match: case ignored by ANLS
        ("B) 35%", ["B"], _doc("Multi Choice"), 0.0),
        ("abef", ["abcd"], _doc(), 0.0),  # a similarity of exactly 0.5 scores 0
        ("['a']", ["[a, b]"], _doc(), 0.5),  # one of two items
        ("20.5", ["Q1 ans", "20"], _doc("Conversational", ["YES", "NO"]), 1.0),  # the last turn's flag
        (
            "42",
            ["42"],
            {"Question Type": "Factoid", "Year": []},
            1.0,
        ),  # no flags: NO (the official code fails)
        (None, ["42"], _doc(), 0.0),
    ],
)
def test_hand_cases(prediction: str | None, answers: list[str], doc: dict[str, Any], score: float) -> None:
    assert chartqapro_relaxed_accuracy(prediction, answers, doc) == pytest.approx(score)


def test_helpers() -> None:
    assert fix_list_format("[a, b]") == ["a", "b"] and fix_list_format("a, b") == "a, b"
    assert anls_package_score("united  states", "United States") == 1.0
    assert METRICS.get("chartqapro_relaxed_accuracy") is chartqapro_relaxed_accuracy


def test_prompt_fields() -> None:
    conv = {"Question": ["How many?", "And now?"], "Answer": ["3", "4"], "Question Type": "Conversational",
            "Paragraph": " Sales data. "}  # fmt: skip
    (out,) = add_prompt_fields([conv])
    assert out["prompt_question"] == "Context: Sales data.\n\nQ1: How many?\nA1: 3\nQ2: And now?"
    assert out["question_type"] == "Conversational"
    (plain,) = add_prompt_fields(
        [{"Question": ["What is it? "], "Answer": ["x"], "Question Type": "Factoid"}]
    )
    assert plain["prompt_question"] == "What is it?"
