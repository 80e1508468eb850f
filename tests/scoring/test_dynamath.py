"""DynaMath's official rule-based scoring against the official code.

``fixtures/dynamath_official_cases.jsonl`` was made by running, outside this repository, the scoring of
github.com/DynaMath/DynaMath@598c3c3d732422d29580e9ecf8f2a7928a068fdd, ``evaluation/opensource_json_eval.py``:
its ``preprocess`` and ``transfer`` functions and the statements of its loop body from the response onwards
(``try: description = preprocess(...)`` to the scoring try/except), taken from the script with ``ast`` and
executed with a fake chat response for each case (the script's last statement, writing the report, is a
syntax error upstream and was replaced by ``pass``; it comes after the scoring). Responses: JSON replies and
messy ones (code fences, prose, broken braces, π, units, leading spaces) for each answer type, against
several ground truths: 378 cases, 38 right."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.scoring.aggregations import group_all_correct
from lmms_eval.scoring.dynamath import (
    add_variant_keys,
    dynamath_correct,
    dynamath_variant_code,
    extract_dynamath_answer,
    preprocess,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "dynamath_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def _score(response: str, ground_truth: str, answer_type: str) -> float:
    answer = extract_dynamath_answer(response, {})
    return dynamath_correct(answer, ground_truth, {"answer_type": answer_type})


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] for c in CASES)) == (378, 38)
    wrong = [
        c
        for c in CASES
        if (_score(c["response"], c["ground_truth"], c["answer_type"]) == 1.0) != c["official"]
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "ground_truth", "answer_type", "right"),
    [
        ('{"short answer": "2π"}', "6.283", "float", True),
        ('{"short answer": " 3.142"}', "3.142", "float", False),  # the leading space: parts[0] is ""
        ('{"short answer": "3.142 units"}', "3.142", "float", True),
        ('{"short answer": "A) 12"}', "A", "multiple choice", True),
        ('{"short answer": "BA"}', "A", "multiple choice", True),  # A within the first three characters
        ("Therefore\nyes!", "yes", "free form", True),  # no JSON: the last line without its last character
        ("[1, 2]", "1", "free form", False),  # JSON, but not an object
    ],
)
def test_quirks(response: str, ground_truth: str, answer_type: str, right: bool) -> None:
    assert (_score(response, ground_truth, answer_type) == 1.0) is right


def test_preprocess_keeps_the_text_without_a_brace_span() -> None:
    assert preprocess('x {"a": "b\\\\c"} y') == '{"a": "bc"}'
    assert preprocess("a{") == "a{"
    assert preprocess("{") == "{"
    assert preprocess("") == ""


def test_worst_case_is_all_variants_right_per_seed() -> None:
    docs = add_variant_keys([{"id": s, "answer_type": "multiple choice"} for s in ["1", "2", "1", "2", "1"]])
    assert [(d["seed"], d["variant"]) for d in docs] == [("1", 0), ("2", 0), ("1", 1), ("2", 1), ("1", 2)]
    answers = [
        '{"short answer": "A"}',
        '{"short answer": "A"}',
        '{"short answer": "A"}',
        "B",
        '{"short answer": "A"}',
    ]
    codes = np.array(
        [dynamath_variant_code(extract_dynamath_answer(a), "A", d) for a, d in zip(answers, docs)]
    )
    assert codes.tolist() == [1.0, 1.0, 3.0, 2.0, 5.0]
    labels = np.array([int(d["seed"]) - 1 for d in docs])
    assert group_all_correct(codes[None, :], labels).tolist() == [0.5]  # seed 1 all right, seed 2 not
