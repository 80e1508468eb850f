"""BLEU-1..4 as pycocoevalcap computes it: corpus-level, "closest" reference length, its smoothing constants.

Re-implemented from ``pycocoevalcap/bleu/bleu_scorer.py`` and ``bleu/bleu.py`` of
https://github.com/salaniz/pycocoevalcap at commit ad63453cfab57a81a02b2949b17a91fab1c3df77 (David Chiang's
scorer as modified for coco-caption). Words are ``str.split()`` of the PTB-tokenized caption (any
whitespace, so a token holding U+00A0 is two words here).

Per image (:func:`bleu_stats`): the hypothesis length, the *closest* reference length (the smallest
``|len(ref) - len(hyp)|``, ties to the shorter reference), and for k = 1..4 the number of k-grams of the
hypothesis (``max(0, len - k + 1)``, the "guess") and of those the clipped matches (each k-gram counted at
most as often as in the reference that holds it most often, the "correct").

Corpus (:func:`bleu_from_totals`), from the sums of those over the images::

    bleu_k = prod_{i<=k} ((correct_i + 1e-15) / (guess_i + 1e-9)) ** (1 / k)
    ratio  = (testlen + 1e-15) / (reflen + 1e-9);  bleu_k *= exp(1 - 1 / ratio) when ratio < 1

The constants are the official smoothing: a k with no k-gram at all gives a factor of about 1e-6, not 0,
so BLEU-4 of a corpus of three-word captions is tiny but positive. The per-image BLEU the official code
also returns is not used (COCOEvalCap reports the corpus value).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["MAX_N", "bleu_from_totals", "bleu_stats", "ngram_counts"]

MAX_N = 4
TINY, SMALL = 1e-15, 1e-9


def ngram_counts(words: Sequence[str], n: int = MAX_N) -> Counter[tuple[str, ...]]:
    """Every k-gram (k = 1..n) of ``words`` with its count (the official ``precook``)."""
    counts: Counter[tuple[str, ...]] = Counter()
    for k in range(1, n + 1):
        for i in range(len(words) - k + 1):
            counts[tuple(words[i : i + k])] += 1
    return counts


def bleu_stats(hypothesis: str, references: Sequence[str], n: int = MAX_N) -> np.ndarray:
    """``[testlen, closest reflen, guess_1..n, correct_1..n]`` of one image (tokenized captions)."""
    max_counts: dict[tuple[str, ...], int] = {}
    ref_lens = []
    for ref in references:
        words = ref.split()
        ref_lens.append(len(words))
        for gram, count in ngram_counts(words, n).items():
            max_counts[gram] = max(max_counts.get(gram, 0), count)
    words = hypothesis.split()
    testlen = len(words)
    reflen = min((abs(length - testlen), length) for length in ref_lens)[1]
    correct = [0] * n
    for gram, count in ngram_counts(words, n).items():
        correct[len(gram) - 1] += min(max_counts.get(gram, 0), count)
    guess = [max(0, testlen - k + 1) for k in range(1, n + 1)]
    return np.array([testlen, reflen, *guess, *correct], dtype=np.float64)


def bleu_from_totals(totals: np.ndarray, n: int = MAX_N) -> np.ndarray:
    """BLEU-1..n (``(B, n)``) from per-resample sums of :func:`bleu_stats` (``(B, 2 + 2n)``)."""
    totals = np.atleast_2d(np.asarray(totals, dtype=np.float64))
    testlen, reflen = totals[:, 0], totals[:, 1]
    guess, correct = totals[:, 2 : 2 + n], totals[:, 2 + n : 2 + 2 * n]
    product = np.cumprod((correct + TINY) / (guess + SMALL), axis=1)
    bleus = product ** (1.0 / np.arange(1, n + 1))
    ratio = (testlen + TINY) / (reflen + SMALL)
    with np.errstate(over="ignore", divide="ignore"):
        penalty = np.where(ratio < 1, np.exp(1 - 1 / ratio), 1.0)
    out: np.ndarray = bleus * penalty[:, None]
    return out
