"""MathKangaroo's answer matching against lmms-eval 0.7.3's code (the benchmark's reference scorer).

``fixtures/mathkangaroo_official_cases.jsonl`` was made by running, outside this repository,
``_extract_prediction`` and ``mathkangaroo_process_results`` of lmms-eval 0.7.3
(``lmms_eval/tasks/mathkangaroo/utils.py``, the installed v0.7.3 release) on 50 messy responses, each against
five ground truths (four drawn with seed 0 from single letters, a lower-case letter, "A, C", "B or D", "" and
None, then "C"): 250 cases with the extracted letter ("" for none) and the score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.mathkangaroo import extract_mathkangaroo_answer, mathkangaroo_accuracy

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "mathkangaroo_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert len(CASES) == 250
    wrong = []
    for case in CASES:
        letter = extract_mathkangaroo_answer(case["response"], {})
        score = mathkangaroo_accuracy(letter, case["ground_truth"], {})
        if (letter or "") != case["prediction"] or score != case["score"]:
            wrong.append((case, letter, score))
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "letter"),
    [
        ("The answer is B.", "B"),
        ("answer: c", "C"),  # case-insensitive after "answer"
        ("My answer is definitely B", "D"),  # the first letter of "definitely", read case-insensitively
        ("Because...\nc.", "C"),  # a last line that is only a letter
        ("I think a cat is here", "A"),  # the article "a" is a standalone letter
        ("Result: 42", None),
        ("", None),
    ],
)
def test_quirks(response: str, letter: str | None) -> None:
    assert extract_mathkangaroo_answer(response, {}) == letter


def test_any_letter_of_a_multi_letter_truth_is_right() -> None:
    assert mathkangaroo_accuracy("C", "A, C", {}) == 1.0
    assert mathkangaroo_accuracy("B", "A, C", {}) == 0.0
    assert mathkangaroo_accuracy(None, "A", {}) == 0.0
    assert mathkangaroo_accuracy("A", None, {}) == 0.0
