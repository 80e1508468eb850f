"""Video-TT's multiple-choice answer reading, as lmms-eval 0.7.3 scores it.

Video-TT (Zhang et al. 2025, "Towards Video Thinking Test", video-tt.github.io) scores its multiple-choice
split by a letter match; lmms-eval 0.7.3 (``lmms_eval/tasks/video-tt/utils.py``, ``extract_characters_regex``
and ``videott_process_results``, the Video-MME style reader) is the reference here
(:func:`read_videott_letter`):

1. strip the reply, then delete every occurrence of the phrases "The best answer is", "The correct answer
   is", "The answer is", "The answer", "The best option is", "The correct option is", "Best answer:",
   "Best option:" (case-sensitive, in that order);
2. the first capital A-E anywhere in what is left (inside words too: "Clearly B" reads as "C"), or nothing
   (the original's separate rule for replies of more than 10 words without a capital A-E gives the same).

The letter is right when it equals the doc's ``answer`` exactly. ``tests/scoring/fixtures/
video_tt_official_cases.jsonl`` holds lmms-eval 0.7.3's readings of messy replies;
``tests/scoring/test_video_tt.py`` requires :func:`read_videott_letter` to agree on every one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["extract_videott_answer", "read_videott_letter"]

_PREFIXES = (
    "The best answer is",
    "The correct answer is",
    "The answer is",
    "The answer",
    "The best option is",
    "The correct option is",
    "Best answer:",
    "Best option:",
)
_LETTER = re.compile(r"[ABCDE]")


def read_videott_letter(reply: str) -> str | None:
    """The first capital A-E after the answer phrases are removed, or None (lmms-eval 0.7.3's ``""``)."""
    text = reply.strip()
    for prefix in _PREFIXES:
        text = text.replace(prefix, "")
    found = _LETTER.search(text)
    if found is None:
        return None
    return found[0]


def extract_videott_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Video-TT's multiple-choice reading."""
    return read_videott_letter(text)
