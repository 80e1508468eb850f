"""Caption metrics as corpus-level aggregations over per-sample records, so that the bootstrap gives CIs.

The engine hands an aggregation only the per-sample scores, one float each, resampled. A caption metric
needs the prediction and the references of every image in the resample, and the metrics are
corpus-level (BLEU sums counts over images, CIDEr-D's document frequencies come from the evaluated
references, METEOR sums alignment statistics). So:

- the per-sample metric :func:`caption_record` stores the record (prediction, references) in a
  process-wide table and returns its **record key**: a number computed from the record's content (the
  first 52 bits of the SHA-256 of its JSON), exactly representable as a float and the same in every run;
  samples files show it as the per-sample value of each caption metric (there is no per-image BLEU or
  CIDEr in the official protocol to show instead);
- the aggregations (``coco_bleu``, ``coco_meteor``, ``coco_rouge_l``, ``coco_cider``) look the records of
  the keys up, build a :class:`CaptionCorpus` once (tokenization and per-image statistics; cached, so the
  metrics of a task and all their resamples share it) and compute each resample from how many times it
  drew each image.

The records must have been scored in the same process as the aggregation (the engine scores then
aggregates each run, resumed runs included); a key without its record is an error. ``lmms-eval compare``
therefore cannot recompute these metrics from samples files and reports them as not pairable.

Tokenization (aggregation argument ``tokenizer``): ``python`` (default) or ``java`` (the official jar;
see :mod:`lmms_eval.scoring.captions.ptb_tokenize`). As in pycocoevalcap, all references are tokenized
in one call and all predictions in another, in the order of the samples the first (full) aggregation of
the task sees, which is the dataset's order; the subsets of a breakdown reuse those tokens.

Cost of the bootstrap, 1,000 resamples on one core (measured on synthetic COCO-like captions, five
references per image): for 5,000 images (COCO val) BLEU about 1 s, ROUGE-L under 1 s, CIDEr-D about 11 s
(it recomputes the document frequencies of every resample, :mod:`lmms_eval.scoring.captions.cider`); for
31,783 images (Flickr30k) about 20 s, 7 s and 70 s; METEOR, from the jar's per-image statistics, like BLEU.
Building the corpus (Python tokenization, n-gram statistics) takes 2 s for 5,000 images and 8 s for 31,783,
plus, for METEOR, the JVM start (about 10 s) and one alignment per image. The full bootstrap is kept.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lmms_eval.core.errors import DataError, LmmsEvalError
from lmms_eval.scoring.captions import bleu as bleu_mod
from lmms_eval.scoring.captions.cider import CiderD
from lmms_eval.scoring.captions.meteor import additive, meteor_available, meteor_from_totals, meteor_stats
from lmms_eval.scoring.captions.ptb_tokenize import Tokenizer, tokenize
from lmms_eval.scoring.captions.rouge_l import rouge_l

__all__ = [
    "CaptionCorpus",
    "CaptionRecord",
    "caption_record",
    "coco_bleu",
    "coco_cider",
    "coco_meteor",
    "coco_rouge_l",
    "record_key",
]


@dataclass(frozen=True)
class CaptionRecord:
    prediction: str
    references: tuple[str, ...]


_RECORDS: dict[int, CaptionRecord] = {}


def record_key(prediction: str, references: Sequence[str]) -> int:
    """The record's key: the first 52 bits of the SHA-256 of ``[prediction, references]`` as JSON."""
    blob = json.dumps([prediction, list(references)], ensure_ascii=False).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(blob).digest()[:7], "big") >> 4


def _references(target: Any) -> tuple[str, ...]:
    if isinstance(target, str):
        refs: Sequence[Any] = [target]
    elif isinstance(target, Sequence) or hasattr(target, "tolist"):
        refs = list(target.tolist() if hasattr(target, "tolist") else target)
    else:
        raise DataError(f"caption references must be a list of strings, got {type(target).__name__}")
    if not refs or not all(isinstance(r, str) for r in refs):
        raise DataError(f"caption references must be a non-empty list of strings, got {refs!r}")
    return tuple(refs)


def caption_record(prediction: str | None, target: Any, doc: Mapping[str, Any], **_: Any) -> float:
    """Store (prediction, references) and return the record key (see the module doc). ``target``: the
    references, a list of strings (the template ``"{{ column }}"`` keeps the list); no prediction is an
    empty caption."""
    refs = _references(target)
    pred = prediction or ""
    key = record_key(pred, refs)
    _RECORDS[key] = CaptionRecord(pred, refs)
    return float(key)


# -- the corpus ------------------------------------------------------------------------------------------


@dataclass
class CaptionCorpus:
    """The distinct records of a task, tokenized; per-image statistics computed on first use.

    ``keys`` is sorted; every per-image array is in that order."""

    keys: np.ndarray
    predictions: list[str]
    references: list[list[str]]
    tokenizer: str
    _cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(
        cls, keys_in_order: Sequence[int], tokenizer: Tokenizer, jar: str | None = None
    ) -> CaptionCorpus:
        records = [_record(k) for k in keys_in_order]
        preds = tokenize([r.prediction for r in records], tokenizer, jar)
        flat = tokenize([ref for r in records for ref in r.references], tokenizer, jar)
        refs, at = [], 0
        for r in records:
            refs.append(flat[at : at + len(r.references)])
            at += len(r.references)
        order = np.argsort(np.asarray(keys_in_order, dtype=np.float64), kind="stable")
        return cls(
            keys=np.asarray(keys_in_order, dtype=np.float64)[order],
            predictions=[preds[i] for i in order],
            references=[refs[i] for i in order],
            tokenizer=tokenizer,
        )

    def covers(self, keys: np.ndarray) -> bool:
        pos = np.searchsorted(self.keys, keys)
        return bool(
            np.all(pos < len(self.keys)) and np.all(self.keys[np.minimum(pos, len(self.keys) - 1)] == keys)
        )

    def counts(self, rows: np.ndarray) -> np.ndarray:
        """How many times each image is drawn in each row of keys ``(B, n)`` -> ``(B, K)``."""
        b, n = rows.shape
        index = np.searchsorted(self.keys, rows)
        flat = (np.arange(b)[:, None] * len(self.keys) + index).ravel()
        return np.bincount(flat, minlength=b * len(self.keys)).reshape(b, len(self.keys)).astype(np.float64)

    def counts_of_atoms(self, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The counts form: ``values`` (keys, K' of them, possibly repeated), ``counts`` ``(B, K')``."""
        index = np.searchsorted(self.keys, np.asarray(values, dtype=np.float64))
        out = np.zeros((counts.shape[0], len(self.keys)))
        np.add.at(out.T, index, np.asarray(counts, dtype=np.float64).T)
        return out

    def bleu_stats(self) -> np.ndarray:
        if "bleu" not in self._cache:
            self._cache["bleu"] = np.stack(
                [bleu_mod.bleu_stats(p, r) for p, r in zip(self.predictions, self.references)]
            )
        stats: np.ndarray = self._cache["bleu"]
        return stats

    def rouge_scores(self) -> np.ndarray:
        if "rouge" not in self._cache:
            self._cache["rouge"] = np.array(
                [rouge_l(p, r) for p, r in zip(self.predictions, self.references)]
            )
        scores: np.ndarray = self._cache["rouge"]
        return scores

    def cider(self) -> CiderD:
        if "cider" not in self._cache:
            self._cache["cider"] = CiderD(self.predictions, self.references)
        scorer: CiderD = self._cache["cider"]
        return scorer

    def meteor_stats(self, jar: str | None = None) -> np.ndarray:
        if "meteor" not in self._cache:
            self._cache["meteor"] = additive(meteor_stats(self.predictions, self.references, jar))
        stats: np.ndarray = self._cache["meteor"]
        return stats


_CORPORA: OrderedDict[tuple[str, str | None], CaptionCorpus] = OrderedDict()
_MAX_CORPORA = 4


def _record(key: int) -> CaptionRecord:
    try:
        return _RECORDS[key]
    except KeyError:
        raise LmmsEvalError(
            f"caption record {key} is unknown: caption metrics aggregate the records stored by the "
            "'caption_record' metric in the same process (they cannot be recomputed from samples files)"
        ) from None


def corpus_for(
    keys_in_order: np.ndarray, tokenizer: Tokenizer = "python", jar: str | None = None
) -> CaptionCorpus:
    """A cached corpus holding every key of ``keys_in_order``; a new one (tokenized in this order, first
    occurrences) when none does."""
    distinct = np.unique(keys_in_order)
    for cache_key in reversed(_CORPORA):
        corpus = _CORPORA[cache_key]
        if cache_key[0] == tokenizer and corpus.covers(distinct):
            _CORPORA.move_to_end(cache_key)
            return corpus
    _, first = np.unique(keys_in_order, return_index=True)
    ordered = [int(k) for k in np.asarray(keys_in_order)[np.sort(first)]]
    corpus = CaptionCorpus.build(ordered, tokenizer, jar)
    _CORPORA[(tokenizer, hashlib.sha256(corpus.keys.tobytes()).hexdigest())] = corpus
    while len(_CORPORA) > _MAX_CORPORA:
        _CORPORA.popitem(last=False)
    return corpus


def _rows(scores: np.ndarray) -> np.ndarray:
    arr = np.asarray(scores, dtype=np.float64)
    return arr[None, :] if arr.ndim == 1 else arr


def _image_counts(
    scores: np.ndarray, tokenizer: Tokenizer, jar: str | None
) -> tuple[CaptionCorpus, np.ndarray]:
    rows = _rows(scores)
    corpus = corpus_for(rows[0] if rows.shape[0] == 1 else rows.ravel(), tokenizer, jar)
    return corpus, corpus.counts(rows)


def _atom_counts(
    values: np.ndarray, counts: np.ndarray, tokenizer: Tokenizer, jar: str | None
) -> tuple[CaptionCorpus, np.ndarray]:
    corpus = corpus_for(np.asarray(values, dtype=np.float64), tokenizer, jar)
    return corpus, corpus.counts_of_atoms(values, counts)


def _with_counts(counts_fn: Any) -> Any:
    def deco(fn: Any) -> Any:
        fn.from_counts = counts_fn
        return fn

    return deco


# -- BLEU ------------------------------------------------------------------------------------------------


def _bleu(corpus: CaptionCorpus, counts: np.ndarray, n: int) -> np.ndarray:
    if n not in range(1, bleu_mod.MAX_N + 1):
        raise LmmsEvalError(f"coco_bleu: n must be 1..4, got {n}")
    out: np.ndarray = bleu_mod.bleu_from_totals(counts @ corpus.bleu_stats())[:, n - 1]
    return out


def _bleu_counts(
    values: np.ndarray, labels: Any, counts: np.ndarray, *, n: int = 4, tokenizer: Tokenizer = "python",
    jar: str | None = None,
) -> np.ndarray:  # fmt: skip
    return _bleu(*_atom_counts(values, counts, tokenizer, jar), n)


@_with_counts(_bleu_counts)
def coco_bleu(
    scores: np.ndarray,
    labels: Any = None,
    *,
    n: int = 4,
    tokenizer: Tokenizer = "python",
    jar: str | None = None,
) -> np.ndarray:
    """Corpus BLEU-n (pycocoevalcap ``Bleu_n``) of each resample of record keys."""
    return _bleu(*_image_counts(scores, tokenizer, jar), n)


# -- ROUGE-L ---------------------------------------------------------------------------------------------


def _rouge(corpus: CaptionCorpus, counts: np.ndarray) -> np.ndarray:
    out: np.ndarray = (counts @ corpus.rouge_scores()) / counts.sum(axis=1)
    return out


def _rouge_counts(
    values: np.ndarray,
    labels: Any,
    counts: np.ndarray,
    *,
    tokenizer: Tokenizer = "python",
    jar: str | None = None,
) -> np.ndarray:
    return _rouge(*_atom_counts(values, counts, tokenizer, jar))


@_with_counts(_rouge_counts)
def coco_rouge_l(
    scores: np.ndarray, labels: Any = None, *, tokenizer: Tokenizer = "python", jar: str | None = None
) -> np.ndarray:
    """ROUGE-L (pycocoevalcap ``ROUGE_L``, the mean over images) of each resample of record keys."""
    return _rouge(*_image_counts(scores, tokenizer, jar))


# -- CIDEr-D ---------------------------------------------------------------------------------------------


def _cider_counts(
    values: np.ndarray,
    labels: Any,
    counts: np.ndarray,
    *,
    tokenizer: Tokenizer = "python",
    jar: str | None = None,
) -> np.ndarray:
    corpus, image_counts = _atom_counts(values, counts, tokenizer, jar)
    return corpus.cider().scores(image_counts)


@_with_counts(_cider_counts)
def coco_cider(
    scores: np.ndarray, labels: Any = None, *, tokenizer: Tokenizer = "python", jar: str | None = None
) -> np.ndarray:
    """CIDEr-D (pycocoevalcap ``CIDEr``) of each resample of record keys, document frequencies from the
    resample's own references."""
    corpus, counts = _image_counts(scores, tokenizer, jar)
    return corpus.cider().scores(counts)


# -- METEOR ----------------------------------------------------------------------------------------------

_WARNED: set[str] = set()


def _no_meteor(b: int) -> np.ndarray:
    message = (
        "METEOR skipped (no value): it needs `java` on PATH and the METEOR 1.5 jar of pycocoevalcap "
        "(pip install 'lmms_eval[captions]'); no approximation is reported in its place."
    )
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    return np.full(b, np.nan)


def _meteor(corpus: CaptionCorpus, counts: np.ndarray, meteor_jar: str | None) -> np.ndarray:
    return meteor_from_totals(counts @ corpus.meteor_stats(meteor_jar))


def _meteor_counts(
    values: np.ndarray, labels: Any, counts: np.ndarray, *, tokenizer: Tokenizer = "python", jar: str | None = None,
    meteor_jar: str | None = None,
) -> np.ndarray:  # fmt: skip
    if not meteor_available(meteor_jar):
        return _no_meteor(np.asarray(counts).shape[0])
    return _meteor(*_atom_counts(values, counts, tokenizer, jar), meteor_jar)


@_with_counts(_meteor_counts)
def coco_meteor(
    scores: np.ndarray, labels: Any = None, *, tokenizer: Tokenizer = "python", jar: str | None = None,
    meteor_jar: str | None = None,
) -> np.ndarray:  # fmt: skip
    """METEOR 1.5 (pycocoevalcap ``METEOR``) of each resample of record keys; NaN (no value, with a warning)
    when Java or the jar is missing."""
    if not meteor_available(meteor_jar):
        return _no_meteor(_rows(scores).shape[0])
    return _meteor(*_image_counts(scores, tokenizer, jar), meteor_jar)
