"""MMLU-Pro's official answer extraction (TIGER-Lab).

Follows github.com/TIGER-AI-Lab/MMLU-Pro@f418b116db00b065c2aea046518d8fcf74d39872, ``evaluate_from_local.py``,
``extract_answer`` -> ``extract_again`` -> ``extract_final``, in order:

1. the first ``answer is (X)`` / ``answer is X`` (``answer is \\(?([A-J])\\)?``, case-sensitive);
2. else the last ``answer: X`` / ``Answer: X`` (``.*[aA]nswer:\\s*([A-J])``: ``.`` stops at a newline, so
   this is the last such answer on the first line holding one);
3. else the last standalone capital letter A-J of the response (``\\b[A-J]\\b(?!.*\\b[A-J]\\b)``, DOTALL).

Quirks kept: the letters are A-J whatever the number of options (a question with 4 options may be answered
"G" and is then wrong); step 3 reads any lone capital, e.g. the article "A" of a last sentence.

Where all three fail, the official ``save_res`` counts a random option (``random.randint`` over the
options, the global generator seeded with 12345, drawn in file order). Here the guess is seeded by the
doc's ``question_id`` (reproducible, independent of order): :func:`guess_letter`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

LETTERS = "ABCDEFGHIJKLMNOP"


def official_letter(text: str) -> str | None:
    """The letter read by the three official rules, or None (the official ``extract_answer``)."""
    match = re.search(r"answer is \(?([A-J])\)?", text)
    if match:
        return match.group(1)
    match = re.search(r".*[aA]nswer:\s*([A-J])", text)
    if match:
        return match.group(1)
    match = re.search(r"\b[A-J]\b(?!.*\b[A-J]\b)", text, re.DOTALL)
    return match.group(0) if match else None


def guess_letter(doc: Mapping[str, Any]) -> str:
    """The seeded stand-in for the official random option: a letter among the doc's options, drawn from a
    generator seeded with the doc's ``question_id``."""
    n = max(1, len(doc.get("options") or []))
    return LETTERS[random.Random(f"mmlu_pro:{doc.get('question_id')}").randrange(n)]


def extract_mmlu_pro_answer(text: str, doc: Mapping[str, Any], guess: bool = True) -> str | None:
    """Extractor ``mmlu_pro``: the official letter; where the rules find none, the seeded guess
    (``guess: false``: None, scored as wrong)."""
    letter = official_letter(text)
    if letter is None and guess:
        return guess_letter(doc)
    return letter
