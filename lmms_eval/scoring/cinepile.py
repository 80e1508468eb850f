"""CinePile's answer matching, as lmms-eval 0.7.3 scores it.

CinePile (Rawal et al. 2024, github.com/JARVVVIS/CinePile) asks for "**Answer:** <letter>"; its matching, kept
by lmms-eval 0.7.3 (``lmms_eval/tasks/cinepile/utils.py``: ``normalize_string``,
``evaluate_semantic_similarity``, ``cinepile_process_results``), is implemented here:

1. the reply, every ``*`` removed and stripped, is read (:func:`read_cinepile_reply`) as a letter alone when
   it is one letter A-E (any case); else as the letter and the text after the first "Answer:" (any case,
   spaces allowed, then a letter A-E, an optional ")" and "." and spaces, the rest being the option text);
   else as no letter with the whole reply as text;
2. with a letter: right when it is the answer's letter and, if both the reply and the answer have an
   option text, the texts are equal ignoring case; without a letter: right when the whole reply equals the
   answer's text ignoring case.

``tests/scoring/fixtures/cinepile_official_cases.jsonl`` holds lmms-eval 0.7.3's verdicts on messy replies;
``tests/scoring/test_cinepile.py`` requires :func:`cinepile_correct` to agree on every one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["cinepile_correct", "read_cinepile_reply"]

_ALONE = re.compile(r"^[A-E]$", re.IGNORECASE)
_ANSWER = re.compile(r"Answer:\s*([A-E])\)?\.?\s*(.*)", re.IGNORECASE)


def read_cinepile_reply(reply: str) -> tuple[str | None, str]:
    """(letter or None, option text) as CinePile's ``normalize_string`` reads them."""
    text = reply.replace("*", "").strip()
    if _ALONE.match(text):
        return text.upper(), ""
    found = _ANSWER.search(text)
    if found:
        return found.group(1).upper(), found.group(2).strip()
    return None, text


def cinepile_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when CinePile's matching accepts the reply for the doc's answer (``answer_key_position``, a 0-based
    index, and ``answer_key``, its text), else 0.0."""
    if prediction is None:
        return 0.0
    answer_letter = "ABCDE"[int(doc["answer_key_position"])]
    answer_text = str(doc["answer_key"])
    letter, text = read_cinepile_reply(prediction)
    if letter is not None:
        if letter != answer_letter:
            return 0.0
        return float(not (answer_text and text) or answer_text.lower() == text.lower())
    return float(answer_text.lower() == text.lower())
