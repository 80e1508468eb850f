"""BLINK scoring against the official code (https://github.com/zeyofu/BLINK_Benchmark at commit
2d6a779be4aa1ad0d38d7aa539bcb43b6dd81592).

Every expected value in ``fixtures/blink_official_cases.jsonl`` is an output of that code, run by a generator
script kept outside the repository (Python 3.11). Lines of ``kind: case``: ``analyze_answer`` of
``eval/test_benchmark.py``, executed unchanged except that its GPT-3.5 fallback (``match_multiple_choice``)
was a stub returning a sentinel (``official_gpt_fallback: true``, ``official: null``), on ~120 messy
responses per option count (2-5 options: "(B).", "answer:(B)", "A.", " A", "a", paragraphs ending in an
option, several options, refusals, ...), with the verdict ``answer == prediction``. Lines of ``kind:
aggregate``: ``eval_prediction`` of ``eval/evaluate.py``, executed unchanged on answer and prediction files
written from random cases over the 14 subtasks (answers left out where the rules defer to GPT), giving each
subtask's accuracy and the ``Total`` (their plain mean).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import EXTRACTORS, METRICS
from lmms_eval.scoring.aggregations import macro_mean
from lmms_eval.scoring.blink import blink_choice, extract_blink_answer
from lmms_eval.scoring.metrics import exact_match

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "blink_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _doc(n_choices: int) -> dict[str, Any]:
    return {"choices": [f"option {i}" for i in range(n_choices)]}


def test_the_fixture_covers_messy_answers() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    assert len(cases) > 400
    assert {c["n_choices"] for c in cases} == {2, 3, 4, 5}
    assert any(c["official_gpt_fallback"] for c in cases)
    assert len({c["official"] for c in cases if c["official"]}) == 5


def test_every_response_is_read_as_the_official_rules_read_it() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    disagreements = [c for c in cases if blink_choice(c["response"], c["n_choices"]) != c["official"]]
    assert disagreements == []
    for c in cases:  # nothing else than the GPT fallback makes the official reading empty
        assert (c["official"] is None) == c["official_gpt_fallback"]
        pred = extract_blink_answer(c["response"], _doc(c["n_choices"]))
        assert exact_match(pred, c["answer"], {}, normalize=[]) == float(c["official_correct"])


def test_subtask_and_total_accuracies_equal_the_official_ones() -> None:
    aggregates = [r for r in _rows() if r["kind"] == "aggregate"]
    assert len(aggregates) >= 8
    for agg in aggregates:
        items = agg["items"]
        scores = np.array(
            [
                exact_match(
                    extract_blink_answer(i["response"], _doc(i["n_choices"])), i["answer"], {}, normalize=[]
                )
                for i in items
            ]
        )
        tasks = np.array([i["task"] for i in items])
        for task in set(tasks):
            assert scores[tasks == task].mean() == pytest.approx(agg["official"][task], abs=1e-12)
        assert macro_mean(scores, tasks)[0] == pytest.approx(agg["official"]["Total"], abs=1e-12)


@pytest.mark.parametrize(
    ("response", "n_choices", "expected"),
    [
        ("B", 2, "(B)"),
        ("(C)", 4, "(C)"),
        ("E", 2, "(E)"),  # a bare letter is taken even beyond the options (and is wrong)
        ("A.", 4, None),  # not a whole letter, no "(A)" word: GPT fallback
        (" A", 4, None),
        ("The answer is (B).", 4, None),  # "(B)." is not the word "(B)"
        ("The answer is (B)", 4, "(B)"),
        ("(A) and (B)\n\n(C)", 4, "(C)"),  # the last paragraph's single option
        ("(C)\n\n(A) and (B)", 4, None),  # several options in both: GPT fallback
        ("(E) none", 4, None),  # (E) is not an option of a 4-option doc
    ],
)
def test_documented_quirks(response: str, n_choices: int, expected: str | None) -> None:
    assert blink_choice(response, n_choices) == expected


def test_registered_names() -> None:
    assert EXTRACTORS.get("blink") is extract_blink_answer
    assert METRICS.get("exact_match") is exact_match
