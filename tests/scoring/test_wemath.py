"""We-Math reading and four-dimensional metrics against the official code (https://github.com/We-Math/We-Math
at commit a57a0e83fc40d6ce1448926fe6495e57132e7b80, ``evaluation/four_dimensional_metrics.py`` and
``evaluation/accuracy.py``).

``fixtures/wemath_official_cases.jsonl`` was made by a generator script kept outside the repository (Python
3.11, pandas 2.3.3) that imported both files unchanged. Lines of ``kind: read``: 36 messy responses ("<Answer>:
B", "answer: B", "The Answer is C.", "Answer: >>A<<", "AnswerB", "<answer>B</answer>", "") with the official
``load_and_process_data`` reading (a letter or null). Lines of ``kind: aggregate``: the real testmini
structure (``data/testmini.json``: 1,740 rows, 360 two-step and 165 three-step problems) answered "Answer:
<letter>" right or wrong at random (6 seeds and rates; in the last two, 25 and 60 rows dropped at random)
with the official ``compute_final_scores`` counts, ``update_main_results_df`` strings (the scores and rates as
"{:.2%}") and ``accuracy.py``'s S1/S2/S3. With rows dropped the official code still divides by 525, where
this scorer divides by the problems evaluated: there the counts are compared.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.scoring.wemath import _counts, add_step_kind, wemath_answer, wemath_dimension

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "wemath_official_cases.jsonl"
OFFICIAL = {  # measure -> (official column, count key)
    "score_strict": ("Score (Strict)", None),
    "score_loose": ("Score (Loose)", None),
    "IK": ("InsufficientKnowledge (Strict)", "InsufficientKnowledge"),
    "IG": ("InadequateGeneralization (Strict)", "InadequateGeneralization"),
    "CM_strict": ("CompleteMastery (Strict)", "CompleteMastery_strict"),
    "CM_loose": ("CompleteMastery (Loose)", "CompleteMastery_loose"),
    "RM_strict": ("RoteMemorization (Strict)", "RoteMemorization_strict"),
    "RM_loose": ("RoteMemorization (Loose)", "RoteMemorization_loose"),
}


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _scored(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    metric = METRICS.get("wemath_code")
    docs = [{"ID": i, "key": k, "answer": "A"} for i, k, _ in case["rows"]]
    codes = [metric("A" if right else "B", "A", d) for d, (_, _, right) in zip(docs, case["rows"])]
    return np.array([codes]), np.array([d["ID"] for d in docs]), docs


def test_reading_matches_official() -> None:
    cases = [r for r in _rows() if r["kind"] == "read"]
    assert len(cases) == 36
    assert [(r["response"], wemath_answer(r["response"])) for r in cases] == [
        (r["response"], r["official"]) for r in cases
    ]
    extract = EXTRACTORS.get("wemath")
    assert [extract(r["response"], {}) == "B" for r in cases] == [r["right_if_B"] for r in cases]


@pytest.mark.parametrize("seed", range(6))
def test_dimensions_match_official(seed: int) -> None:
    case = next(r for r in _rows() if r["kind"] == "aggregate" and r["seed"] == seed)
    scores, labels, docs = _scored(case)
    counts = _counts(scores, labels)
    for measure, (column, count_key) in OFFICIAL.items():
        if count_key is not None:
            assert int(counts[measure][0]) == case["counts"][count_key], measure
        if case["dropped"]:
            continue
        value = float(AGGREGATIONS.get("wemath_dimension")(scores, labels, measure=measure)[0])
        assert f"{value:.2%}" == str(case["official"][column]).split(" ")[0], measure
    if not case["dropped"]:
        assert int(counts["N"][0]) == 525
        kinds = np.array([d["step_kind"] for d in add_step_kind(docs)])
        right = scores[0] % 2
        for kind, key in (("one-step", "S1"), ("two-step", "S2"), ("three-step", "S3")):
            assert f"{right[kinds == kind].mean():.2%}" == case["accuracy"][key]


def test_bootstrap_rows_and_duplicated_problems() -> None:
    case = next(r for r in _rows() if r["kind"] == "aggregate" and r["seed"] == 0)
    scores, labels, _ = _scored(case)
    point = wemath_dimension(scores, labels, measure="score_loose")[0]
    # a resample that draws every problem twice gives the same shares
    doubled = wemath_dimension(np.tile(scores, 2), np.tile(labels, 2), measure="score_loose")[0]
    assert doubled == pytest.approx(point)
    stacked = wemath_dimension(np.vstack([scores, scores]), np.vstack([labels, labels]), measure="IK")
    assert stacked.shape == (2,) and stacked[0] == stacked[1]


def test_small_group_by_hand() -> None:
    metric = METRICS.get("wemath_code")
    rows = [  # ID, key, right
        ("2steps_1", "2steps_1", True), ("2steps_1", "2steps_2", True), ("2steps_1", "2steps_multi", False),  # IG
        ("2steps_2", "2steps_1", False), ("2steps_2", "2steps_2", False), ("2steps_2", "2steps_multi", True),  # RM
        ("3steps_1", "3steps_1", True), ("3steps_1", "3steps_2", False), ("3steps_1", "3steps_3", True),
        ("3steps_1", "3steps_multi", True),  # CM loose, RM strict
    ]  # fmt: skip
    scores = np.array([[metric("A" if r else None, "A", {"key": k}) for _, k, r in rows]])
    labels = np.array([i for i, _, _ in rows])

    def agg(measure: str) -> float:
        return float(wemath_dimension(scores, labels, measure=measure)[0])

    assert (agg("IG"), agg("IK"), agg("CM_strict"), agg("CM_loose")) == (1 / 3, 0.0, 0.0, 1 / 3)
    assert (agg("RM_strict"), agg("RM_loose")) == (1.0, 0.5)
    assert agg("score_strict") == pytest.approx((3 - 0.5 - 2) / 3)
    assert agg("score_loose") == pytest.approx((3 - 0.5 - 1) / 3)
    assert metric("A", "A", {"key": "1step"}) == -1.0
