"""Per-sample metrics: ``fn(prediction, target, doc, **args) -> float``.

``prediction`` is the extractor's output (None: extraction failed, scored as wrong - 0.0, or the worst
value for error rates). ``target`` is one accepted answer or a list of them; unless a metric says
otherwise, the sample scores its best value over the accepted answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.extractors import parse_number
from lmms_eval.scoring.normalize import apply_steps, normalize_vqa, resolve_steps

__all__ = [
    "accuracy",
    "anls",
    "character_error_rate",
    "exact_match",
    "levenshtein",
    "numeric_tolerance",
    "relaxed_accuracy",
    "vqa_accuracy",
    "word_error_rate",
    "yes_no_confusion",
]


def as_targets(target: Any) -> list[str]:
    """The accepted answers as strings: a str is one answer, a list/tuple several, None none."""
    if target is None:
        return []
    if isinstance(target, (list, tuple)):
        return [str(t) for t in target if t is not None]
    return [str(target)]


def levenshtein(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Edit distance (insertions, deletions, substitutions, each costing 1) between two sequences.

    Two-row dynamic programme, O(len(a) * len(b)) time and O(min(len(a), len(b))) memory; a common prefix
    and suffix are skipped first."""
    if len(a) < len(b):
        a, b = b, a
    start = 0
    while start < len(b) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    while b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    previous = list(range(len(b) + 1))
    for i, item_a in enumerate(a, 1):
        current = [i]
        for j, item_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (item_a != item_b)))
        previous = current
    return previous[-1]


def exact_match(
    prediction: str | None,
    target: Any,
    doc: Mapping[str, Any],
    *,
    normalize: str | Iterable[str] = ("strip",),
) -> float:
    """1.0 when the prediction equals an accepted answer after the ``normalize`` steps (see
    :mod:`lmms_eval.scoring.normalize`: strip, lower, whitespace, punctuation, articles, vqa), else 0.0."""
    resolve_steps(normalize)  # unknown step names fail even when the prediction is None
    if prediction is None:
        return 0.0
    pred = apply_steps(prediction, normalize)
    return float(any(apply_steps(t, normalize) == pred for t in as_targets(target)))


def accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the prediction equals an accepted answer ignoring case and surrounding whitespace (for
    letters, yes/no, true/false, digits), else 0.0."""
    if prediction is None:
        return 0.0
    pred = prediction.strip().lower()
    return float(any(t.strip().lower() == pred for t in as_targets(target)))


_POSITIVE = frozenset({"yes", "true"})


def _is_positive(text: str | None) -> bool:
    return text is not None and text.strip().strip(".").lower() in _POSITIVE


def yes_no_confusion(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Confusion-matrix cell with "yes"/"true" as the positive class: 3.0 TP, 2.0 FN, 1.0 FP, 0.0 TN.

    Anything but yes/true - a None prediction included - is a "no" prediction, as POPE's official
    evaluation counts an answer without "yes" as "no". A list target uses its first answer. The
    aggregations ``yes_precision``/``yes_recall``/``yes_f1``/``yes_ratio`` read these codes."""
    targets = as_targets(target)
    gold = _is_positive(targets[0]) if targets else False
    return float(2 * gold + _is_positive(prediction))


def _anls_clean(text: str) -> str:
    return " ".join(text.strip().lower().split())


def anls(prediction: str | None, target: Any, doc: Mapping[str, Any], *, threshold: float = 0.5) -> float:
    """Normalized Levenshtein similarity of one sample, as defined for DocVQA (Mathew et al., 2021,
    "DocVQA: A Dataset for VQA on Document Images", Sec. 4; ST-VQA's ANLS, Biten et al., 2019):
    ``max over answers of (1 - NL if NL < threshold else 0)``, with ``NL = edit distance / max(len)`` on
    lower-cased answers with surrounding whitespace stripped (inner runs of whitespace are collapsed).
    Averaging over samples (the ``mean`` aggregation) gives the benchmark's ANLS."""
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"anls: 'threshold' must be in (0, 1], got {threshold!r}.")
    if prediction is None:
        return 0.0
    pred = _anls_clean(prediction)
    best = 0.0
    for answer in map(_anls_clean, as_targets(target)):
        length = max(len(answer), len(pred))
        nl = levenshtein(pred, answer) / length if length else 0.0
        best = max(best, 1.0 - nl if nl < threshold else 0.0)
    return best


def _chartqa_float(text: str) -> float | None:
    """ChartQA's number parsing: ``float(text)``, with a trailing ``%`` meaning /100."""
    try:
        return float(text.rstrip("%")) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        return None


def _relaxed_match(prediction: str, target: str, tolerance: float) -> bool:
    pred, gold = _chartqa_float(prediction), _chartqa_float(target)
    if pred is not None and gold:  # a zero target falls back to string equality, as in the official code
        return abs(pred - gold) / abs(gold) <= tolerance
    return prediction.lower() == target.lower()


def relaxed_accuracy(
    prediction: str | None, target: Any, doc: Mapping[str, Any], *, tolerance: float = 0.05
) -> float:
    """ChartQA relaxed accuracy (Masry et al., 2022; the ``relaxed_correctness`` of the official
    pix2struct/ChartQA evaluation): when both sides parse as floats (``"12%"`` is 0.12) and the target is
    non-zero, correct iff ``|pred - target| / |target| <= tolerance``; otherwise case-insensitive string
    equality. Strings are taken as given (stripped only), so "1,234" is not a number here."""
    if tolerance < 0:
        raise ConfigError(f"relaxed_accuracy: 'tolerance' must be >= 0, got {tolerance!r}.")
    if prediction is None:
        return 0.0
    pred = prediction.strip()
    return float(any(_relaxed_match(pred, t.strip(), tolerance) for t in as_targets(target)))


def vqa_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Official VQA accuracy (Antol et al., 2015; https://visualqa.org/evaluation.html).

    ``target`` is the list of human answers (10 in VQA v2). Prediction and answers are normalized with
    :func:`lmms_eval.scoring.normalize.normalize_vqa`; the score is the mean, over the leave-one-out
    subsets of the answers, of ``min(1, #matches in the subset / 3)``. Differences from ``vqaEval.py``:
    the official script skips normalization when all human answers are identical; here both sides are
    always normalized. With a single answer (no leave-one-out possible) the score is exact match."""
    answers = [normalize_vqa(t) for t in as_targets(target)]
    if prediction is None or not answers:
        return 0.0
    pred = normalize_vqa(prediction)
    if len(answers) == 1:
        return float(answers[0] == pred)
    matches = sum(a == pred for a in answers)
    scores = [min(1.0, (matches - (a == pred)) / 3.0) for a in answers]
    return sum(scores) / len(scores)


def _error_rate(hypothesis: Sequence[Any], reference: Sequence[Any]) -> float:
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return levenshtein(hypothesis, reference) / len(reference)


def word_error_rate(
    prediction: str | None,
    target: Any,
    doc: Mapping[str, Any],
    *,
    normalize: str | Iterable[str] | None = ("strip",),
) -> float:
    """Word error rate of one sample: word-level edit distance / number of reference words (lower is
    better), after the ``normalize`` steps, words split on whitespace. With several references the lowest
    rate counts. None scores as an empty hypothesis (1.0); an empty reference gives 0.0 for an empty
    hypothesis, else 1.0. The mean over samples is not corpus WER (which pools the counts)."""
    resolve_steps(normalize)
    hyp = apply_steps(prediction or "", normalize).split()
    refs = [apply_steps(t, normalize).split() for t in as_targets(target)]
    return min((_error_rate(hyp, ref) for ref in refs), default=1.0)


def character_error_rate(
    prediction: str | None,
    target: Any,
    doc: Mapping[str, Any],
    *,
    normalize: str | Iterable[str] | None = ("strip",),
) -> float:
    """Character error rate of one sample: character edit distance / reference length (spaces count as
    characters), after the ``normalize`` steps; other rules as :func:`word_error_rate`."""
    resolve_steps(normalize)
    hyp = apply_steps(prediction or "", normalize)
    refs = [apply_steps(t, normalize) for t in as_targets(target)]
    return min((_error_rate(hyp, ref) for ref in refs), default=1.0)


def numeric_tolerance(
    prediction: str | None,
    target: Any,
    doc: Mapping[str, Any],
    *,
    rel_tol: float = 1e-6,
    abs_tol: float = 0.0,
) -> float:
    """1.0 when prediction and an accepted answer are each one number (parsed like the ``number``
    extractor: commas, units, ``$``, ``%``, ``\\frac`` allowed) and ``math.isclose(pred, target,
    rel_tol, abs_tol)``; else 0.0 (also when either side is not exactly one number)."""
    if rel_tol < 0 or abs_tol < 0:
        raise ConfigError("numeric_tolerance: 'rel_tol' and 'abs_tol' must be >= 0.")
    pred = parse_number(prediction)
    if pred is None:
        return 0.0
    golds = [parse_number(t) for t in as_targets(target)]
    return float(
        any(g is not None and math.isclose(pred, g, rel_tol=rel_tol, abs_tol=abs_tol) for g in golds)
    )
