"""OCRBench scoring (lmms_eval.scoring.ocrbench) against the official evaluation.

``fixtures/ocrbench_official_cases.jsonl`` holds 425 cases (25 written by hand: HME100k formulas with and
without spaces or newlines, case, spaced words, a list of answers, an empty answer, full-width digits,
``ß``; 400 seeded random LaTeX-like strings). The expected results were produced outside this repository by
executing, unmodified, the scoring loop of ``OCRBench/example.py`` (github.com/Yuliang-Liu/MultimodalOCR,
commit f5cbec66817b643f732f11cdc7b3a550963b70dc) on the cases as its ``data`` list. They must agree on every
case.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.scoring import AGGREGATIONS, METRICS
from lmms_eval.scoring.ocrbench import ocrbench_match, ocrbench_points

FIXTURE = Path(__file__).parent / "fixtures" / "ocrbench_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]


def test_agrees_with_the_official_evaluation_on_every_case() -> None:
    assert len(CASES) == 425
    disagreements = [
        c
        for c in CASES
        if ocrbench_match(c["prediction"], c["answers"], {"dataset": c["dataset"]}) != c["result"]
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    "prediction, answers, dataset, score",
    [
        ('The word is "Centre".', ["CENTRE"], "IIIT5K", 1.0),
        ("newsagency", ["NEWS AGENCY"], "WordArt", 0.0),  # spaces matter outside HME100k
        ("news\nagency", ["NEWS AGENCY"], "WordArt", 1.0),
        ("$y_{2}=-1$", ["y _ { 2 } = - 1\n"], "HME100k", 1.0),  # spaces and newlines removed
        ("Y_{2}=-1", ["y _ { 2 } = - 1\n"], "HME100k", 0.0),  # case matters in HME100k
        ("anything", [""], "svt", 1.0),
        (None, ["x"], "svt", 0.0),
    ],
)
def test_ocrbench_match(prediction: str | None, answers: list[str], dataset: str, score: float) -> None:
    assert ocrbench_match(prediction, answers, {"dataset": dataset}) == score


def test_points_sum_per_resample() -> None:
    scores = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    assert ocrbench_points(scores).tolist() == [2.0, 3.0]
    assert ocrbench_points(np.array([1.0, 1.0])).tolist() == [2.0]
    counts = np.array([[2, 1], [0, 3]])
    values = np.array([0.0, 1.0])
    assert ocrbench_points.from_counts(values, None, counts).tolist() == [1.0, 3.0]  # type: ignore[attr-defined]


def test_registered() -> None:
    assert METRICS.get("ocrbench_match") is ocrbench_match
    assert AGGREGATIONS.get("ocrbench_points") is ocrbench_points
