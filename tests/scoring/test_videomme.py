"""Video-MME's official answer extraction against the official code.

``fixtures/videomme_official_cases.jsonl`` was made by running, outside this repository,
``extract_characters_regex`` of github.com/MME-Benchmarks/Video-MME (``evaluation/eval_your_results.py`` at
commit 4e7566d36f63121fc72f040654d6f38f83f30125; the function loaded alone from the file) on 540 messy
responses (letters in many forms, answer phrases, option texts, long reasoning, other scripts, empty ones,
and 400 seeded random word salads), each paired with an answer letter A-D in turn: the official reading and
its verdict (``extraction == answer``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.videomme import extract_characters_regex, extract_videomme_answer

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "videomme_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert (len(CASES), sum(c["correct"] for c in CASES), sum(c["extracted"] == "" for c in CASES)) == (
        540,
        112,
        94,
    )
    wrong = [c for c in CASES if extract_characters_regex(c["response"]) != c["extracted"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "letter"),
    [
        ("The best answer is C.", "C"),
        ("Based on the video, C", "B"),  # the official rule takes the first capital A-D: "Based"
        ("The best option is D", "D"),  # "The best option is" is not removed (a missing comma officially)
        ("(b) gray", None),
        ("", None),
    ],
)
def test_official_quirks(response: str, letter: str | None) -> None:
    assert extract_videomme_answer(response, {}) == letter
