"""lm-evaluation-harness's answer filters and exact-match metric, for the text tasks that score as it does.

Follows github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163:

- ``lm_eval/filters/extraction.py``, ``RegexFilter.apply``: ``re.findall`` over the response; the match at
  ``group_select`` (negative counts from the end); a match with several groups gives its first non-empty
  group (the fallback when all are empty); the match stripped; ``"[invalid]"`` when nothing matches.
- ``lm_eval/filters/extraction.py``, ``MultiChoiceRegexFilter.apply`` (``multi_choice_regex``): the regex
  filter, where it finds nothing (or an empty group) the last option text found in the response (both
  lower-cased and stripped of Unicode punctuation as configured) read as its ``(X)``, else the last
  ``: X`` with X an option letter read as ``(X)``; the fallback when all fail.
- ``lm_eval/api/metrics.py``, ``exact_match_hf_evaluate``: each pattern of ``regexes_to_ignore`` removed
  (``re.sub``, in order) from the prediction and the reference alike, then both lower-cased
  (``ignore_case``) and stripped of ASCII punctuation (``ignore_punctuation``), then compared for equality.
"""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections.abc import Sequence
from functools import cache

FALLBACK = "[invalid]"
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def regex_filter(text: str, pattern: str, group_select: int = 0, fallback: str = FALLBACK) -> str:
    """The harness's ``regex`` filter on one response (see the module docstring)."""
    matches = re.findall(pattern, text)
    if not matches:
        return fallback
    match = matches[group_select]
    if isinstance(match, tuple):
        groups = [m for m in match if m]
        if not groups:
            return fallback.strip()
        match = groups[0]
    return str(match).strip()


def harness_exact_match(
    prediction: str,
    reference: str,
    regexes_to_ignore: Sequence[str] = (),
    ignore_case: bool = False,
    ignore_punctuation: bool = False,
) -> bool:
    """The harness's ``exact_match`` of one prediction against one reference."""
    for pattern in regexes_to_ignore:
        prediction = re.sub(pattern, "", prediction)
        reference = re.sub(pattern, "", reference)
    if ignore_case:
        prediction, reference = prediction.lower(), reference.lower()
    if ignore_punctuation:
        prediction, reference = prediction.translate(_PUNCTUATION), reference.translate(_PUNCTUATION)
    return prediction == reference


@cache
def _unicode_punctuation() -> dict[int, None]:
    """Every code point of a Unicode punctuation category (P*), to delete with ``str.translate``."""
    return dict.fromkeys(i for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P"))


def _find(pattern: re.Pattern[str], text: str, group_select: int, convert: dict[str, str]) -> str:
    """``MultiChoiceRegexFilter``'s ``find_match``: "" when nothing (or only empty groups) is found."""
    matches = pattern.findall(text)
    if not matches:
        return ""
    match = matches[group_select]
    if isinstance(match, tuple):
        groups = [m for m in match if m]
        if not groups:
            return ""
        match = groups[0]
    match = str(match).strip()
    return convert.get(match, match) if match else match


def multi_choice_regex_filter(
    text: str,
    choices: Sequence[str],
    pattern: str,
    group_select: int = 0,
    ignore_case: bool = False,
    ignore_punctuation: bool = False,
    regexes_to_ignore: Sequence[str] = (),
    fallback: str = FALLBACK,
) -> str:
    """The harness's ``multi_choice_regex`` filter on one response (see the module docstring)."""

    def clean(value: str) -> str:
        for ignored in regexes_to_ignore:
            value = re.sub(ignored, "", value)
        if ignore_case:
            value = value.lower()
        if ignore_punctuation:
            value = value.translate(_unicode_punctuation())
        return value

    letters = [chr(ord("A") + i) for i in range(len(choices))]
    by_text = {clean(c.strip()): f"({letter})" for c, letter in zip(choices, letters)}
    by_letter = {letter: f"({letter})" for letter in letters}
    texts = re.compile("|".join(re.escape(clean(c.strip())) for c in choices))
    after_colon = re.compile(rf":[\s]*({'|'.join(letters)})")
    match = _find(re.compile(pattern), text, group_select, {})
    if not match:
        match = _find(texts, clean(text), group_select, by_text)
        if not match:
            match = _find(after_colon, text, group_select, by_letter)
    return match or fallback
