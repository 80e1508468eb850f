"""ChartQA relaxed accuracy (lmms_eval.scoring.chartqa) against the reference implementation.

``fixtures/chartqa_official_cases.jsonl`` holds 458 (prediction, target) cases (58 written by hand: 5%
boundaries, ``%`` forms, zero targets, commas, ``$``, ``1e3``, ``1_000``, ``inf``/``nan``, full-width and
Arabic-Indic digits, case and spaces; 400 seeded random numbers within +-10% in varied formats). The expected
verdicts were produced outside this repository by running ``relaxed_correctness`` of ``pix2struct/metrics.py``
(github.com/google-research/pix2struct, commit 42e24278b0cc53833bc47bf47d8090b9d3d76775), the function itself
taken unmodified from the file. The verdicts must agree on every case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring import METRICS
from lmms_eval.scoring.chartqa import relaxed_accuracy, to_float

FIXTURE = Path(__file__).parent / "fixtures" / "chartqa_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]
DOC: dict[str, object] = {}


def test_agrees_with_the_reference_on_every_case() -> None:
    assert len(CASES) == 458
    disagreements = [
        c for c in CASES if relaxed_accuracy(c["prediction"], c["target"], DOC) != float(c["correct"])
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    "prediction, target, score",
    [
        ("10.5", "10", 1.0),  # exactly 5%
        ("10.6", "10", 0.0),
        ("12%", "0.12", 1.0),
        ("12 %", "0.12", 1.0),
        ("0", "0", 1.0),  # zero target: string equality
        ("0.0", "0", 0.0),
        ("1,234", "1234", 0.0),  # not a float
        ("Yes", "yes", 1.0),
        (" yes", "yes", 0.0),  # strings are compared as given (the extractor strips)
        ("nan", "nan", 0.0),
        ("inf", "inf", 0.0),
        ("1e3", "1000", 1.0),
        (None, "5", 0.0),
        ("5", ["7", "5.2"], 1.0),
    ],
)
def test_relaxed_accuracy(prediction: str | None, target: object, score: float) -> None:
    assert relaxed_accuracy(prediction, target, DOC) == score


def test_to_float_and_tolerance() -> None:
    assert to_float("50%%") == 0.5
    assert to_float("$5") is None
    assert relaxed_accuracy("10.6", "10", DOC, tolerance=0.1) == 1.0
    with pytest.raises(ConfigError):
        relaxed_accuracy("1", "1", DOC, tolerance=-1)


def test_registered() -> None:
    assert METRICS.get("relaxed_accuracy") is relaxed_accuracy
