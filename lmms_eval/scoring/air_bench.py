"""AIR-Bench foundation's official choice reading.

Official source: github.com/OFA-Sys/AIR-Bench, ``score_foundation.py`` at commit
983247666e2a25519b5c122810c2bcd91f26fd8d. The response, stripped and with its newlines removed, is read as:
its first character when that is A, B, C or D ("B", "B. dog", "Bird" -> B); otherwise, when it is longer
than one character, its second-to-last character when that is A-D ("The answer is A." -> A, but "The answer
is A" -> nothing); otherwise nothing. An empty response or the text "None" is nothing.

Departure, stated in the tasks' descriptions: the official pipeline first has GPT-4 map each response to a
letter (``align_in_foundation.py``) and then applies this rule; here the rule reads the model's own response.

The official score leaves a response it cannot read out of the denominator (it counts it in ``fail_num``):
the metric :func:`air_bench_outcome` (1 right, 0 wrong, -1 not read) with the aggregation
:func:`air_bench_accuracy` (right / read) reproduces that; plain exact match counts it as wrong.

``tests/scoring/fixtures/air_bench_official_cases.jsonl`` holds the official script's readings of messy
responses; ``tests/scoring/test_air_bench.py`` requires :func:`extract_air_bench_answer` to agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["NOT_READ", "air_bench_accuracy", "air_bench_outcome", "extract_air_bench_answer"]

_LETTERS = ("A", "B", "C", "D")
NOT_READ = -1.0


def extract_air_bench_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The letter the official script reads from the response (module doc), or None."""
    predict = text.strip().replace("\n", "")
    if predict == "None" or not predict:
        return None
    if predict[0] in _LETTERS:
        return predict[0]
    if len(predict) > 1 and predict[-2] in _LETTERS:
        return predict[-2]
    return None


def air_bench_outcome(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the letter read is the target letter, 0.0 when another letter, ``NOT_READ`` (-1.0) when no
    letter was read (the official ``fail``)."""
    if prediction is None:
        return NOT_READ
    return float(prediction == str(target).strip())


def _accuracy_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    c = np.asarray(counts, dtype=np.float64)
    right, read = c @ (v == 1.0), c @ (v >= 0.0)
    out: np.ndarray = np.divide(right, read, out=np.full(len(right), np.nan), where=read > 0)
    return out


def air_bench_accuracy(scores: np.ndarray, labels: Any = None, **_: Any) -> np.ndarray:
    """The official score of each resample of ``air_bench_outcome`` codes: right / read (NaN when none read)."""
    rows = np.asarray(scores, dtype=np.float64)
    rows = rows[None, :] if rows.ndim == 1 else rows
    right, read = (rows == 1.0).sum(axis=1), (rows >= 0.0).sum(axis=1)
    out: np.ndarray = np.divide(right, read, out=np.full(len(right), np.nan), where=read > 0)
    return out


air_bench_accuracy.from_counts = _accuracy_counts  # type: ignore[attr-defined]
