"""CIDEr-D as pycocoevalcap computes it ("CIDEr" in its results), vectorized over bootstrap resamples.

Re-implemented from ``pycocoevalcap/cider/cider_scorer.py`` and ``cider/cider.py`` of
https://github.com/salaniz/pycocoevalcap at commit ad63453cfab57a81a02b2949b17a91fab1c3df77 (Vedantam et al.
2015, with the coco-caption changes). For the N images evaluated, words ``str.split()`` of the tokenized
captions:

- document frequency ``df(g)``: the number of images whose references (any of them) hold the n-gram
  ``g`` (n = 1..4): computed over the *evaluated* images only, not a fixed corpus;
- weights: ``tf(g) * (log N - log max(1, df(g)))``, one vector per n for the hypothesis and each reference
  (an n-gram no reference holds gets ``log N``);
- per image, reference and n: the clipped cosine ``sum_g min(v_hyp(g), v_ref(g)) * v_ref(g) / (|v_hyp|
  |v_ref|)`` (0 when a norm is 0), times the length penalty ``exp(-(l_hyp - l_ref)^2 / (2 * 6^2))``;
- the image's score: the mean over n of the sum over references, divided by the number of references,
  times 10; the corpus value is the mean over images.

Quirks kept: the "length" of the penalty is the number of *bigrams* (``len(words) - 1``, 0 for an empty
caption; the official loop adds the term frequency when the 0-based n-gram index is 1); with a single
image every weight is ``log 1 - log 1 = 0`` and CIDEr is 0.

**Bootstrap.** A resample is a multiset of images; its CIDEr is the official one computed on it as if each
copy were a separate image: N is the resample size and df counts copies. Every per-image term is linear in
the squared weights ``w(g)^2`` (the clipped product ``min(tf_h w, tf_r w) tf_r w`` is
``min(tf_h, tf_r) tf_r w^2`` since ``w >= 0``), so a resample costs one pass over the n-gram entries:
``df`` from the image counts, ``w^2`` for every n-gram, then the norms and dot products as sparse sums
(:meth:`CiderD.scores`). For 5,000 images (about a million entries) that is about 11 ms per resample on one
core, 11 s for 1,000; for 31,783 images about 70 ms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lmms_eval.scoring.captions.bleu import ngram_counts

__all__ = ["CiderD", "cider_d"]

#: largest (resamples x entries) block held at once
BLOCK_ENTRIES = 1 << 22


@dataclass(frozen=True)
class _Linear:
    """A sparse linear map from per-n-gram values ``(B, V)`` to ``(B, width)``: column ``col[e]`` gets
    ``weight[e] * x[gram[e]]``, entries sorted by column."""

    gram: np.ndarray
    weight: np.ndarray
    columns: np.ndarray  # the distinct columns with entries
    starts: np.ndarray  # where each of them starts among the entries
    width: int

    @classmethod
    def build(cls, gram: list[int], col: list[int], weight: list[float], width: int) -> _Linear:
        g, c, w = np.asarray(gram, np.int64), np.asarray(col, np.int64), np.asarray(weight, np.float64)
        order = np.argsort(c, kind="stable")
        g, c, w = g[order], c[order], w[order]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]]) if len(c) else np.zeros(0, np.int64)
        return cls(g, w, c[starts], starts, width)

    def apply(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((x.shape[0], self.width))
        if len(self.gram):
            out[:, self.columns] = np.add.reduceat(x[:, self.gram] * self.weight, self.starts, axis=1)
        return out


class CiderD:
    """CIDEr-D over a fixed list of images (tokenized hypothesis, tokenized references), for any counts of
    those images (a resample)."""

    def __init__(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str]], n: int = 4, sigma: float = 6.0
    ) -> None:
        if len(hypotheses) != len(references):
            raise ValueError("one list of references per hypothesis")
        self.n, self.sigma, self.k = n, sigma, len(hypotheses)
        vocab: dict[tuple[str, ...], int] = {}
        df_img: list[int] = []
        df_gram: list[int] = []
        hyp_g, hyp_c, hyp_w = [], [], []
        ref_g, ref_c, ref_w = [], [], []
        dot_g, dot_c, dot_w = [], [], []
        ref_image: list[int] = []
        penalty: list[float] = []
        for i, (hyp, refs) in enumerate(zip(hypotheses, references)):
            hyp_counts = ngram_counts(hyp.split(), n)
            hyp_ids = {gram: vocab.setdefault(gram, len(vocab)) for gram in hyp_counts}
            for gram, tf in hyp_counts.items():
                hyp_g.append(hyp_ids[gram])
                hyp_c.append(i * n + len(gram) - 1)
                hyp_w.append(float(tf) ** 2)
            hyp_len = _bigrams(hyp_counts)
            seen: set[int] = set()
            for ref in refs:
                r = len(ref_image)
                ref_image.append(i)
                ref_counts = ngram_counts(ref.split(), n)
                for gram, tf in ref_counts.items():
                    gid = vocab.setdefault(gram, len(vocab))
                    seen.add(gid)
                    ref_g.append(gid)
                    ref_c.append(r * n + len(gram) - 1)
                    ref_w.append(float(tf) ** 2)
                    if gram in hyp_counts:
                        dot_g.append(gid)
                        dot_c.append(r * n + len(gram) - 1)
                        dot_w.append(float(min(hyp_counts[gram], tf) * tf))
                delta = float(hyp_len - _bigrams(ref_counts))
                penalty.append(float(np.e ** (-(delta**2) / (2 * sigma**2))))
            df_img.extend([i] * len(seen))
            df_gram.extend(sorted(seen))
        self.vocab_size = len(vocab)
        self.ref_image = np.asarray(ref_image, np.int64)
        self.n_refs = np.bincount(self.ref_image, minlength=self.k).astype(np.float64)
        if self.k and (self.n_refs == 0).any():
            raise ValueError("every image needs at least one reference")
        self.ref_starts = np.searchsorted(self.ref_image, np.arange(self.k))  # refs of an image are adjacent
        self.penalty = np.asarray(penalty, np.float64)
        n_ref = len(ref_image)
        self.hyp = _Linear.build(hyp_g, hyp_c, hyp_w, self.k * n)
        self.ref = _Linear.build(ref_g, ref_c, ref_w, n_ref * n)
        self.dot = _Linear.build(dot_g, dot_c, dot_w, n_ref * n)
        self.df = _Linear.build(df_img, df_gram, [1.0] * len(df_img), self.vocab_size)  # (B, K) -> (B, V)
        self.entries = len(hyp_g) + len(ref_g) + len(dot_g)

    def per_image(self, counts: np.ndarray) -> np.ndarray:
        """Each image's CIDEr-D within each resample, ``(B, K)``, from image counts ``(B, K)``."""
        counts = np.atleast_2d(np.asarray(counts, dtype=np.float64))
        b = counts.shape[0]
        rows = max(1, BLOCK_ENTRIES // max(self.entries, self.vocab_size, 1))
        out = np.zeros((b, self.k))
        for lo in range(0, b, rows):
            out[lo : lo + rows] = self._per_image(counts[lo : lo + rows])
        return out

    def _per_image(self, counts: np.ndarray) -> np.ndarray:
        n = self.n
        size = counts.sum(axis=1, keepdims=True)
        df = self._df(counts)
        with np.errstate(divide="ignore"):
            ref_len = np.log(size)
        w2 = (ref_len - np.log(np.maximum(1.0, df))) ** 2
        hyp_norm = np.sqrt(self.hyp.apply(w2)).reshape(-1, self.k, n)[:, self.ref_image, :]
        ref_norm = np.sqrt(self.ref.apply(w2)).reshape(-1, len(self.ref_image), n)
        dot = self.dot.apply(w2).reshape(-1, len(self.ref_image), n)
        denom = hyp_norm * ref_norm
        val = np.where(denom != 0, dot / np.where(denom != 0, denom, 1.0), dot)
        per_ref = (val * self.penalty[None, :, None]).sum(axis=2)
        per_image = np.add.reduceat(per_ref, self.ref_starts, axis=1)
        out: np.ndarray = per_image / n / self.n_refs * 10.0
        return out

    def _df(self, counts: np.ndarray) -> np.ndarray:
        """Per resample, how many drawn images have each n-gram in their references, ``(B, V)``."""
        return self.df.apply(counts)

    def scores(self, counts: np.ndarray) -> np.ndarray:
        """The corpus CIDEr-D of each resample ``(B,)`` from image counts ``(B, K)``."""
        counts = np.atleast_2d(np.asarray(counts, dtype=np.float64))
        per_image = self.per_image(counts)
        total = counts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray = (per_image * counts).sum(axis=1) / total
        return out


def _bigrams(counts: dict[tuple[str, ...], int]) -> int:
    return sum(tf for gram, tf in counts.items() if len(gram) == 2)


def cider_d(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> tuple[float, np.ndarray]:
    """The official ``Cider().compute_score`` result: (corpus CIDEr-D, per-image scores)."""
    scorer = CiderD(hypotheses, references)
    per_image = scorer.per_image(np.ones((1, scorer.k)))[0]
    return float(np.mean(per_image)), per_image
