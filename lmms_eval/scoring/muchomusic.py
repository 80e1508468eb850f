"""MuChoMusic's official answer reading.

Official source: github.com/mulab-mir/muchomusic, ``muchomusic_eval/scoring.py`` (``extract_responses``) at
commit d3c9a423d006c545b86472c0c1cfacce7058cfc5. The text after the last "The correct answer is:" (the
whole response when it is absent), stripped, is read as:

1. the option letter when exactly one of the characters A, B, C, D occurs in it, anywhere and in upper case
   (so "B" and "(B) Jazz" give B, but "A: Blues" gives A as well as "Answer B" gives nothing here: it holds
   "A" and "B"); this quirk of the official code is kept;
2. otherwise the first option (in the listed order) whose lower-cased, stripped text is contained in the
   lower-cased text;
3. otherwise no answer (the official "unanswered", scored wrong; its IFR is the share answered).

lmms-lab-audio/muchomusic holds the options as one string, "(A) text (B) text ...", which
:func:`muchomusic_options` splits at the "(A)".."(D)" markers.

``tests/scoring/fixtures/muchomusic_official_cases.jsonl`` holds the official function's readings of messy
responses; ``tests/scoring/test_muchomusic.py`` requires :func:`read_muchomusic_letter` to agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["extract_muchomusic_answer", "muchomusic_options", "read_muchomusic_letter"]

_LETTERS = ("A", "B", "C", "D")
_PREFIX = "The correct answer is:"
_MARKER = re.compile(r"\(([A-D])\)")


def read_muchomusic_letter(output: str, options: Sequence[str]) -> str | None:
    """The official reading of one response against the option texts (module doc), a letter or None."""
    text = output.split(_PREFIX)[-1].strip()
    found = {c for c in text if c in _LETTERS}
    if len(found) == 1:
        return found.pop()
    lowered = text.lower().strip()
    for letter, option in zip(_LETTERS, options):
        if option.lower().strip() in lowered:
            return letter
    return None


def muchomusic_options(doc: Mapping[str, Any]) -> list[str]:
    """The option texts of a doc: ``choices`` split at its "(A)".."(D)" markers (a list is taken as is, its
    items without their "(X)" marker)."""
    raw = doc.get("choices")
    if isinstance(raw, str):
        parts = _MARKER.split(raw)
        return [text.strip() for text in parts[2::2]]
    items: Any = raw.tolist() if raw is not None and hasattr(raw, "tolist") else list(raw or [])
    return [_MARKER.sub("", str(item), count=1).strip() for item in items]


def extract_muchomusic_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The option letter MuChoMusic's official code reads from the response, or None."""
    return read_muchomusic_letter(text, muchomusic_options(doc))
