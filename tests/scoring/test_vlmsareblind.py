"""VLMs Are Blind answer reading against lmms-eval 0.7.3's code (``lmms_eval/tasks/vlmsareblind/utils.py``
of lmms-eval 0.7.3; no official scoring code was found, see lmms_eval/scoring/vlmsareblind.py).

``fixtures/vlmsareblind_official_cases.jsonl`` was made by a generator script kept outside the repository
(Python 3.11) that imported that file unchanged (it needs nothing but ``re``). Lines of ``kind: case``: 45
messy responses ("Yes.", "The letter is b", "{3} {4}", "rows={3} columns={4}", "2 or 3", "**{2}**", "") for
every task of the dataset (and an unknown one) and 1-3 ground truths each, with 0.7.3's
``parse_response`` reading and ``vlmsareblind_process_results`` accuracy (765 lines); one line of ``kind:
aggregate``: 60 of those drawn with ``random.seed(1)`` and ``vlmsareblind_aggregate_by_task`` over them (the
per-task accuracies, counting grids merged, and ``task_mean``).
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
from lmms_eval.scoring.vlmsareblind import add_task_group, first_100_per_task, parse_vlmsareblind

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "vlmsareblind_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _score(row: dict[str, Any]) -> float:
    doc = {"task": row["task"], "groundtruth": row["groundtruth"]}
    extracted = EXTRACTORS.get("vlmsareblind")(row["response"], doc)
    return float(METRICS.get("exact_match")(extracted, row["groundtruth"], doc, normalize=["strip", "lower"]))


def test_cases_match_lmms_eval_073() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    assert len(cases) == 765
    assert [r for r in cases if parse_vlmsareblind(r["response"], r["task"]) != r["parsed"]] == []
    assert [r for r in cases if _score(r) != r["accuracy"]] == []
    assert sum(r["accuracy"] for r in cases) == 56


def test_aggregate_matches_lmms_eval_073() -> None:
    (agg,) = [r for r in _rows() if r["kind"] == "aggregate"]
    docs = add_task_group([{"task": r["task"]} for r in agg["rows"]])
    scores = np.array([[_score(r) for r in agg["rows"]]])
    labels = np.array([d["task_group"] for d in docs])
    for group, expected in agg["by_task"].items():
        if group != "task_mean":
            assert scores[0, labels == group].mean() == pytest.approx(expected)
    assert macro_mean(scores, labels)[0] == pytest.approx(agg["by_task"]["task_mean"])


def test_quirks() -> None:
    assert parse_vlmsareblind("The letter is b", "Circled Letter") == "t"
    assert parse_vlmsareblind("Yes.", "Touching Circles") is None
    assert parse_vlmsareblind("2 or 3", "Nested Squares") == "2"
    assert parse_vlmsareblind("{3} {4}", "Counting Grid - Word Grids") == "3,4"
    assert parse_vlmsareblind("3 rows, 4 columns", "Counting Grid - Blank Grids") is None


def test_first_100_per_task() -> None:
    docs = [{"task": "A", "i": i} for i in range(150)] + [{"task": "B", "i": i} for i in range(5)]
    docs += [{"task": "", "i": 0}, {"task": "A", "i": 999}]
    kept = first_100_per_task(docs)
    assert len(kept) == 105 and kept[99]["i"] == 99 and kept[100] == {"task": "B", "i": 0, "task_group": "b"}
