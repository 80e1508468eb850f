"""Per-sample metrics: ``fn(prediction, target, doc, **args) -> float``.

The benchmark protocols live in their own modules and are re-exported here under their old names:
``anls`` and ``levenshtein`` (:mod:`lmms_eval.scoring.anls`), ``relaxed_accuracy``
(:mod:`lmms_eval.scoring.chartqa`), ``vqa_accuracy`` (:mod:`lmms_eval.scoring.vqa`).

``prediction`` is the extractor's output (None: extraction failed, scored as wrong - 0.0, or the worst
value for error rates). ``target`` is one accepted answer or a list of them; unless a metric says
otherwise, the sample scores its best value over the accepted answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.anls import anls, levenshtein
from lmms_eval.scoring.chartqa import relaxed_accuracy
from lmms_eval.scoring.extractors import parse_number
from lmms_eval.scoring.normalize import apply_steps, resolve_steps
from lmms_eval.scoring.vqa import vqa_accuracy

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
