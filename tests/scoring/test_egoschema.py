"""EgoSchema's answer parsing (lmms-eval 0.7.3's ``parse_multi_choice_response``) against the peer's code.

``fixtures/egoschema_official_cases.jsonl`` was made by running, outside this repository,
``parse_multi_choice_response`` of lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``,
``lmms_eval/tasks/egoschema/utils.py``, imported from its own environment, its ``random.choice`` replaced by a
marker) on 544 messy responses (letters in many forms, answer phrases, option texts, long sentences naming
options, empty ones, 400 seeded random word salads) with one of two five-option lists ("A. ..." strings as the
dataset stores them): the letter read, or null where the peer draws a random letter."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.egoschema import extract_egoschema_answer, parse_egoschema_response
from lmms_eval.scoring.mmmu import fallback_choice

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "egoschema_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_peer_code_on_every_case() -> None:
    assert (len(CASES), sum(c["parsed"] is None for c in CASES)) == (544, 114)
    wrong = [c for c in CASES if parse_egoschema_response(c["response"], c["options"]) != c["parsed"]]
    assert wrong == []


def test_the_extractor_gives_the_index_and_a_seeded_guess() -> None:
    doc = {"question_idx": "q-17", "option": [f"{c}. option {c}" for c in "ABCDE"]}
    assert extract_egoschema_answer("(C) option C", doc) == "2"
    assert extract_egoschema_answer("(D) then (B)", doc) == "3"  # the last occurrence that starts first
    guess = fallback_choice("q-17", list("ABCDE"))
    assert extract_egoschema_answer("no idea", doc) == str("ABCDE".index(guess))
