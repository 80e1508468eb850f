"""VSI-Bench's scoring against the official code.

``fixtures/vsibench_official_cases.jsonl``: ``vsibench_process_results`` of
github.com/vision-x-nyu/thinking-in-space@51e089c3ae69b9435e9489058610f5b3964c56a8
(``lmms_eval/tasks/vsibench/utils.py``), run outside this repository on 26 messy replies x 4 answer letters x
the 6 multiple-choice types, and 28 messy numeric replies (units, commas, words, "nan", "inf", "1_000",
padded, empty) plus 8 seeded near-misses x 6 ground truths x the 4 numeric types: 1488 cases (accuracy or
MRA). ``fixtures/vsibench_official_overall_cases.jsonl``: its ``vsibench_aggregate_results`` "overall" on 30
seeded sets of 63 of those scores (each set holding the three relative-direction types)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.scoring.vsibench import (
    QUESTION_TYPES,
    extract_vsibench_answer,
    vsibench_code,
    vsibench_overall,
    vsibench_score,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines()]


def test_scores_agree_with_the_official_code_on_every_case() -> None:
    cases = _lines("vsibench_official_cases.jsonl")
    assert len(cases) == 1488

    def ours(c: dict) -> float:
        doc = {"question_type": c["question_type"]}
        return vsibench_score(extract_vsibench_answer(c["reply"], doc), c["ground_truth"], doc)

    assert [c for c in cases if ours(c) != pytest.approx(c["official"], abs=1e-12)] == []


def test_overall_agrees_with_the_official_aggregation() -> None:
    cases = _lines("vsibench_official_overall_cases.jsonl")
    assert len(cases) == 30
    for case in cases:
        codes = np.array([2 * QUESTION_TYPES.index(t) + s for t, s in case["items"]])
        assert vsibench_overall(codes)[0] == pytest.approx(case["overall"] / 100, abs=1e-12)


def test_mra_thresholds_and_direction_weights() -> None:
    doc = {"question_type": "object_counting"}
    assert vsibench_score("3", "3", doc) == 1.0
    assert vsibench_score("4", "3", doc) == pytest.approx(0.4)  # |4-3|/3 <= 1-t for t in .50 .55 .60 .65
    assert vsibench_score(extract_vsibench_answer(" 3", doc), "3", doc) == 0.0  # the first token is ""
    kinds = [
        "object_rel_direction_easy",
        "object_rel_direction_medium",
        "object_rel_direction_hard",
        "route_planning",
    ]
    codes = [vsibench_code(r, "A", {"question_type": k}) for r, k in zip("AABA", kinds, strict=True)]
    assert codes == [1.0, 3.0, 4.0, 9.0]  # 2 * type index + score
    # direction: (1 + 1 + 0) / 3; overall: (2/3 + 1) / 2; over one type alone: its mean
    assert vsibench_overall(np.array(codes))[0] == pytest.approx(5 / 6)
    assert vsibench_overall(np.array([[codes[2], codes[2]], [codes[0], codes[2]]])) == pytest.approx(
        [0.0, 0.5]
    )
