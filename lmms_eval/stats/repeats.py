"""Per-doc reducers for repeated sampling (``--repeats k``): k scores of one doc -> one value.

All functions take the scores of **one doc** (the repeats that were scored, in repeat order) and are pure;
the engine (:mod:`lmms_eval.engine.repeats`) applies them doc by doc and estimates the stderr over docs.

- :func:`majority_index`: which repeat carries the majority-voted answer. Votes compare the extracted answers
  exactly (``None``, "nothing readable", is an answer like any other); a tie goes to the tied answer that
  appeared first (lowest repeat index), so the vote never depends on anything but the answers' order.
- :func:`expected_best_of`: the expected best score of ``j`` repeats drawn without replacement from the
  ``n`` scored ones: ``sum_i x_(i) * C(i - 1, j - 1) / C(n, j)`` over the scores sorted from worst to best
  (the i-th worst is the best of a j-subset iff the subset holds it and j - 1 of the i - 1 worse ones).
  For 0/1 scores with ``c`` correct this is the unbiased pass@j estimator of Chen et al. 2021,
  ``1 - C(n - c, j) / C(n, j)`` (:func:`pass_at_k`); with ``j = n`` it is the best score (any correct).
- :func:`consistent`: whether all answers are identical.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from ``n`` samples of which ``c`` are correct (Chen et al. 2021, eq. 1):
    ``1 - C(n - c, k) / C(n, k)``; needs ``1 <= k <= n`` and ``0 <= c <= n``."""
    if not 1 <= k <= n:
        raise ValueError(f"pass@k needs 1 <= k <= n, got k={k}, n={n}")
    if not 0 <= c <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n, got c={c}, n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def expected_best_of(scores: Sequence[float], j: int, higher_is_better: bool = True) -> float:
    """The expected best of ``j`` scores drawn without replacement from ``scores`` (see module doc); the
    best is the largest, or the smallest when ``higher_is_better`` is False. ``j`` larger than the number of
    scores uses them all (the best of what there is)."""
    n = len(scores)
    if n == 0:
        raise ValueError("expected_best_of needs at least one score")
    if j < 1:
        raise ValueError(f"j must be >= 1, got {j}")
    j = min(j, n)
    ordered = sorted(scores, reverse=not higher_is_better)  # worst first
    total = math.comb(n, j)
    return float(sum(x * math.comb(i, j - 1) for i, x in enumerate(ordered)) / total)


def best(scores: Sequence[float], higher_is_better: bool = True) -> float:
    """pass@k: the best of the k scores (for 0/1 scores: 1 when any repeat is right)."""
    return float(max(scores) if higher_is_better else min(scores))


def worst(scores: Sequence[float], higher_is_better: bool = True) -> float:
    """all-k: the worst of the k scores (for 0/1 scores: 1 only when every repeat is right)."""
    return float(min(scores) if higher_is_better else max(scores))


def majority_index(answers: Sequence[Hashable]) -> int:
    """The index of the first repeat giving the most frequent answer (ties: the answer seen first)."""
    if not answers:
        raise ValueError("majority_index needs at least one answer")
    counts: dict[Hashable, int] = {}
    first: dict[Hashable, int] = {}
    for i, a in enumerate(answers):
        counts[a] = counts.get(a, 0) + 1
        first.setdefault(a, i)
    top = max(counts.values())
    return min(first[a] for a, c in counts.items() if c == top)


def consistent(answers: Sequence[Hashable]) -> bool:
    """True when every answer is the same."""
    return len(set(answers)) <= 1


def within_variance(scores: Sequence[float]) -> float | None:
    """The sample variance (ddof 1) of one doc's scores; None with fewer than 2."""
    n = len(scores)
    if n < 2:
        return None
    m = sum(scores) / n
    return float(sum((x - m) ** 2 for x in scores) / (n - 1))
