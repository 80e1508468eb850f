"""HR-Bench scoring against the HR-Bench repository (https://github.com/DreamMr/HR-Bench at commit
b17b1998fa2c1b71a737c126155826a94149ed13).

Every expected value in ``fixtures/hrbench_official_cases.jsonl`` is an output of that code, run by a generator
script kept outside the repository (Python 3.11, ``VERBOSE`` unset). Lines of ``kind: case``: ``can_infer`` of
``hrbench/vlmeval/utils/matching_util.py`` (with ``can_infer_option`` and ``can_infer_text``, executed
unchanged) on ~130 messy responses, stripped first as lmms-eval 0.7.3 does, for each of five option sets
(numbers, colours, options containing each other, options that are letters, yes/no), with the verdict
``answer == reading`` (case-insensitive, lmms-eval 0.7.3's comparison). Lines of ``kind: aggregate``: random
cases spread over every (category, cycle) cell, scored with ``hrbench_score``
(``hrbench/vlmeval/dataset/utils/hrbench.py``, unchanged) per ``cycle_category`` and averaged over the
cycles as ``HRBenchDataset.evaluate`` (``image_mcq.py``) does, with the rule-based verdicts in place of the
LLM judge's: ``all``, ``single`` and ``cross``.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import EXTRACTORS
from lmms_eval.scoring.aggregations import macro_mean
from lmms_eval.scoring.hrbench import can_infer, decode_images, extract_hrbench_answer
from lmms_eval.scoring.metrics import accuracy

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hrbench_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _score(item: dict[str, Any]) -> float:
    return accuracy(extract_hrbench_answer(item["response"], item["options"]), item["answer"], {})


def test_the_fixture_covers_messy_answers() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    assert len(cases) > 600
    assert {c["official"] for c in cases} == {"A", "B", "C", "D", "Z", None}


def test_every_response_is_read_as_the_official_rule_reads_it() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    disagreements = [c for c in cases if extract_hrbench_answer(c["response"], c["options"]) != c["official"]]
    assert disagreements == []
    assert [_score(c) for c in cases] == [float(c["official_correct"]) for c in cases]


def test_cycle_averaged_accuracies_equal_the_official_ones() -> None:
    aggregates = [r for r in _rows() if r["kind"] == "aggregate"]
    assert len(aggregates) >= 10
    for agg in aggregates:
        items = agg["items"]
        scores = np.array([_score(i) for i in items])
        cycles = np.array([i["cycle_category"] for i in items])
        assert macro_mean(scores, cycles)[0] == pytest.approx(agg["official"]["all"], abs=1e-12)
        categories = np.array([i["category"] for i in items])
        for category in ("single", "cross"):
            part = categories == category
            assert macro_mean(scores[part], cycles[part])[0] == pytest.approx(
                agg["official"][category], abs=1e-12
            )


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("I choose B because it is red", "B"),  # one option letter as a word, anywhere
        ("A cat, so B", None),  # two option letters: nothing (then no option text either)
        ("Z", "Z"),
        ("Cannot determine the answer", "Z"),
        ("Failed to obtain answer via API", None),
        ("the color is red", "B"),  # the only option text contained
        ("red or blue", None),
        ("A long explanation that ends with (C).", None),  # A and C are both words
    ],
)
def test_documented_quirks(response: str, expected: str | None) -> None:
    assert can_infer(response, {"A": "Blue", "B": "Red", "C": "Green", "D": "Black"}) == expected


def test_decode_images_and_missing_options() -> None:
    docs = decode_images([{"image": base64.b64encode(b"jpeg").decode()}, {"image": b"raw"}])
    assert [d["image"] for d in docs] == [b"jpeg", b"raw"]
    doc = {"A": "yes", "B": "no", "C": None, "D": float("nan")}
    assert extract_hrbench_answer(" C ", doc) is None  # C holds no option
    assert extract_hrbench_answer(" B ", doc) == "B"


def test_registered_names() -> None:
    assert EXTRACTORS.get("hrbench") is extract_hrbench_answer
