"""LongVideoBench's answer parsing (lmms-eval 0.7.3's ``parse_multi_choice_response``) against the peer's code.

``fixtures/longvideobench_official_cases.jsonl`` was made by running, outside this repository,
``parse_multi_choice_response`` of lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``,
``lmms_eval/tasks/longvideobench/utils.py``; the function loaded alone from the file, as the module needs
decord, with ``random.choice`` replaced by a marker) on 546 messy responses (letters in many forms, the answer
prefixes, option texts, reasoning, empty ones, 400 seeded random word salads) with four or five options: the
letter read, or null where the peer draws a random letter."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.longvideobench import extract_longvideobench_answer, parse_longvideobench
from lmms_eval.scoring.mmmu import fallback_choice

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "longvideobench_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_peer_code_on_every_case() -> None:
    assert (len(CASES), sum(c["parsed"] is None for c in CASES)) == (546, 78)
    wrong = [c for c in CASES if parse_longvideobench(c["response"]) != c["parsed"]]
    assert wrong == []


def test_the_guess_is_seeded_among_the_question_letters() -> None:
    doc = {"id": "86CxyhFV9MI_0", **{f"option{i}": o for i, o in enumerate(["x", "y", "z", "N/A", "N/A"])}}
    assert extract_longvideobench_answer("The best answer is C.", doc) == "C"
    assert extract_longvideobench_answer("no letter", doc) == fallback_choice(
        "86CxyhFV9MI_0", ["A", "B", "C"]
    )
