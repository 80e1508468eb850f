"""MMLU-Pro's answer extraction against TIGER-Lab's own code.

``fixtures/mmlu_pro_official_cases.jsonl`` was made by running, outside this repository, ``extract_answer``
(with ``extract_again`` and ``extract_final``, their source taken unchanged from ``evaluate_from_local.py`` of
github.com/TIGER-AI-Lab/MMLU-Pro@f418b116db00b065c2aea046518d8fcf74d39872) on 294 messy responses built from
templates ("the answer is (X)", "Answer: X" on several lines, lone letters, lower case, letters beyond the
options, none): each line holds the response and the official letter (null where it finds none).
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.mmlu_pro import extract_mmlu_pro_answer, guess_letter, official_letter

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "mmlu_pro_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] is None for c in CASES)) == (294, 58)
    assert [c for c in CASES if official_letter(c["response"]) != c["official"]] == []


def test_rules_in_order() -> None:
    assert official_letter("answer: B. Then the answer is (C).") == "C"  # rule 1 first
    assert official_letter("Answer: B\nanswer: D") == "B"  # rule 2: the first line holding one
    assert official_letter("I pick D over B, a cat") == "B"  # rule 3: the last lone capital A-J
    assert official_letter("the answer is (k)") is None


def test_seeded_guess_where_nothing_is_read() -> None:
    doc = {"question_id": 7021, "options": ["w", "x", "y", "z"]}
    guess = extract_mmlu_pro_answer("no idea", doc)
    assert guess in "ABCD" and guess == guess_letter(doc) == extract_mmlu_pro_answer("still no idea", doc)
    assert extract_mmlu_pro_answer("no idea", doc, guess=False) is None
    assert extract_mmlu_pro_answer("The answer is (G)", doc) == "G"  # beyond the options: read, and wrong
    guesses = {guess_letter({"question_id": i, "options": list("abcdefghij")}) for i in range(200)}
    assert guesses == set("ABCDEFGHIJ")
