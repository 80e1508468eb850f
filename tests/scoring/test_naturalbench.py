"""NaturalBench scoring against the official code (https://github.com/Baiqi-Li/NaturalBench at commit
99676059da42c0094df345bb3333b1140a18483b, ``naturalbench_vqa.py``).

Every expected value in ``fixtures/naturalbench_official_cases.jsonl`` is an output of that code, imported
unchanged by a generator script kept outside the repository (Python 3.11). Lines of ``kind: case`` hold a
response, its question type and the official ``extract_answer`` reading (1, 0 or -1): about fifty messy
yes/no answers ("No. Yes.", "yesterday", "yes-man", "Nope, yes", "", ...) and forty-five multiple-choice
ones ("a cat", "B, not A", "AB", "A.B", ...). Lines of ``kind: aggregate`` hold batches of 1-25 complete 2x2
groups (four responses in the official order q0_i0, q0_i1, q1_i0, q1_i1, half of them mostly right) with
the official ``get_scores`` (``Acc``, ``Q_Acc``, ``I_Acc``, ``G_Acc``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import EXTRACTORS, METRICS
from lmms_eval.scoring.aggregations import group_all_correct
from lmms_eval.scoring.naturalbench import (
    Group,
    add_group_keys,
    extract_naturalbench_answer,
    naturalbench_answer,
    naturalbench_code,
    naturalbench_correct,
)
from lmms_eval.stats import estimate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "naturalbench_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _docs(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The docs of complete groups, in the dataset's order (Index 4g + k), with the responses."""
    raw = [
        {"Index": 4 * g + k, "Question_Type": group["type"], "response": response}
        for g, group in enumerate(groups)
        for k, response in enumerate(group["responses"])
    ]
    return add_group_keys(raw)


def test_the_fixture_covers_messy_answers() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    assert len(cases) > 90
    assert {c["official"] for c in cases} == {1, 0, -1}
    assert {c["type"] for c in cases} == {"yes_no", "multiple_choice"}
    aggregates = [r for r in _rows() if r["kind"] == "aggregate"]
    assert len(aggregates) >= 30
    assert any(a["official"]["G_Acc"] > 0 for a in aggregates)


def test_every_response_is_read_as_the_official_code_reads_it() -> None:
    disagreements = [
        c
        for c in _rows()
        if c["kind"] == "case" and naturalbench_answer(c["response"], c["type"]) != c["official"]
    ]
    assert disagreements == []


def test_accuracies_equal_the_official_scores() -> None:
    for agg in (r for r in _rows() if r["kind"] == "aggregate"):
        docs = _docs(agg["groups"])
        preds = [extract_naturalbench_answer(d["response"], d) for d in docs]
        acc = np.mean([naturalbench_correct(p, None, d) for p, d in zip(preds, docs)])
        assert acc == pytest.approx(agg["official"]["Acc"], abs=1e-12)
        groups: tuple[tuple[str, Group, str], ...] = (
            ("G_Acc", "group", "group"),
            ("Q_Acc", "question", "question_group"),
            ("I_Acc", "image", "image_group"),
        )
        for key, group, column in groups:
            codes = np.array([naturalbench_code(p, None, d, group=group) for p, d in zip(preds, docs)])
            value = group_all_correct(codes, np.array([d[column] for d in docs]))[0]
            assert value == pytest.approx(agg["official"][key], abs=1e-12), key
            # raw text is read by the rule: the same scores without the extractor
            raw = [naturalbench_code(d["response"], None, d, group=group) for d in docs]
            assert raw == codes.tolist()


@pytest.mark.parametrize(
    ("response", "question_type", "expected"),
    [
        ("No. Yes.", "yes_no", 0),  # the earlier word wins
        ("Yes, no doubt", "yes_no", 1),
        ("yesterday", "yes_no", -1),  # whole words only
        ("yes-man", "yes_no", 1),  # a hyphen ends a word
        ("nope", "yes_no", -1),
        ("", "yes_no", -1),
        ("a cat", "multiple_choice", 1),  # case-insensitive: the article reads as A
        ("B, not A", "multiple_choice", 0),
        ("AB", "multiple_choice", -1),
    ],
)
def test_documented_quirks(response: str, question_type: str, expected: int) -> None:
    assert naturalbench_answer(response, question_type) == expected


def test_positions_and_group_keys() -> None:
    docs = add_group_keys({"Index": i, "Question_Type": "yes_no"} for i in range(4, 8))
    assert [d["group"] for d in docs] == ["1"] * 4
    assert [d["question_group"] for d in docs] == ["1_q0", "1_q0", "1_q1", "1_q1"]
    assert [d["image_group"] for d in docs] == ["1_i0", "1_i1", "1_i0", "1_i1"]
    # right answers: yes on q0_i0 and q1_i1, no on q0_i1 and q1_i0 (the answer column is not consulted)
    assert [naturalbench_correct(r, "ignored", d) for r, d in zip(["Yes", "No", "No", "Yes"], docs)] == [
        1.0
    ] * 4
    assert [naturalbench_correct(r, "ignored", d) for r, d in zip(["No", "Yes", "Yes", "No"], docs)] == [
        0.0
    ] * 4
    assert naturalbench_correct("-1", None, docs[0]) == 0.0
    codes = [naturalbench_code("Yes", None, d, group="group") for d in docs]
    assert codes == [1.0, 2.0, 4.0, 7.0]  # 2 * position + correct
    with pytest.raises(ValueError, match="group"):
        naturalbench_code("Yes", None, docs[0], group="pair")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="question type"):
        naturalbench_answer("yes", "open")


def test_group_accuracy_gets_a_cluster_bootstrap_interval() -> None:
    agg = max((r for r in _rows() if r["kind"] == "aggregate"), key=lambda r: len(r["groups"]))
    docs = _docs(agg["groups"])
    codes = [naturalbench_code(d["response"], None, d, group="question") for d in docs]
    est = estimate(
        codes,
        "group_all_correct",
        labels=[d["question_group"] for d in docs],
        clusters=[d["group"] for d in docs],
        bootstrap_iters=200,
        seed=3,
    )
    assert est.method == "clustered_bootstrap"
    assert est.value == pytest.approx(agg["official"]["Q_Acc"])
    assert est.ci_low is not None and est.ci_high is not None
    assert est.ci_low <= est.value <= est.ci_high


def test_registered_names() -> None:
    assert EXTRACTORS.get("naturalbench") is extract_naturalbench_answer
    assert METRICS.get("naturalbench_correct") is naturalbench_correct
    assert METRICS.get("naturalbench_code") is naturalbench_code
