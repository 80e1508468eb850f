"""Corpus word and character error rates, pooled as ASR benchmarks report them.

Corpus WER is ``sum(edits) / sum(reference words)`` over the whole test set (jiwer's ``wer`` over lists,
which the Open ASR Leaderboard, ``huggingface/open_asr_leaderboard``, and lmms-eval's ASR tasks call), not
the mean of per-utterance rates: a long utterance weighs more. To keep one value per sample (so the
bootstrap resamples utterances and gives a CI), the per-sample metrics return a **count code**

    code = edits * 2**26 + reference_length

an exact integer in a float64 (a reference of up to 67 million words or characters, edits up to 2**27), and
the aggregation ``pooled_error_rate`` decodes the codes of each resample, sums edits and lengths, and
divides. ``0 / 0`` is 0.0 (no reference and no hypothesis words); edits over an empty corpus are NaN.

- ``wer_counts``: words are the whitespace-separated tokens after the ``normalize`` steps, applied to both
  the prediction and the reference (``whisper_english`` for English, ``whisper_basic`` otherwise: see
  :mod:`lmms_eval.scoring.whisper_normalizers`); edits are the word-level Levenshtein distance
  (substitutions + deletions + insertions, as jiwer counts them).
- ``cer_counts``: characters of the normalized text with its surrounding whitespace stripped (jiwer's
  ``cer`` strips, then counts every character, inner spaces included).

A missing prediction (the extractor found nothing) is an empty hypothesis: every reference word is
deleted. With several accepted references the one with the lowest rate counts (ASR sets have one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.aggregations import _rows, _with_counts
from lmms_eval.scoring.anls import levenshtein
from lmms_eval.scoring.metrics import as_targets
from lmms_eval.scoring.normalize import apply_steps, resolve_steps

__all__ = ["CODE_BASE", "cer_counts", "decode_counts", "encode_counts", "pooled_error_rate", "wer_counts"]

#: the multiplier of the edits in a count code; reference lengths must be smaller
CODE_BASE = 2**26
_MAX_EDITS = 2**27


def encode_counts(edits: int, length: int) -> float:
    """The count code of one sample (see the module doc)."""
    if not 0 <= length < CODE_BASE or not 0 <= edits < _MAX_EDITS:
        raise ValueError(
            f"error-rate counts out of range: {edits} edits, reference length {length} "
            f"(at most {_MAX_EDITS - 1} and {CODE_BASE - 1})"
        )
    return float(edits * CODE_BASE + length)


def decode_counts(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(edits, reference lengths) of an array of count codes."""
    codes = np.asarray(codes, dtype=np.float64)
    if np.any(codes < 0) or np.any(codes != np.floor(codes)):
        raise ConfigError(
            "pooled_error_rate reads the count codes of 'wer_counts' or 'cer_counts' (non-negative integers); "
            "use it only with those metrics"
        )
    return np.floor_divide(codes, CODE_BASE), np.mod(codes, CODE_BASE)


def _best_counts(hypothesis: Sequence[Any], references: Sequence[Sequence[Any]]) -> tuple[int, int]:
    best: tuple[int, int] | None = None
    for ref in references:
        counts = (levenshtein(hypothesis, ref), len(ref))
        if best is None or _rate(*counts) < _rate(*best):
            best = counts
    return best if best is not None else (len(hypothesis), 0)


def _rate(edits: int, length: int) -> float:
    if length == 0:
        return 0.0 if edits == 0 else float("inf")
    return edits / length


def wer_counts(
    prediction: str | None,
    target: Any,
    doc: Mapping[str, Any],
    *,
    normalize: str | Iterable[str] | None = ("strip",),
) -> float:
    """The (word edits, reference words) count code of one sample, after ``normalize`` on both sides."""
    resolve_steps(normalize)
    hyp = apply_steps(prediction or "", normalize).split()
    refs = [apply_steps(t, normalize).split() for t in as_targets(target)]
    return encode_counts(*_best_counts(hyp, refs))


def cer_counts(
    prediction: str | None,
    target: Any,
    doc: Mapping[str, Any],
    *,
    normalize: str | Iterable[str] | None = ("strip",),
) -> float:
    """The (character edits, reference characters) count code of one sample, after ``normalize`` on both
    sides and stripping surrounding whitespace."""
    resolve_steps(normalize)
    hyp = apply_steps(prediction or "", normalize).strip()
    refs = [apply_steps(t, normalize).strip() for t in as_targets(target)]
    return encode_counts(*_best_counts(hyp, refs))


def _ratio(edits: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    out = np.full(edits.shape, np.nan, dtype=np.float64)
    np.divide(edits, lengths, out=out, where=lengths > 0)
    out[(lengths == 0) & (edits == 0)] = 0.0
    return out


def _pooled_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    edits, lengths = decode_counts(values)
    weights = np.asarray(counts, dtype=np.float64)
    return _ratio(weights @ edits, weights @ lengths)


@_with_counts(_pooled_counts)
def pooled_error_rate(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Corpus error rate of each resample row: total edits / total reference length (see the module doc)."""
    edits, lengths = decode_counts(_rows(scores))
    return _ratio(edits.sum(axis=1), lengths.sum(axis=1))
