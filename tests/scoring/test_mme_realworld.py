"""MME-RealWorld scoring against the official code (https://github.com/yfzhang114/MME-RealWorld at commit
87096fcf6a67ee5a0016b81cb1746ccf14e1dd68, ``evaluation/eval_your_results.py``).

Every expected value in ``fixtures/mme_realworld_official_cases.jsonl`` is an output of that code, run by a
generator script kept outside the repository (Python 3.11). Lines of ``kind: case``: the official
``extract_characters_regex`` (executed unchanged) on ~135 messy responses for each of four option lists
(English, and Chinese with full-width brackets), with the official verdict ``ground_truth == text``; the
responses include every answer prefix (also the two the official list glues together), capital letters
inside words ("Based on ...", "Definitely ..."), option texts, more-than-ten-word answers and empty ones.
Lines of ``kind: aggregate``: the whole script run unchanged on a results file of 5-80 random cases with
random tasks, subtasks and categories; its printed overall, per-task and per-subtask accuracies (four
decimals) were read back.
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
from lmms_eval.scoring.metrics import exact_match
from lmms_eval.scoring.mme_realworld import (
    OPTIONS_COLUMN,
    extract_mme_realworld_answer,
    mme_realworld_choice,
    prepare_docs,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mme_realworld_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _score(response: str, answer: str, choices: list[str]) -> float:
    pred = extract_mme_realworld_answer(response, {OPTIONS_COLUMN: choices})
    return exact_match(pred, answer, {}, normalize=[])


def test_the_fixture_covers_messy_answers() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    assert len(cases) > 500
    assert {c["official"] for c in cases} >= {"A", "B", "C", "D", "E", ""}
    assert any(c["response"].strip() == "" for c in cases)


def test_every_response_is_read_as_the_official_code_reads_it() -> None:
    cases = [r for r in _rows() if r["kind"] == "case"]
    disagreements = [c for c in cases if mme_realworld_choice(c["response"], c["choices"]) != c["official"]]
    assert disagreements == []
    for c in cases:
        assert _score(c["response"], c["answer"], c["choices"]) == float(c["official_correct"])


def test_accuracies_equal_the_official_ones() -> None:
    aggregates = [r for r in _rows() if r["kind"] == "aggregate"]
    assert len(aggregates) >= 10
    for agg in aggregates:
        items = agg["items"]
        scores = np.array([_score(i["response"], i["answer"], i["choices"]) for i in items])
        assert scores.mean() == pytest.approx(agg["official"]["overall"], abs=5e-5)
        tasks = np.array([i["task"] for i in items])
        for task, value in agg["official"]["task"].items():
            if (tasks == task).any():
                assert scores[tasks == task].mean() == pytest.approx(value, abs=5e-5)
        subtasks = np.array([f"{i['task']}/{i['subtask']}" for i in items])
        for task, subtask, value in agg["official"]["subtask"]:
            assert scores[subtasks == f"{task}/{subtask}"].mean() == pytest.approx(value, abs=5e-5)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("Based on the image, C", "B"),  # the first capital A-E anywhere
        ("Definitely C", "D"),
        ("The best answer is C", "C"),
        ("Best answer: D", "B"),  # "Best answer:" alone is not in the official list: "B" of "Best"
        ("The best option is C", "C"),
        ("", "A"),  # contained in every option: the first option's letter
        ("car", "A"),  # the first option containing the text
        ("one two three four five six seven eight nine ten eleven", ""),
        ("c", "A"),  # no capital A-E: the first option whose text contains "c" ("(A) red car")
        ("truck", "B"),
    ],
)
def test_documented_quirks(response: str, expected: str) -> None:
    choices = ["(A) red car", "(B) blue truck", "(C) white van", "(D) black bus", "(E) none"]
    assert mme_realworld_choice(response, choices) == expected


def test_prepare_docs_decodes_the_image_and_writes_the_groupings() -> None:
    docs = prepare_docs(
        [
            {
                "bytes": base64.b64encode(b"\x89PNG").decode(),
                "category": "Perception/Autonomous_Driving",
                "l2-category": "Object Attribute/Color",
            },
            {"bytes": None, "category": "reasoning/Monitoring", "l2-category": "Intention/Pedestrian"},
        ]
    )
    assert docs[0]["image"] == b"\x89PNG" and "bytes" not in docs[0]
    assert [d["task"] for d in docs] == ["Perception", "Reasoning"]
    assert [d["subtask"] for d in docs] == ["Perception/Autonomous_Driving", "Reasoning/Monitoring"]
    assert [d["task_category"] for d in docs] == [
        "Perception/Autonomous_Driving/object attribute/attribute",  # "attribute" categories are merged
        "Reasoning/Monitoring/intention/pedestrian",
    ]
    assert docs[1]["image"] is None
    assert (
        extract_mme_realworld_answer("nothing to see here at all in this picture of the road today", {})
        is None
    )


def test_registered_names() -> None:
    assert EXTRACTORS.get("mme_realworld") is extract_mme_realworld_answer
