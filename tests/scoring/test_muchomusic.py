"""MuChoMusic's official answer reading against the official code.

``fixtures/muchomusic_official_cases.jsonl``: ``extract_responses`` of github.com/mulab-mir/muchomusic
(``muchomusic_eval/scoring.py``, commit d3c9a423d006c545b86472c0c1cfacce7058cfc5), run outside this repository
on 24 shuffled four-option music questions with 48 messy responses each (letters in many forms, option texts,
other options, mixtures, the "The correct answer is:" prefix, empty): 1,152 cases, 250 unread."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.muchomusic import extract_muchomusic_answer, muchomusic_options, read_muchomusic_letter

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "muchomusic_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] is None for c in CASES)) == (1152, 250)
    wrong = [c for c in CASES if read_muchomusic_letter(c["prediction"], c["options"]) != c["official"]]
    assert wrong == []


def test_the_dataset_string_of_options() -> None:
    doc = {"choices": "(A) Jazz (B) Rock\n(C) Classical (D) Hip hop"}
    assert muchomusic_options(doc) == ["Jazz", "Rock", "Classical", "Hip hop"]
    assert extract_muchomusic_answer("The correct answer is: classical music", doc) == "C"
    assert extract_muchomusic_answer("B", doc) == "B"
    assert extract_muchomusic_answer("A or B", doc) is None  # two letters, no option text
    assert muchomusic_options({"choices": ["(A) Jazz", "(B) Rock"]}) == ["Jazz", "Rock"]
