"""ROUGE-L as pycocoevalcap computes it: per image, the LCS F-measure (beta = 1.2) of the best precision and
the best recall over the references; the corpus value is the plain mean over images.

Re-implemented from ``pycocoevalcap/rouge/rouge.py`` of https://github.com/salaniz/pycocoevalcap at commit
ad63453cfab57a81a02b2949b17a91fab1c3df77 (``Rouge.calc_score``, ``my_lcs``). Quirks kept:

- words are ``split(" ")`` of the PTB-tokenized caption (single spaces only), so an empty caption is one
  empty word (length 1, not 0) and matches an empty reference;
- precision and recall are maximized *separately* over the references (possibly from two different
  references), then combined: ``(1 + b^2) P R / (R + b^2 P)`` with ``b = 1.2``, 0 when either is 0.

The LCS length is computed with the bit-parallel algorithm of Hyyrö (2004), which equals the official
dynamic programme.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["BETA", "lcs_length", "rouge_l"]

BETA = 1.2


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two word sequences."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    masks: dict[str, int] = {}
    for i, word in enumerate(b):
        masks[word] = masks.get(word, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for word in a:
        u = v & masks.get(word, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - bin(v).count("1")


def rouge_l(hypothesis: str, references: Sequence[str]) -> float:
    """ROUGE-L of one image (tokenized captions)."""
    hyp = hypothesis.split(" ")
    precisions, recalls = [], []
    for reference in references:
        ref = reference.split(" ")
        lcs = lcs_length(ref, hyp)
        precisions.append(lcs / float(len(hyp)))
        recalls.append(lcs / float(len(ref)))
    p, r = max(precisions), max(recalls)
    if p != 0 and r != 0:
        return ((1 + BETA**2) * p * r) / float(r + BETA**2 * p)
    return 0.0
