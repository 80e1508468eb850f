"""MMBench's rule-based answer matching (VLMEvalKit ``can_infer``) and circular rotation against the official
code.

``fixtures/mmbench_official_cases.jsonl`` was made by running, outside this repository, VLMEvalKit's
``vlmeval/utils/matching_util.py`` (``can_infer``) and the circular builder of ``vlmeval/tools.py``
(``CIRCULAR``, on a TSV of questions) at open-compass/VLMEvalKit@e8e78f05f3080fe28154f2130321f17951c3be94:
1,168 (prediction, options) pairs (clean and messy letters, option texts, refusals, Chinese, random word
soup; 2 to 5 options) with the letter the official code reads (``null``: nothing), and 14 questions with
every circular pass the official tool writes (options as asked, answer) - 7 rotated (2, 3 and 4 options),
7 kept whole (an option naming two option letters, an option that is a letter, an answer that is no
option)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.engine.circular import rotate, rotation_count
from lmms_eval.scoring.mmbench import (
    build_choices,
    can_infer,
    extract_mmbench_answer,
    is_missing,
    submission_rows,
)
from lmms_eval.tasks.spec import CircularSpec

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "mmbench_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
MATCHING = [c for c in CASES if c["kind"] == "can_infer"]
CIRCULAR = [c for c in CASES if c["kind"] == "circular"]
LETTER_COLUMNS = CircularSpec(options=["A", "B", "C", "D"], answer="answer")


def test_fixture_counts() -> None:
    assert (len(MATCHING), len(CIRCULAR)) == (1168, 14)
    read = {c["official"] for c in MATCHING}
    assert {None, "A", "B", "C", "D", "E", "Z"} <= read


def test_can_infer_agrees_with_vlmevalkit_on_every_case() -> None:
    disagreements = [
        (c["answer"], c["choices"], can_infer(c["answer"], dict(c["choices"])), c["official"])
        for c in MATCHING
        if can_infer(c["answer"], dict(c["choices"])) != c["official"]
    ]
    assert disagreements == []


def test_circular_passes_agree_with_vlmevalkit() -> None:
    for case in CIRCULAR:
        row: dict[str, Any] = case["row"]
        n = rotation_count(row, LETTER_COLUMNS, str(row["index"]))
        passes = []
        for r in range(n):
            data = rotate(row, LETTER_COLUMNS, r, n) if n > 1 else row
            passes.append({"rotation": r, "options": {c: data[c] for c in "ABCD"}, "answer": data["answer"]})
        assert passes == case["official_passes"], row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B", "B"),
        ("The answer is (C).", "C"),
        ("The correct answer is **D**. Here's why: ...", "D"),
        ("the answer is a cat", "A"),  # official quirk: "answer is" + a letter of any case
        ("I choose B because the left part of the image shows a very long and detailed scene", None),
        ("London", "B"),
        ("london or paris", None),  # two options' texts: unreadable
        ("Cannot determine the answer", "Z"),
        ("Failed to obtain answer via API", None),
        ("", None),
    ],
)
def test_extractor_on_messy_answers(text: str, expected: str | None) -> None:
    doc = {"A": "Paris", "B": "London", "C": "Berlin", "D": "Madrid", "E": "nan"}
    assert extract_mmbench_answer(text, doc) == expected


def test_build_choices_skips_blank_options_and_reads_other_layouts() -> None:
    doc = {
        "A": "x",
        "B": "y",
        "C": None,
        "D": "nan",
        "options": ["p", "q", ""],
        "c1": "u",
        "c2": float("nan"),
    }
    assert build_choices(doc) == {"A": "x", "B": "y"}
    assert build_choices(doc, "options") == {"A": "p", "B": "q"}
    assert build_choices(doc, ["c1", "c2"]) == {"A": "u"}
    assert [is_missing(v) for v in (None, float("nan"), "", " nan ", "None", 0)] == [
        True, True, True, True, False, False,
    ]  # fmt: skip


def test_submission_rows_number_rotations_like_vlmevalkit() -> None:
    class _Doc:
        def __init__(self, data: dict[str, Any]) -> None:
            self.data = data

    class _Sample:
        def __init__(self, data: dict[str, Any], rotation: int) -> None:
            self.doc, self.rotation = _Doc(data), rotation

    base = {"index": "17", "question": "q", "hint": None, "A": "b", "B": "c", "C": "a", "D": "nan"}
    rows = submission_rows(
        [(_Sample({**base, "category": "x", "L2-category": "y", "split": "test"}, 2), "C")]
    )
    assert rows == [
        {"index": 2_000_017, "question": "q", "hint": "", "A": "b", "B": "c", "C": "a", "D": "",
         "prediction": "C", "category": "x", "l2-category": "y", "split": "test"},
    ]  # fmt: skip
