"""Text normalization steps, chained by name (e.g. ``exact_match``'s ``normalize: [strip, lower]``).

Steps: ``strip``, ``lower``, ``whitespace`` (collapse runs to one space and strip), ``no_whitespace`` (remove
every whitespace character: character error rates of languages written without spaces), ``punctuation`` (remove
ASCII and Unicode punctuation), ``articles`` (drop the words a/an/the; rejoins tokens with single spaces)
``vqa`` (the official VQA v2 answer normalization, :func:`normalize_vqa`), ``whisper_english`` and
``whisper_basic`` (Whisper's English and basic text normalizers for word error rates,
:mod:`lmms_eval.scoring.whisper_normalizers`).

The ``vqa`` step is the official VQA answer processing, :func:`lmms_eval.scoring.vqa.normalize_vqa` (its
module documents the rules and the official source); its functions are re-exported here.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.vqa import normalize_vqa, vqa_process_digit_article, vqa_process_punctuation
from lmms_eval.scoring.whisper_normalizers import normalize_basic, normalize_english

__all__ = ["STEPS", "apply_steps", "normalize_vqa", "vqa_process_digit_article", "vqa_process_punctuation"]

_ARTICLES = frozenset({"a", "an", "the"})

# --- generic steps ---------------------------------------------------------------------------------------


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def _is_punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def _remove_punctuation(text: str) -> str:
    return "".join(c for c in text if not _is_punctuation(c))


def _remove_articles(text: str) -> str:
    return " ".join(w for w in text.split() if w.lower() not in _ARTICLES)


STEPS: dict[str, Callable[[str], str]] = {
    "strip": str.strip,
    "lower": str.lower,
    "whitespace": _collapse_whitespace,
    "no_whitespace": lambda text: "".join(text.split()),
    "punctuation": _remove_punctuation,
    "articles": _remove_articles,
    "vqa": normalize_vqa,
    "whisper_english": normalize_english,
    "whisper_basic": normalize_basic,
}


def resolve_steps(steps: str | Iterable[str] | None) -> list[Callable[[str], str]]:
    """The step functions named by ``steps`` (one name or a list); ConfigError on an unknown name."""
    if steps is None:
        return []
    names = (steps,) if isinstance(steps, str) else tuple(steps)
    return list(_resolve_names(names))


@lru_cache(maxsize=256)
def _resolve_names(names: tuple[str, ...]) -> tuple[Callable[[str], str], ...]:
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise ConfigError(
            f"Unknown normalization step(s) {unknown}; choose from {sorted(STEPS)} (the metric's 'normalize' arg)."
        )
    return tuple(STEPS[n] for n in names)


def apply_steps(text: str, steps: str | Iterable[str] | None) -> str:
    """Apply the named normalization steps to ``text``, in order."""
    for fn in resolve_steps(steps):
        text = fn(text)
    return text
