"""RealWorldQA's answers: a letter for its multiple-choice questions, a word or number for the others.

RealWorldQA (xAI) ships no scorer. As lmms-eval 0.7.3 does, a question whose answer is a letter A-D is read
as multiple choice and any other as a short answer; the multiple-choice reading here is the house
``mcq_letter`` extractor, with the options parsed from the question's "A. ..." lines so an answer giving an
option's text counts too. Pair with ``exact_match`` (``normalize: [strip, lower]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lmms_eval.scoring.extractors import extract_mcq_letter

_OPTION_LINE = re.compile(r"^\s*([A-D])\.\s*(.+?)\s*$", re.MULTILINE)


def question_options(question: str) -> list[str]:
    """The texts of the question's "A. ..." to "D. ..." lines, in letter order, when they run A, B, ..."""
    found = _OPTION_LINE.findall(question or "")
    options = []
    for expected, (letter, text) in zip("ABCD", found):
        if letter != expected:
            break
        options.append(text)
    return options


def extract_realworldqa_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The option letter for a multiple-choice question (answer A-D), else the response lower-cased,
    stripped and without a final period."""
    answer = str(doc.get("answer") or "").strip()
    if answer.upper() in ("A", "B", "C", "D") and len(answer) == 1:
        options = question_options(str(doc.get("question") or ""))
        return extract_mcq_letter(text, {"options": options}, letters="ABCD")
    return text.lower().strip().rstrip(".")
