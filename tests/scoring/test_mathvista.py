"""MathVista's rule-based scoring against the official evaluation (https://github.com/lupantech/MathVista at
commit 53d525874bdde205128e6b160b7357a88277d479: ``evaluation/extract_answer.py`` ``extract_answer`` and
``evaluation/calculate_score.py`` ``normalize_extracted_answer`` / ``safe_equal``; Python 3.11, Levenshtein
0.27).

Every expected value here is an output of that official code. ``fixtures/mathvista_official_cases.jsonl``
holds one line per (problem, response): the MathVista ``pid``, the ``response`` and ``official``, four
``[extraction, prediction, true_false]`` triples for (quick_extract, ignore_empty_extractions) = (off, off),
(off, on), (on, off), (on, on); ``fixtures/mathvista_official_docs.jsonl`` the ``question_type``,
``answer_type``, ``choices``, ``precision`` (as the Hub's float64) and ``answer`` of those problems, from
the testmini file of the MathVista repository (``data/testmini.json``, no images). They were made by a
generator script that is not part of this repository (it imports the official code): the official
``evaluation/``, ``models/`` and ``utilities.py`` were extracted to a scratch folder; for every one of the
1,000 testmini problems it built messy responses from the answer and the choices (the answer with spaces,
a period, quotes, ``**``/``\\boxed{}``/``Answer:`` wrapping, upper/lower case; for multiple choice the letter,
``(B)``, ``(b) text``, other options' texts and letters, half options, ``(Z)``; for integers ``+7``, ``7.0``,
``7.7``, ``1e1``, ``1_0``, full-width and Arabic-Indic digits, units, ``inf``, ``nan``, ``-0``, words; for
floats more and fewer decimals, rounding edges such as ``2.675``, ``.5``, ``1.``, ``1,2``, units; for lists
spacing and brackets) and ran the official ``extract_answer`` with a model object whose ``get_response``
raises (the official fallback of a failed GPT extraction: ``""``), then ``normalize_extracted_answer`` and
``safe_equal``. The full run (111,140 combinations, 28,834 officially correct) agreed with this module on
every extraction, prediction and verdict; the fixture is a seeded sample of it (all list problems, 300
float, 500 integer and 700 multiple-choice responses).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import EXTRACTORS, METRICS
from lmms_eval.scoring.mathvista import (
    add_breakdown_fields,
    extract_mathvista_answer,
    levenshtein,
    mathvista_accuracy,
    normalize_extracted_answer,
    normalize_mathvista_answer,
    quick_extraction,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
COMBOS = [(False, False), (False, True), (True, False), (True, True)]


@cache
def _official() -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    def read(name: str) -> list[dict[str, Any]]:
        return [json.loads(x) for x in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]

    return read("mathvista_official_cases.jsonl"), {
        d["pid"]: d for d in read("mathvista_official_docs.jsonl")
    }


def _score(response: str, doc: dict[str, Any], quick: bool, ignore_empty: bool) -> list[Any]:
    extraction = extract_mathvista_answer(response, doc, quick_extract=quick)
    prediction = normalize_mathvista_answer(extraction, doc, ignore_empty_extractions=ignore_empty)
    return [extraction, prediction, mathvista_accuracy(prediction, doc["answer"], doc) == 1.0]


def test_agrees_with_the_official_evaluation_on_every_recorded_case() -> None:
    cases, docs = _official()
    assert len(cases) > 1500 and sum(c["official"][0][2] for c in cases) > 400
    wrong = []
    for case in cases:
        doc = docs[case["pid"]]
        for (quick, ignore_empty), expected in zip(COMBOS, case["official"]):
            got = _score(case["response"], doc, quick, ignore_empty)
            if got != expected:
                wrong.append((case["pid"], case["response"], quick, ignore_empty, got, expected))
    assert not wrong, f"{len(wrong)} disagreements, e.g. {wrong[:5]}"


MC = {"question_type": "multi_choice", "answer_type": "text", "choices": ["3/11", "8/11", "6/11", "3/5"]}
INT = {"question_type": "free_form", "answer_type": "integer", "choices": None, "precision": None}
FLOAT = {"question_type": "free_form", "answer_type": "float", "choices": None, "precision": 2.0}


@pytest.mark.parametrize(
    "response, doc, extraction, prediction",
    [
        ("8/11", MC, "8/11", "8/11"),  # a response equal to an option
        (" 8/11", MC, "", "3/5"),  # not equal (no strip): the GPT fallback "" -> the shortest option
        ("B", MC, "", "3/5"),  # a bare letter is not a rule: needs the GPT extractor
        ("(B) 8/11", MC, "", "3/5"),
        ("", MC, "", "3/5"),
        ("12", INT, "12", "12"),
        (" +12\n", INT, "12", "12"),  # int() accepts it
        ("１２", INT, "12", "12"),  # full-width digits
        ("12.0", INT, "", None),  # int() refuses; the fallback "" is not an integer
        ("12 apples", INT, "", None),
        ("1.2345", FLOAT, "1.2345", "1.23"),
        ("2.675", FLOAT, "2.675", "2.67"),  # binary rounding
        ("1e0", FLOAT, "1.0", "1.0"),
        ("nan", FLOAT, "nan", "nan"),
    ],
)
def test_official_rules(response: str, doc: dict[str, Any], extraction: str, prediction: str | None) -> None:
    assert extract_mathvista_answer(response, doc) == extraction
    assert normalize_mathvista_answer(extraction, doc) == prediction


def test_quick_extract_and_fallback() -> None:
    assert quick_extraction("Looking at it, B.", MC) is None  # would go to the GPT extractor
    assert quick_extraction('The answer is "B".', MC) is None
    assert quick_extraction('The answer is "B".', MC, quick_extract=True) == "B"
    assert normalize_mathvista_answer("B", MC) == "8/11"  # a letter names its option
    assert normalize_mathvista_answer("(b)", MC) == "8/11"
    assert normalize_mathvista_answer("", MC, ignore_empty_extractions=True) is None
    assert normalize_extracted_answer("3", None, "free_form", "float", None) is None  # no precision


def test_levenshtein() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("8/11", "3/11") == 1


def test_accuracy_is_plain_equality() -> None:
    assert mathvista_accuracy("1.2", "1.2", FLOAT) == 1.0
    assert mathvista_accuracy("1.20", "1.2", FLOAT) == 0.0
    assert mathvista_accuracy(None, "1.2", FLOAT) == 0.0


def test_breakdown_fields() -> None:
    doc = {
        "pid": "1",
        "metadata": {
            "language": "english",
            "source": "SciBench",
            "category": "math-targeted-vqa",
            "task": "textbook question answering",
            "context": "scientific figure",
            "grade": "college",
            "skills": ["scientific reasoning", "arithmetic reasoning"],
        },
    }
    (out,) = add_breakdown_fields([doc])
    assert (out["source"], out["grade"], out["task"]) == (
        "SciBench",
        "college",
        "textbook question answering",
    )
    assert out["skill_scientific_reasoning"] == out["skill_arithmetic_reasoning"] == "yes"
    assert out["skill_logical_reasoning"] == "no"


def test_registered() -> None:
    assert EXTRACTORS.get("mathvista") is extract_mathvista_answer
    assert EXTRACTORS.get("mathvista_normalize") is normalize_mathvista_answer
    assert METRICS.get("mathvista_accuracy") is mathvista_accuracy
