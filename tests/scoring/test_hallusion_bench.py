"""HallusionBench scoring against two references, on the 1,129 real HallusionBench questions
(``HallusionBench.json`` of https://github.com/tianyi-lab/HallusionBench, BSD-3-Clause).

The official evaluation has no rule-based answer reading (it asks GPT-4), so the per-answer reference is
the rule-based fallback of lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``, ``hb_aggregation_result_intern`` in
``lmms_eval/tasks/hallusion_bench/evaluate_hb.py``), and the accuracies are checked against both that
fallback and the official grouping functions (``get_eval_all``, ``get_eval_pair_all``, ``get_eval_fig`` of
``utils.py`` at commit 744007c232c292942c7f80eb61edb2465482da31) given the fallback's verdicts.

``fixtures/hallusion_bench_official_cases.jsonl`` was made by a generator script kept outside the repository
(it runs both codes): each question got a response drawn from ~35 messy ones ("Yes.", "The answer is no.",
"Not yes.", "The eyes are blue, so no.", "Yesterday it was.", "", "no\\nyes", ...). Lines of ``kind: case``
hold the question's keys and ``gt_answer`` (not its text), the response and lmms-eval 0.7.3's reading
(``"1"``/``"0"``). ``kind: lmms_eval_0_7_3`` lines hold that code's aAcc/qAcc/fAcc (fractions) on the image
split (questions with a figure) and on 6 random subsets of its sets; ``kind: official`` lines hold the official
functions' ``[correct, total]`` for aAcc and fAcc on the same subsets and on all 1,129 questions, and for qAcc
on all questions only (its analysis step needs the figure-less variant of every visual-supplement question,
which the image split does not hold). The official code got each verdict as its ``gpt4v_output_gpt_check``
entry ("1" right, "0" wrong) and ``same = "0"``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.scoring.aggregations import NO_GROUP, group_all_correct
from lmms_eval.scoring.hallusion_bench import (
    add_group_keys,
    extract_hallusion_bench_answer,
    hallusion_bench_answer,
    hallusion_bench_correct,
    hallusion_bench_group_code,
)
from lmms_eval.stats import estimate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hallusion_bench_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


@cache
def _docs() -> list[dict[str, Any]]:
    return add_group_keys(r for r in _rows() if r["kind"] == "case")


def _members(spec: dict[str, Any]) -> list[dict[str, Any]]:
    sets = None if spec["sets"] is None else set(spec["sets"])
    return [
        d
        for d in _docs()
        if (spec["split"] == "all" or d["visual_input"] != "0") and (sets is None or d["set_group"] in sets)
    ]


def _accuracies(docs: list[dict[str, Any]]) -> tuple[float, float, float]:
    preds = [extract_hallusion_bench_answer(d["response"], d) for d in docs]
    pairs = list(zip(preds, docs))
    a_acc = float(np.mean([hallusion_bench_correct(p, d["gt_answer"], d) for p, d in pairs]))

    def grouped(group: str, column: str) -> float:
        codes = [hallusion_bench_group_code(p, d["gt_answer"], d, group=group) for p, d in pairs]
        return float(group_all_correct(np.array(codes), np.array([d[column] for d in docs]))[0])

    return a_acc, grouped("question", "question_group"), grouped("figure", "figure_group")


def test_the_fixture_holds_every_question() -> None:
    docs = _docs()
    assert len(docs) == 1129
    assert sum(d["visual_input"] != "0" for d in docs) == 951  # lmms-lab/HallusionBench's image split
    assert len({d["doc_key"] for d in docs}) == 1129  # the official per-question key is unique
    assert {d["official"] for d in docs} == {"0", "1"}


def test_every_response_is_read_as_lmms_eval_0_7_3_reads_it() -> None:
    disagreements = [d for d in _docs() if hallusion_bench_answer(d["response"]) != d["official"]]
    assert disagreements == []


def test_accuracies_equal_lmms_eval_0_7_3_fallback() -> None:
    refs = [r for r in _rows() if r["kind"] == "lmms_eval_0_7_3"]
    assert len(refs) == 7
    for ref in refs:
        a_acc, q_acc, f_acc = _accuracies(_members(ref["members"]))
        assert (a_acc, q_acc, f_acc) == pytest.approx((ref["aAcc"], ref["qAcc"], ref["fAcc"]), abs=1e-12)


def test_accuracies_equal_the_official_grouping() -> None:
    refs = [r for r in _rows() if r["kind"] == "official"]
    assert len(refs) == 8
    assert "qAcc" in refs[0]  # all questions
    for ref in refs:
        a_acc, q_acc, f_acc = _accuracies(_members(ref["members"]))
        assert a_acc == pytest.approx(ref["aAcc"][0] / ref["aAcc"][1], abs=1e-12)
        assert f_acc == pytest.approx(ref["fAcc"][0] / ref["fAcc"][1], abs=1e-12)
        if "qAcc" in ref:
            assert q_acc == pytest.approx(ref["qAcc"][0] / ref["qAcc"][1], abs=1e-12)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("Yes.", "1"),
        ("No.", "0"),
        ("The answer is yes.", "1"),
        ("Not yes.", "1"),  # "yes" anywhere
        ("The eyes are blue, so no.", "1"),  # ... even inside a word
        ("Yesterday it was.", "1"),
        ("Affirmative", "0"),
        ("", "0"),
    ],
)
def test_documented_fallback_rule(response: str, expected: str) -> None:
    assert hallusion_bench_answer(response) == expected


def _doc(category: str = "VD", figure: str = "1", question: str = "2") -> dict[str, str]:
    return {
        "category": category,
        "subcategory": "chart",
        "set_id": "3",
        "figure_id": figure,
        "question_id": question,
    }


def test_group_keys_and_codes() -> None:
    (doc,) = add_group_keys([_doc()])
    assert (doc["doc_key"], doc["question_group"], doc["figure_group"], doc["set_group"]) == (
        "VD_chart_3_1_2",
        "VD_chart_3_2",
        "VD_chart_3_1",
        "VD_chart_3",
    )
    assert hallusion_bench_group_code("1", "1", doc, group="question") == 2 * 1 + 1
    assert hallusion_bench_group_code("yes, sure", "0", doc, group="figure") == 2 * 2  # raw text is read
    no_figure = _doc("VS", figure="0")
    assert hallusion_bench_group_code("1", "1", no_figure, group="figure") == NO_GROUP
    assert hallusion_bench_group_code("1", "1", no_figure, group="question") == 1.0
    assert hallusion_bench_correct(None, "0", doc) == 1.0  # no answer reads as "0" (no "yes")
    with pytest.raises(ValueError, match="group"):
        hallusion_bench_group_code("1", "1", doc, group="set")  # type: ignore[arg-type]


def test_group_all_correct_by_hand() -> None:
    # groups a (members 0, 1: both right), b (0 right, 1 wrong), c (one member, right); x belongs to none
    codes = np.array([1, 3, 1, 2, 1, NO_GROUP])
    groups = np.array(["a", "a", "b", "b", "c", "x"])
    assert group_all_correct(codes, groups)[0] == pytest.approx(2 / 3)
    # a resample drawing group b twice: b counts twice
    twice = np.array([1, 3, 1, 2, 1, 2, 1])
    assert group_all_correct(twice, np.array(["a", "a", "b", "b", "b", "b", "c"]))[0] == pytest.approx(2 / 4)
    # rows of a (B, n) call are separate resamples
    both = group_all_correct(np.stack([codes, np.array([0, 3, 1, 3, 1, 1])]), groups)
    assert both == pytest.approx([2 / 3, 3 / 4])
    with pytest.raises(ConfigError, match="by:"):
        group_all_correct(codes)
    with pytest.raises(ValueError, match="member codes"):
        group_all_correct(np.array([0.5]), np.array(["a"]))


def test_rows_and_counts_forms_agree_on_cluster_resamples() -> None:
    docs = _members({"split": "image", "sets": None})
    preds = [extract_hallusion_bench_answer(d["response"], d) for d in docs]
    _, sets = np.unique([d["set_group"] for d in docs], return_inverse=True)
    rng = np.random.default_rng(1)
    n_sets = int(sets.max()) + 1
    per_set = np.stack([np.bincount(d, minlength=n_sets) for d in rng.integers(0, n_sets, (4, n_sets))])
    counts = per_set[:, sets]  # each sample drawn as often as its set
    for group, column in (("question", "question_group"), ("figure", "figure_group")):
        codes = np.array(
            [hallusion_bench_group_code(p, d["gt_answer"], d, group=group) for p, d in zip(preds, docs)]
        )
        _, labels = np.unique([d[column] for d in docs], return_inverse=True)
        from_counts = group_all_correct.from_counts(codes, labels, counts)  # type: ignore[attr-defined]
        rows = [group_all_correct(np.repeat(codes, c), np.repeat(labels, c))[0] for c in counts]
        assert from_counts == pytest.approx(rows)


def test_qacc_gets_a_cluster_bootstrap_interval_over_sets() -> None:
    docs = _members({"split": "image", "sets": None})
    preds = [extract_hallusion_bench_answer(d["response"], d) for d in docs]
    codes = [hallusion_bench_group_code(p, d["gt_answer"], d, group="question") for p, d in zip(preds, docs)]
    est = estimate(
        codes,
        "group_all_correct",
        labels=[d["question_group"] for d in docs],
        clusters=[d["set_group"] for d in docs],
        bootstrap_iters=200,
        seed=3,
    )
    ref = next(r for r in _rows() if r["kind"] == "lmms_eval_0_7_3" and r["name"] == "image")
    assert est.method == "clustered_bootstrap"
    assert est.value == pytest.approx(ref["qAcc"])
    assert est.ci_low is not None and est.ci_high is not None
    assert est.ci_low < est.value < est.ci_high


def test_registered_names() -> None:
    assert EXTRACTORS.get("hallusion_bench") is extract_hallusion_bench_answer
    assert METRICS.get("hallusion_bench_correct") is hallusion_bench_correct
    assert METRICS.get("hallusion_bench_group_code") is hallusion_bench_group_code
    assert AGGREGATIONS.get("group_all_correct") is group_all_correct
