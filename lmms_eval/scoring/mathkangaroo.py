"""MathKangaroo's answer matching: lmms-eval's own rule, its task being the benchmark's reference code.

Source: lmms-eval 0.7.3 (github.com/EvolvingLMMs-Lab/lmms-eval, release v0.7.3),
``lmms_eval/tasks/mathkangaroo/utils.py`` (``_extract_prediction``, ``_normalize_targets``,
``mathkangaroo_process_results``); the dataset (dfkiuser/kangaroo_math_mc_questions) comes with no scorer of
its own. The letter read from a response, in this order:

1. the first "final answer", "answer" or "option" (any case), optionally followed by "is" or ":", optionally
   "(", then a letter A-E (in either case: the regex is case-insensitive, so "answer: b" reads "B");
2. else the last non-empty line that is only a letter, optionally in parentheses and followed by "." or ")"
   (upper-cased first, so "b." reads "B");
3. else the last standalone capital-or-small letter A-E of the upper-cased response (``\\b[A-E]\\b``).

Quirks kept: step 1 needs no word boundary after the letter, so "My answer is definitely B" reads "D" (the
"d" of "definitely"); step 3 reads articles ("I think a cat" gives "A"). The answer is right when the
letter is one of the letters A-E in the upper-cased ``ground_truth`` (a multi-letter truth accepts any of
them). No letter: wrong.

``tests/scoring/fixtures/mathkangaroo_official_cases.jsonl`` holds the 0.7.3 functions' verdicts on messy
responses; ``tests/scoring/test_mathkangaroo.py`` requires agreement on every one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_DIRECT = re.compile(r"(?i)(?:final\s+answer|answer|option)\s*(?:is|:)?\s*\(?([A-E])\)?")
_LINE = re.compile(r"\(?([A-E])\)?[\.)]?")
_STANDALONE = re.compile(r"\b([A-E])\b")


def target_letters(answer: Any) -> set[str]:
    """The letters A-E of the ground truth, upper-cased; none for a missing truth."""
    if answer is None:
        return set()
    return set(re.findall(r"[A-E]", str(answer).upper()))


def extract_mathkangaroo_answer(text: str, doc: Mapping[str, Any] | None = None) -> str | None:
    """The option letter lmms-eval's MathKangaroo rule reads from a response, or None."""
    if not text:
        return None
    stripped = str(text).strip()
    direct = _DIRECT.search(stripped)
    if direct:
        return direct.group(1).upper()
    for line in reversed(stripped.splitlines()):
        line = line.strip().upper()
        if not line:
            continue
        whole = _LINE.fullmatch(line)
        if whole:
            return whole.group(1)
    candidates = _STANDALONE.findall(stripped.upper())
    return candidates[-1] if candidates else None


def mathkangaroo_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the extracted letter is one of the ground truth's letters, else 0.0."""
    return float(bool(prediction) and prediction in target_letters(target))
