"""TOMATO's answer reading (lmms-eval 0.7.3's rule parser) against lmms-eval 0.7.3's own.

``fixtures/tomato_official_cases.jsonl``: ``parse_multi_choice_response`` of lmms-eval 0.7.3
(``lmms_eval/tasks/tomato/utils.py`` in the PyPI wheel lmms_eval-0.7.3-py3-none-any.whl, with the letters and
option dict its ``construct_prompt`` builds), run outside this repository on 101 hand-written messy responses,
500 generated from templates (seeded) and 10 free-text replies naming option texts, each with one of five
option lists (2-6 options; directions, rotations, counts, sentences): 611 cases, 308 read as "A" (many by
the fallback or the "A" of "Answer")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.tomato import add_prompt_fields, extract_tomato_answer, read_tomato_letter

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "tomato_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_lmms_eval_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] == "A" for c in CASES)) == (611, 308)
    assert [c for c in CASES if read_tomato_letter(c["response"], c["options"]) != c["official"]] == []


OPTIONS = ["left", "right", "up", "down"]


@pytest.mark.parametrize(
    ("response", "letter"),
    [
        ("(B)", "B"),
        ("The answer is D", "D"),
        ("Answer: D", "A"),  # the A of "Answer" and D, no "(X)": the first letter in order
        ("C or (B)", "B"),  # several letters: the last "(X)"
        ("I think the ball moves to the right here", "B"),  # no capital letter, > 5 words: an option's text
        ("right", "A"),  # too short for option texts: the fallback
        ("", "A"),
    ],
)
def test_reading(response: str, letter: str) -> None:
    assert extract_tomato_answer(response, {"options": OPTIONS}) == letter


def test_prompt_fields() -> None:
    (doc,) = add_prompt_fields([{"options": ["it's left", "right"], "answer": 1}])
    assert doc["options_dict"] == "{'A': \"it's left\", 'B': 'right'}"
    assert doc["answer_letter"] == "B"
