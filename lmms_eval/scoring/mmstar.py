"""MMStar's official answer matching.

Official source: github.com/MMStar-Benchmark/MMStar, ``eval/vlmeval/evaluate/mmstar.py`` (``MMStar_eval``)
at commit 88f243ab4a39cb339530085c33aecb22819881a1. The response and the answer letter are lower-cased,
stripped and their newlines made spaces; the response is right when it *starts* with the answer letter,
with "(" and the letter, with "option " and the letter, or with "the answer is " and the letter (so "B",
"b) dog", "(b)", "Option B", "The answer is B" count; "I think B" does not). The official score is the share
of right answers over all 1,500 questions (each core category has 250), reported overall and per category
and per ``l2_category``.

``tests/scoring/fixtures/mmstar_official_cases.jsonl`` holds the official function's verdicts on messy
responses; ``tests/scoring/test_mmstar.py`` requires :func:`mmstar_match` to agree on every one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_PREFIXES = ("(", "option ", "the answer is ")


def _clean(value: Any) -> str:
    return str(value).lower().strip().replace("\n", " ")


def mmstar_correct(prediction: str | None, target: Any) -> bool:
    """Whether the response starts with the answer letter in one of the four official forms."""
    answer, predict = _clean(target), _clean(prediction)
    if not predict:
        return False
    if answer == predict[0]:
        return True
    for prefix in _PREFIXES:  # they start differently: at most one applies
        if predict.startswith(prefix):
            # the official code reads the character after the prefix, failing (no point) when there is none
            return len(predict) > len(prefix) and answer == predict[len(prefix)]
    return False


def mmstar_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when MMStar's official rule reads the answer letter at the start of the response, else 0.0.
    Use it with the ``identity`` extractor: the rule looks at the raw response."""
    return float(prediction is not None and mmstar_correct(prediction, target))
