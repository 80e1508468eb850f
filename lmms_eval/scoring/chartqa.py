"""ChartQA relaxed accuracy (Masry et al., 2022, "ChartQA", end of Sec. 5.1: a numeric answer is correct
within 5% of the gold answer, any other answer needs an exact match). ChartQA's repository ships no scorer;
the reference implementation that the later literature and lmms-eval use (via Qwen-VL's ``evaluate_vqa.py``)
is ``relaxed_correctness`` in ``pix2struct/metrics.py`` of https://github.com/google-research/pix2struct
(file at commit 42e24278b0cc53833bc47bf47d8090b9d3d76775), re-implemented here (:func:`relaxed_accuracy`).

Rule, on the strings as given (the extractor decides what the answer string is; nothing is stripped here):

- a string is a number when Python's ``float()`` reads it, after removing *all* trailing ``%`` signs, which
  divide it by 100: ``"12%"`` is 0.12, ``"12 %"`` too (``float`` ignores surrounding whitespace), ``"1,234"`` and
  ``"$5"`` are not numbers, while ``"1e3"``, ``"1_000"``, ``"inf"``, ``"nan"`` and full-width digits are;
- when both are numbers and the target is non-zero: correct iff ``|p - t| / |t| <= 0.05`` (so ``nan`` is
  never correct, nor is ``inf`` against ``inf``);
- otherwise (either is not a number, or the target is 0): case-insensitive string equality
  (``"0.0"`` is wrong against ``"0"``).

With several accepted answers the best one counts (pix2struct's ``aggregate_metrics``); ChartQA has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lmms_eval.core.errors import ConfigError

__all__ = ["relaxed_accuracy", "relaxed_correctness", "to_float"]


def to_float(text: str) -> float | None:
    """pix2struct's ``_to_float``: ``float(text)``, with trailing ``%`` signs meaning /100; None if unreadable."""
    try:
        return float(text.rstrip("%")) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        return None


def relaxed_correctness(target: str, prediction: str, max_relative_change: float = 0.05) -> bool:
    """One prediction against one answer (module docstring)."""
    prediction_float, target_float = to_float(prediction), to_float(target)
    if prediction_float is not None and target_float:
        return abs(prediction_float - target_float) / abs(target_float) <= max_relative_change
    return prediction.lower() == target.lower()


def relaxed_accuracy(
    prediction: str | None, target: Any, doc: Mapping[str, Any], *, tolerance: float = 0.05
) -> float:
    """1.0 when the prediction is relaxed-correct for an accepted answer (``tolerance``: the maximal relative
    change, 5% in ChartQA), else 0.0; a None prediction scores 0.0."""
    if tolerance < 0:
        raise ConfigError(f"relaxed_accuracy: 'tolerance' must be >= 0, got {tolerance!r}.")
    if prediction is None or target is None:
        return 0.0
    targets = target if isinstance(target, (list, tuple)) else [target]
    return float(any(relaxed_correctness(str(t), prediction, tolerance) for t in targets if t is not None))
