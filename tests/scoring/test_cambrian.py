"""CV-Bench, MMVP and V* scoring against Cambrian-1's evaluation code (https://github.com/cambrian-mllm/cambrian
at commit 539ffc3254bba004e5d012b65c0ad6cb308897c5, ``eval/eval/{ade,coco,omni,mmvp,vstar}/*_test.py``).

Every expected value in ``fixtures/cambrian_official_cases.jsonl`` is an output of official code, run by a
generator script kept outside the repository (Python 3.11) that imports those five modules unchanged:

- ``kind: case`` (CV-Bench per source, V*): the reading ``extract_mcq_answer`` gives and the verdict of
  ``compute_metrics`` run on an answers file of all the cases (a case is wrong when ``compute_metrics``
  writes its line to the incorrect-answers file); ~1,800 messy responses ("(B) left", "Answer: (a)",
  "answer is: b", "b:", "((a))", option texts, one-character options, ...);
- ``kind: mmvp_batch``: 12 files of 1-40 consecutive MMVP question pairs (``text_options`` made by
  ``give_options`` of ``eval/eval/mmvp/mmvp_eval.py``, loaded unchanged), with each answer's reading and
  verdict and the accuracy ``compute_metrics`` writes to its CSV, which counts a pair only when both of its
  answers are right (the pair accuracy);
- ``kind: cv_bench_aggregate``: random cases of the three sources with the CV-Bench accuracy of lmms-eval
  0.7.3's ``cv_bench_default_aggregate_results`` (``lmms_eval/tasks/cv_bench/utils.py``, the dataset
  card's formula ``((ADE20K + COCO) / 2 + Omni3D) / 2``) over the official verdicts.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.scoring.aggregations import group_all_correct
from lmms_eval.scoring.cambrian import (
    add_mmvp_pairs,
    cambrian_answer,
    cv_bench_accuracy,
    cv_bench_code,
    cv_bench_correct,
    extract_cv_bench_answer,
    extract_mmvp_answer,
    extract_vstar_answer,
    mmvp_correct,
    mmvp_options,
    mmvp_pair_code,
)
from lmms_eval.scoring.metrics import exact_match
from lmms_eval.stats import estimate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "cambrian_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _cases(benchmark: str) -> list[dict[str, Any]]:
    return [r for r in _rows() if r["kind"] == "case" and r["benchmark"] == benchmark]


def _cv_doc(case: dict[str, Any]) -> dict[str, Any]:
    return {"source": case["source"], "choices": case["choices"]}


def _mmvp_docs(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return add_mmvp_pairs({"Index": i + 1, "Options": it["options"], **it} for i, it in enumerate(items))


def test_the_fixture_covers_every_source_and_messy_answers() -> None:
    cv = _cases("cv_bench")
    assert {c["source"] for c in cv} == {"ADE20K", "COCO", "Omni3D"}
    assert len(cv) > 1000 and len(_cases("vstar")) > 100
    assert {True, False} == {c["official_correct"] for c in cv}
    # an Omni3D answer right by its option's text, not its letter
    assert any(c["official_correct"] and c["official_reading"] != c["answer"].lower()[1] for c in cv)
    batches = [r for r in _rows() if r["kind"] == "mmvp_batch"]
    assert len(batches) >= 12 and any(0 < b["official_pair_accuracy"] < 1 for b in batches)


def test_cv_bench_readings_and_verdicts_equal_the_official_ones() -> None:
    for c in _cases("cv_bench"):
        doc = _cv_doc(c)
        pred = extract_cv_bench_answer(c["response"], doc)
        assert pred == c["official_reading"], c
        assert cv_bench_correct(pred, c["answer"], doc) == float(c["official_correct"]), c


def test_vstar_readings_and_verdicts_equal_the_official_ones() -> None:
    for c in _cases("vstar"):
        pred = extract_vstar_answer(c["response"], {})
        assert pred == c["official_reading"], c
        assert exact_match(pred, c["answer"], {}, normalize=["lower"]) == float(c["official_correct"]), c


def test_mmvp_verdicts_and_pair_accuracy_equal_the_official_ones() -> None:
    for batch in (r for r in _rows() if r["kind"] == "mmvp_batch"):
        docs = _mmvp_docs(batch["items"])
        preds = [extract_mmvp_answer(d["response"], d) for d in docs]
        assert preds == [d["official_reading"] for d in docs]
        assert [mmvp_correct(p, d["answer"], d) for p, d in zip(preds, docs)] == [
            float(d["official_correct"]) for d in docs
        ]
        codes = np.array([mmvp_pair_code(p, d["answer"], d) for p, d in zip(preds, docs)])
        value = group_all_correct(codes, np.array([d["pair"] for d in docs]))[0]
        assert value == pytest.approx(batch["official_pair_accuracy"], abs=1e-12)


def test_cv_bench_accuracy_equals_the_card_formula() -> None:
    aggregates = [r for r in _rows() if r["kind"] == "cv_bench_aggregate"]
    assert len(aggregates) >= 10
    for agg in aggregates:
        codes = np.array(
            [
                cv_bench_code(extract_cv_bench_answer(c["response"], _cv_doc(c)), c["answer"], _cv_doc(c))
                for c in agg["items"]
            ]
        )
        assert cv_bench_accuracy(codes)[0] == pytest.approx(agg["official"], abs=1e-12)


def test_cv_bench_accuracy_by_hand_and_in_both_forms() -> None:
    # ADE20K 1/2, COCO 1/1, Omni3D 0/2: ((0.5 + 1) / 2 + 0) / 2
    codes = np.array([1.0, 0.0, 3.0, 4.0, 4.0])
    assert cv_bench_accuracy(codes)[0] == pytest.approx(0.375)
    assert cv_bench_accuracy(codes[:3])[0] == pytest.approx(0.75)  # 2D only: the mean of the 2D sources
    assert cv_bench_accuracy(np.array([5.0, 4.0]))[0] == pytest.approx(0.5)  # 3D only
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 3, (5, len(codes)))
    rows = [cv_bench_accuracy(np.repeat(codes, c))[0] if c.sum() else 0.0 for c in counts]
    from_counts = cv_bench_accuracy.from_counts(codes, None, counts)  # type: ignore[attr-defined]
    assert from_counts == pytest.approx(rows)
    with pytest.raises(ValueError, match="cv_bench_code"):
        cv_bench_accuracy(np.array([6.0]))
    est = estimate(np.tile(codes, 20), "cv_bench_accuracy", bootstrap_iters=200, seed=1)
    assert est.value == pytest.approx(0.375)
    assert est.ci_low is not None and est.ci_high is not None and est.ci_low < 0.375 < est.ci_high


@pytest.mark.parametrize(
    ("response", "trailing", "first_char", "expected"),
    [
        ("(B) left", ".", True, "b"),
        ("The answer is C.", ".", True, "c"),
        ("Answer: (a)", ".", True, "a"),
        ("left", ".", True, "l"),  # one character: an option's text reads as its first letter
        ("", ".", True, ""),
        ("b:", ".", True, "b"),  # ":" is not stripped, but only the first character is kept
        ("The answer is open.", ".:,", False, "open"),  # MMVP keeps the whole reading
        # "answer is" is split on first, so "answer is:" never matches and the colon stays (a wrong answer)
        ("The answer is: open.", ".:,", False, ": open"),
        ("((a))", ".:,", False, "a"),  # every leading "(" and trailing ")" goes
    ],
)
def test_documented_readings(response: str, trailing: str, first_char: bool, expected: str) -> None:
    assert cambrian_answer(response, trailing, first_char) == expected


def test_mmvp_options_and_pairs() -> None:
    assert mmvp_options("(a) Open (b) Closed") == ["Open", "Closed"]
    docs = add_mmvp_pairs({"Index": i, "Options": "(a) Open (b) Closed"} for i in (1, 2, 3, 4))
    assert [d["pair"] for d in docs] == ["0", "0", "1", "1"]
    assert [mmvp_pair_code("open", "(a)", d) for d in docs] == [1.0, 3.0, 1.0, 3.0]
    assert mmvp_correct(None, "(a)", docs[0]) == 0.0
    assert cv_bench_correct(None, "(A)", {"source": "COCO"}) == 0.0
    with pytest.raises(ValueError, match="source"):
        cv_bench_correct("a", "(A)", {"source": "KITTI"})


def test_registered_names() -> None:
    assert EXTRACTORS.get("cv_bench") is extract_cv_bench_answer
    assert EXTRACTORS.get("mmvp") is extract_mmvp_answer
    assert EXTRACTORS.get("vstar") is extract_vstar_answer
    assert METRICS.get("cv_bench_code") is cv_bench_code
    assert METRICS.get("cv_bench_correct") is cv_bench_correct
    assert METRICS.get("mmvp_correct") is mmvp_correct
    assert METRICS.get("mmvp_pair_code") is mmvp_pair_code
    assert AGGREGATIONS.get("cv_bench_accuracy") is cv_bench_accuracy
