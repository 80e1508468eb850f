"""Video-MME's official answer extraction.

Official source: github.com/MME-Benchmarks/Video-MME (formerly BradyFU/Video-MME),
``evaluation/eval_your_results.py``, function ``extract_characters_regex``, at commit
4e7566d36f63121fc72f040654d6f38f83f30125 (the last version of that file in the repo; the README now points to
the same script in thanku-all/parse_answer). The rule, in order:

1. the response is stripped;
2. each of the official prefixes is removed wherever it occurs (``str.replace``, case-sensitive). The
   official list misses two commas, so Python joins four of its strings into two: the removed strings are
   "The best answer is", "The correct answer is", "The answer is", "The answer",
   "The best option isThe correct option is" and "Best answer:Best option:" (so "The best option is B"
   keeps its words; that does not change the letter found below). Kept as in the official code;
3. the first capital A, B, C or D anywhere in the text is the answer (``re.search("[ABCD]")``):
   "Based on the video, C" reads B (from "Based"), as officially; none found gives nothing (the official
   "more than 10 words and no letter" test before it gives nothing in the same cases only).

The official score compares the letter with the answer letter (``==``). Where the official script
leaves an unreadable response out of the denominator ("answered" counts only non-empty extractions),
lmms-eval scores it as wrong (every question counts); with the official prompt almost every response has a
letter. ``tests/scoring/fixtures/videomme_official_cases.jsonl`` holds the official function's outputs on
messy responses; ``tests/scoring/test_videomme.py`` requires :func:`extract_characters_regex` to agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["ANSWER_PREFIXES", "extract_characters_regex", "extract_videomme_answer"]

#: The official list as Python reads it (two pairs joined by missing commas; module docstring).
ANSWER_PREFIXES: tuple[str, ...] = (
    "The best answer is",
    "The correct answer is",
    "The answer is",
    "The answer",
    "The best option isThe correct option is",
    "Best answer:Best option:",
)
_LETTER = re.compile(r"[ABCD]")


def extract_characters_regex(response: str) -> str:
    """The official ``extract_characters_regex``: a letter A-D, or "" when none is read."""
    text = response.strip()
    for prefix in ANSWER_PREFIXES:
        text = text.replace(prefix, "")
    found = _LETTER.search(text)
    return found.group(0) if found is not None else ""


def extract_videomme_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``videomme``: the official letter, None when the official rule reads none."""
    return extract_characters_regex(text) or None
