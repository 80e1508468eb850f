"""POPE scoring against the official evaluation (https://github.com/AoiDragon/POPE at commit
08d957b917e5a378a2f99d35b6293c536a66298b, ``evaluate.py``, run with Python 3.11).

Every expected value in ``fixtures/pope_official_cases.jsonl`` is an output of that official script. The file
was made by a generator script kept outside the repository (it runs the official code): the official
``evaluate.py`` was executed unchanged except for its two file paths (``ans_file``, ``label_file``) on
answer/label files written from the cases, and its ``pred_list`` (the per-answer verdict) and its
``TP``/``FP``/``TN``/``FN``, ``acc``, ``precision``, ``recall``, ``f1`` and ``yes_ratio`` were read back.
The cases pair messy answers with real POPE questions and labels (``coco_pope_{random,popular,adversarial}
.json`` of the same repository, MIT): ~100 hand-written answers ("Yes.", "yes, there is", "No, there
isn't", "I don't know", "not sure", "Not sure", "", "YES", "Nope", "No!", multi-sentence, newlines, tabs,
markdown, "3.5 no", ...), 16 object-specific templates ("There is no {object} in the image.", ...) six
times each, and 360 plain answers on sampled questions. Lines of ``kind: case`` hold one answer with the
official verdict; lines of ``kind: aggregate`` hold the official counts and metrics of a batch of cases
(all of them, then 12 random batches of 20-200; batches where the official script divides by zero are
not recorded).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.scoring.aggregations import yes_f1, yes_precision, yes_ratio, yes_recall
from lmms_eval.scoring.pope import (
    extract_pope_answer,
    pope_answer,
    pope_confusion,
    pope_correct,
    pope_label,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "pope_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _cases() -> list[dict[str, Any]]:
    return [r for r in _rows() if r["kind"] == "case"]


def test_the_fixture_covers_messy_answers() -> None:
    cases = _cases()
    answers = {c["answer"] for c in cases}
    assert len(cases) > 500
    for messy in ("Yes.", "yes, there is", "No, there isn't.", "I don't know", "not sure", "", "YES", "Nope"):
        assert messy in answers
    assert {c["official"] for c in cases} == {"yes", "no"}
    assert {c["label"] for c in cases} == {"yes", "no"}


def test_every_answer_is_read_as_the_official_script_reads_it() -> None:
    disagreements = [c for c in _cases() if pope_answer(c["answer"]) != c["official"]]
    assert disagreements == []


def test_per_sample_metrics_follow_the_official_verdicts() -> None:
    for c in _cases():
        pred = extract_pope_answer(c["answer"], {})
        right = c["official"] == c["label"]
        assert pope_correct(pred, c["label"], {}) == float(right)
        # raw text gives the same scores (the reading is idempotent on yes/no)
        assert pope_correct(c["answer"], c["label"], {}) == float(right)
        code = pope_confusion(pred, c["label"], {})
        assert code == 2 * (c["label"] == "yes") + (c["official"] == "yes")


def test_aggregates_equal_the_official_metrics() -> None:
    cases = _cases()
    aggregates = [r for r in _rows() if r["kind"] == "aggregate"]
    assert len(aggregates) >= 10
    for agg in aggregates:
        members = [cases[i] for i in agg["members"]]
        preds = [extract_pope_answer(c["answer"], {}) for c in members]
        codes = np.array([pope_confusion(p, c["label"], {}) for p, c in zip(preds, members)])
        correct = np.array([pope_correct(p, c["label"], {}) for p, c in zip(preds, members)])
        assert [int((codes == v).sum()) for v in (3.0, 1.0, 0.0, 2.0)] == [
            agg["TP"],
            agg["FP"],
            agg["TN"],
            agg["FN"],
        ]
        assert correct.mean() == pytest.approx(agg["accuracy"], abs=1e-12)
        assert yes_precision(codes)[0] == pytest.approx(agg["precision"], abs=1e-12)
        assert yes_recall(codes)[0] == pytest.approx(agg["recall"], abs=1e-12)
        assert yes_f1(codes)[0] == pytest.approx(agg["f1"], abs=1e-12)
        assert yes_ratio(codes)[0] == pytest.approx(agg["yes_ratio"], abs=1e-12)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("No, there isn't.", "no"),  # the comma goes, "No" is a word
        ("There is no dog.", "no"),
        ("not sure", "no"),
        ("Not sure", "yes"),  # case-sensitive: only "No", "not", "no"
        ("NO", "yes"),
        ("No!", "yes"),  # "No!" is not the word "No"
        ("Nope", "yes"),
        ("I don't know", "yes"),
        ("", "yes"),
        ("Yes. There is no cat.", "yes"),  # only the first sentence counts
        ("...no", "yes"),  # the first "sentence" is empty
        ("3.5 no", "yes"),  # a decimal point ends the sentence too
        ("no\nthere is", "yes"),  # a newline does not separate words
        ("no,there is", "yes"),  # removing the comma glues the words
    ],
)
def test_documented_quirks(answer: str, expected: str) -> None:
    assert pope_answer(answer) == expected


def test_labels_follow_the_official_rule() -> None:
    assert pope_label("no") == "no"
    assert pope_label("yes") == "yes"
    assert pope_label("No") == "yes"  # official: anything but the exact label "no" is positive


def test_registered_names() -> None:
    assert EXTRACTORS.get("pope") is extract_pope_answer
    assert METRICS.get("pope_correct") is pope_correct
    assert METRICS.get("pope_confusion") is pope_confusion
    assert AGGREGATIONS.get("yes_f1") is yes_f1
