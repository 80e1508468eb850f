"""Charades-STA scoring against lmms-eval 0.7.3's own (github.com/EvolvingLMMs-Lab/lmms-eval, release 0.7.3,
``lmms_eval/tasks/charades_sta/utils.py``), the scorer of the task ``temporal_grounding_charades``.

``fixtures/charades_sta_official_cases.jsonl`` holds one line per response: the ``response``, the annotated
span ``gt``, the span 0.7.3's ``extract_time`` read (``null`` when it returned no single pair) and the
``iou`` its aggregation counts (``iou(gt, span)``, 0 without a span). They were made by a script outside
the repository run in the 0.7.3 installation (its ``utils`` module imported as it is): 1,200 responses from
30 templates (ranges with ``-``, ``–`` and ``to``, ``m:ss`` and ``h:mm:ss`` clocks, start/end on separate
lines, reversed spans, the prompt's example sentence, words holding ``to``/``end``, upper case, empty and
refusing answers, single numbers, JSON-like lists) filled with random seconds (seed 0), against spans drawn
near the prediction or at random (some empty).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.temporal_grounding import (
    extract_temporal_span,
    parse_span,
    temporal_iou,
    temporal_iou_metric,
    temporal_iou_recall,
)

FIXTURE = Path(__file__).parent / "fixtures" / "charades_sta_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text().splitlines()]


def test_enough_cases() -> None:
    assert len(CASES) >= 1000
    assert sum(c["span"] is None for c in CASES) > 100 and sum(c["iou"] >= 0.7 for c in CASES) > 100


@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_matches_official(case: dict) -> None:
    span = parse_span(case["response"])
    assert (list(span) if span else None) == case["span"]
    prediction = extract_temporal_span(case["response"], {})
    assert temporal_iou_metric(prediction, case["gt"], {}) == case["iou"]
    for threshold in (0.3, 0.5, 0.7):
        assert temporal_iou_recall(prediction, case["gt"], {}, threshold=threshold) == float(
            case["iou"] >= threshold
        )


def test_quirks() -> None:
    assert parse_span("The person uses the stove at 3 to 5.") == (3.0, 5.0)  # "to" -> "-" in "stove" too
    assert parse_span("The event happens in 30 - 20 seconds.") == (20.0, 30.0)
    assert parse_span("It starts at 0:05 and ends at 1:10.") == (5.0, 70.0)
    assert parse_span("no time here") is None
    assert temporal_iou([5, 5], [5, 5]) == 0.0
    assert temporal_iou([0, 10], [5, 20]) == 0.25
    assert temporal_iou_metric(None, [0, 10], {}) == 0.0
    assert temporal_iou_metric("[5.0, 10.0]", "0.0 - 10.0", {}) == 0.5  # a target written "start - end"
    assert temporal_iou_metric("[5.0, 10.0]", "[0.0, 10.0]", {}) == 0.5
