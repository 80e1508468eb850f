"""VQA accuracy (lmms_eval.scoring.vqa) against the official evaluators.

``fixtures/vqa_official_cases.jsonl`` holds 670 cases (70 written by hand, 600 seeded random draws of messy
variants: case, punctuation, articles, number words, contractions, trailing periods, spaces, tabs and
newlines, ``yes.``/``Yes``, digit commas, non-ASCII digits). Each case's expected scores were produced by
running, outside this repository, the official code unmodified:

- ``vqa_v2``: ``VQAEval.evaluate`` of ``PythonEvaluationTools/vqaEvaluation/vqaEval.py`` from
  github.com/GT-Vision-Lab/VQA at commit a013f0043c1e2cdc995922dfe257f7149aa9af06, under Python 2.7.18 (its
  language), each case a question whose ten answers carry answer ids 1..10, the per-question accuracy read
  before rounding;
- ``textvqa``: ``TextVQAAccuracyEvaluator.eval_pred_list`` of ``mmf/utils/m4c_evaluators.py`` from
  github.com/facebookresearch/mmf at commit 2dc099af7ce267561e4c2ae033c27eb36be5b3ea, under Python 3.11.

The official code is not part of this repository; the scores must agree exactly (same float).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.vqa import (
    answer_texts,
    normalize_textvqa,
    normalize_vqa,
    textvqa_accuracy,
    vizwiz_accuracy,
    vqa_accuracy,
)

FIXTURE = Path(__file__).parent / "fixtures" / "vqa_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]
DOC: dict[str, object] = {}


def test_fixture_size() -> None:
    assert len(CASES) == 670
    assert {c["vqa_v2"] for c in CASES} >= {0.0, 0.3, 0.6, 0.9, 1.0}


@pytest.mark.parametrize("metric, key", [(vqa_accuracy, "vqa_v2"), (textvqa_accuracy, "textvqa")])
def test_agrees_with_the_official_evaluator_on_every_case(metric: object, key: str) -> None:
    disagreements = [c for c in CASES if metric(c["prediction"], c["answers"], DOC) != c[key]]  # type: ignore[operator]
    assert disagreements == []


def test_vqa_v2_skips_processing_when_all_answers_agree() -> None:
    assert vqa_accuracy("Yes", ["yes"] * 10, DOC) == 0.0
    assert vqa_accuracy("yes.", ["yes"] * 10, DOC) == 0.0
    assert vqa_accuracy(" yes\n", ["yes"] * 10, DOC) == 1.0  # whitespace is always handled
    assert vqa_accuracy("Yes", ["yes"] * 9 + ["no"], DOC) == pytest.approx(1.0)
    assert vqa_accuracy("2", ["two"] * 10, DOC) == 0.0


def test_vqa_v2_leave_one_out() -> None:
    for matches, score in [(0, 0.0), (1, 0.3), (2, 0.6), (3, 0.9), (4, 1.0)]:
        answers = ["red"] * matches + ["blue"] * (10 - matches)
        assert vqa_accuracy("Red.", answers, DOC) == pytest.approx(score)
    assert vqa_accuracy("red", ["red"], DOC) == 0.0  # one answer: nothing left after leaving it out
    assert vqa_accuracy("red", [], DOC) == 0.0
    assert vqa_accuracy(None, ["red"] * 10, DOC) == 0.0


def test_vqa_v2_reads_hub_answer_records() -> None:
    records = [{"answer": "two", "answer_confidence": "yes", "answer_id": i} for i in range(1, 4)]
    records += [{"answer": "3", "answer_confidence": "maybe", "answer_id": i} for i in range(4, 11)]
    assert answer_texts(records) == ["two"] * 3 + ["3"] * 7
    assert vqa_accuracy("Two", records, DOC) == pytest.approx(0.9)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,000", "1000"),
        ("3.5", "3.5"),
        ("red, white", "red white"),
        ("black/white", "black white"),
        ("t-shirt", "t shirt"),
        ("  Yes\tsir \n", "yes sir"),
        ("ten", "10"),
        ("an apple", "apple"),
        ("dont", "don't"),
        ("Im", "im"),  # the official table's capitalised keys never match lower-cased words
        ("\u0663,\u0665", "\u0663 \u0665"),  # only ASCII digits make a digit-comma-digit group (Python 2)
        ("." * 40, "." * 8),  # at most 32 periods removed
    ],
)
def test_vqa_answer_processing(text: str, expected: str) -> None:
    assert normalize_vqa(text) == expected


def test_textvqa_processing_always_applies() -> None:
    assert normalize_textvqa("It's 1,000?") == "it 's 1000"
    assert textvqa_accuracy("Yes.", ["yes"] * 10, DOC) == 1.0
    assert textvqa_accuracy("Coca-Cola", ["coca cola"] * 2 + ["coke"] * 8, DOC) == pytest.approx(0.6)


def test_vizwiz_processes_only_the_prediction() -> None:
    assert vizwiz_accuracy("Unanswerable.", ["unanswerable"] * 10, DOC) == 1.0
    assert vizwiz_accuracy("Two", ["2"] * 3 + ["3"] * 7, DOC) == pytest.approx(0.9)
    assert vizwiz_accuracy("basil", ["Basil"] * 10, DOC) == 0.0  # human answers are compared as given
    assert vizwiz_accuracy(None, ["a"] * 10, DOC) == 0.0


def test_registered() -> None:
    assert METRICS.get("vqa_accuracy") is vqa_accuracy
    assert METRICS.get("textvqa_accuracy") is textvqa_accuracy
    assert METRICS.get("vizwiz_accuracy") is vizwiz_accuracy
