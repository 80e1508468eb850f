"""Corpus BLEU of translations with sacreBLEU, as a corpus-level aggregation over per-sample records.

CoVoST 2 reports sacreBLEU's corpus BLEU of the detokenized system output against the one reference
translation (Wang et al. 2020, "CoVoST 2 and Massively Multilingual Speech-to-Text Translation"; sacreBLEU's
default 13a tokenizer, its ``zh`` tokenizer for Chinese output). Corpus BLEU pools, over all sentences, the
clipped n-gram matches and totals (n = 1..4) and the hypothesis and reference lengths, then takes the
brevity-penalized geometric mean of the pooled precisions; it is not a mean of sentence scores.

Mechanism (the one of :mod:`lmms_eval.scoring.captions.records`): the per-sample metric
:func:`translation_record` stores (hypothesis, reference) in a process-wide table and returns the record's
key (the first 52 bits of the SHA-256 of its JSON, :func:`lmms_eval.scoring.captions.records.record_key`),
which samples files show as the per-sample value. The aggregation :func:`sacrebleu_corpus` looks the records
up, gets each record's sufficient statistics once from sacreBLEU (``BLEU.corpus_score`` of the one sentence:
matches and totals per order, hypothesis and reference length; a corpus's statistics are their sums, as in
sacreBLEU itself), sums them with the number of times each record is drawn in a resample, and computes BLEU
with sacreBLEU's ``BLEU.compute_bleu`` (exp smoothing, no effective order: sacreBLEU's corpus defaults).
So the full-data value equals ``sacrebleu.corpus_bleu(hypotheses, [references], tokenize=...)`` and the
bootstrap resamples sentences. Records must be scored in the process that aggregates them.

The hypothesis is the response stripped of surrounding whitespace; no response is an empty hypothesis.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from lmms_eval.core.errors import DataError, LmmsEvalError
from lmms_eval.scoring.captions.records import record_key

__all__ = ["sacrebleu_corpus", "sentence_stats", "translation_record"]

_RECORDS: dict[int, tuple[str, str]] = {}
_STATS: dict[tuple[str, int], np.ndarray] = {}
_ORDER = 4


def translation_record(prediction: str | None, target: Any, doc: Mapping[str, Any], **_: Any) -> float:
    """Store (hypothesis, reference) and return the record key (module doc). ``target``: the reference
    translation, a string."""
    if not isinstance(target, str):
        raise DataError(f"a translation reference must be a string, got {type(target).__name__}")
    hyp = (prediction or "").strip()
    key = record_key(hyp, [target])
    _RECORDS[key] = (hyp, target)
    return float(key)


@functools.lru_cache(maxsize=8)
def _bleu(tokenize: str) -> Any:
    from sacrebleu.metrics import BLEU

    return BLEU(tokenize=tokenize)


def sentence_stats(hypothesis: str, reference: str, tokenize: str = "13a") -> np.ndarray:
    """sacreBLEU's sufficient statistics of one sentence: ``[hyp_len, ref_len, matches_1..4, totals_1..4]``."""
    score = _bleu(tokenize).corpus_score([hypothesis], [[reference]])
    return np.array([score.sys_len, score.ref_len, *score.counts, *score.totals], dtype=np.float64)


def _stats_of(keys: np.ndarray, tokenize: str) -> np.ndarray:
    rows = []
    for k in keys:
        key = int(k)
        if (tokenize, key) not in _STATS:
            if key not in _RECORDS:
                raise LmmsEvalError(
                    f"translation record {key} is unknown: sacrebleu_corpus aggregates the records stored by "
                    "'translation_record' in the same process (it cannot be recomputed from samples files)"
                )
            _STATS[(tokenize, key)] = sentence_stats(*_RECORDS[key], tokenize=tokenize)
        rows.append(_STATS[(tokenize, key)])
    return np.stack(rows) if rows else np.zeros((0, 2 + 2 * _ORDER))


def _from_totals(totals: np.ndarray) -> np.ndarray:
    from sacrebleu.metrics import BLEU

    out = np.empty(totals.shape[0])
    for i, row in enumerate(totals):
        sys_len, ref_len = int(row[0]), int(row[1])
        correct = [int(x) for x in row[2 : 2 + _ORDER]]
        total = [int(x) for x in row[2 + _ORDER :]]
        out[i] = BLEU.compute_bleu(correct, total, sys_len, ref_len, smooth_method="exp").score
    return out


def _counts_form(values: np.ndarray, labels: Any, counts: np.ndarray, *, tokenize: str = "13a") -> np.ndarray:
    stats = _stats_of(np.asarray(values, dtype=np.float64), tokenize)
    return _from_totals(np.asarray(counts, dtype=np.float64) @ stats)


def sacrebleu_corpus(scores: np.ndarray, labels: Any = None, *, tokenize: str = "13a") -> np.ndarray:
    """sacreBLEU corpus BLEU (0-100) of each resample (row) of record keys; ``tokenize``: sacreBLEU's
    tokenizer name (``13a``, ``zh``, ``intl``, ``char``, ...)."""
    rows = np.asarray(scores, dtype=np.float64)
    rows = rows[None, :] if rows.ndim == 1 else rows
    distinct, index = np.unique(rows, return_inverse=True)
    index = index.reshape(rows.shape)
    counts = np.zeros((rows.shape[0], len(distinct)))
    np.add.at(counts, (np.arange(rows.shape[0])[:, None], index), 1.0)
    return _counts_form(distinct, labels, counts, tokenize=tokenize)


sacrebleu_corpus.from_counts = _counts_form  # type: ignore[attr-defined]
