"""TOMATO's answer reading, as lmms-eval 0.7.3 scores it.

TOMATO (Shangguan et al. 2024, github.com/yale-nlp/TOMATO) reads answers with a rule-based pre-parser and a
GPT-4o parser for the rest; lmms-eval 0.7.3 (``lmms_eval/tasks/tomato/utils.py``, ``USE_GPT_PARSER =
False``) replaces both with ``parse_multi_choice_response``, an MMMU-style reader with its own quirks, which
is what this module follows (:func:`read_tomato_letter`):

1. the characters ``, . ! ? ; : '`` are stripped from the ends of the raw response, one after the other
   (no whitespace strip first), and the text is padded with a space on both sides;
2. every option letter that occurs ANYWHERE in the text (a bare capital letter, even inside a word: "The"
   holds no A-E, but "Answer" holds "A") is a candidate;
3. only when none occurs and the text has more than 5 words: every option whose text occurs in it
   (case-insensitive) is a candidate;
4. no candidate: "A" (the code's fixed fallback); one: it; several letters: the one whose "(X)" occurs last,
   and when no "(X)" occurs, the first option letter in order (numpy's argmax of all -1); several option
   texts: the one whose text occurs last.

The doc's ``answer`` is the 0-based index of the right option; the score is 1 when the letter read is the
answer's letter. The prompt shows the options as Python prints the dict ``{'A': ..., 'B': ...}``
(:func:`add_prompt_fields` renders it, as lmms-eval 0.7.3's ``construct_prompt`` does with an f-string).

``tests/scoring/fixtures/tomato_official_cases.jsonl`` holds lmms-eval 0.7.3's readings of messy responses;
``tests/scoring/test_tomato.py`` requires :func:`read_tomato_letter` to agree on every one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["add_prompt_fields", "extract_tomato_answer", "read_tomato_letter"]

_STRIP_CHARS = (",", ".", "!", "?", ";", ":", "'")


def _letters(options: Sequence[str]) -> list[str]:
    return [chr(65 + i) for i in range(len(options))]


def _last_occurrence_wins(text: str, candidates: list[str], needles: list[str]) -> str:
    """The candidate whose needle occurs last; the first candidate on a tie (numpy argmax)."""
    positions = [text.rfind(n) for n in needles]
    return candidates[positions.index(max(positions))]


def read_tomato_letter(response: str, options: Sequence[str]) -> str:
    """The letter lmms-eval 0.7.3's TOMATO ``parse_multi_choice_response`` reads (never empty)."""
    for char in _STRIP_CHARS:
        response = response.strip(char)
    text = f" {response} "
    letters = _letters(options)
    found = [c for c in letters if c in text]
    if found:
        return found[0] if len(found) == 1 else _last_occurrence_wins(text, found, [f"({c})" for c in found])
    if len(text.split()) > 5:
        by_text = [c for c, o in zip(letters, options, strict=True) if o.lower() in text.lower()]
        if by_text:
            needles = [options[ord(c) - 65].lower() for c in by_text]
            return by_text[0] if len(by_text) == 1 else _last_occurrence_wins(text.lower(), by_text, needles)
    return "A"


def extract_tomato_answer(text: str, doc: Mapping[str, Any], options_field: str = "options") -> str:
    """TOMATO's reading over the doc's option list."""
    return read_tomato_letter(text, list(doc[options_field]))


def add_prompt_fields(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``options_dict`` (the options as Python prints ``{'A': text, ...}``) and ``answer_letter`` (the
    letter of the 0-based ``answer``) to every doc."""
    for doc in docs:
        options = list(doc["options"])
        doc["options_dict"] = str(dict(zip(_letters(options), options, strict=True)))
        doc["answer_letter"] = chr(65 + int(doc["answer"]))
    return docs
