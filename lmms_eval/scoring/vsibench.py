"""VSI-Bench's official scoring: accuracy for multiple-choice questions, Mean Relative Accuracy (MRA) for
numeric ones, averaged per question type and then over the types.

Follows github.com/vision-x-nyu/thinking-in-space@51e089c3ae69b9435e9489058610f5b3964c56a8,
``lmms_eval/tasks/vsibench/utils.py`` (``fuzzy_matching``, ``exact_match``, ``mean_relative_accuracy``,
``to_float``, ``vsibench_process_results``, ``vsibench_aggregate_results``):

- the reply is cut to its first space-separated token with trailing periods removed
  (:func:`extract_vsibench_answer`; no stripping first, so a reply starting with a space reads as "");
- multiple choice (object_rel_direction_easy/medium/hard, object_rel_distance, route_planning,
  obj_appearance_order): 1 when that token equals the answer letter ignoring case;
- numeric (object_abs_distance, object_counting, object_size_estimation, room_size_estimation): the token as
  a float (``float()``; a token that is no number scores 0), and MRA = the share of the thresholds
  ``t`` in 0.50, 0.55, ..., 0.95 with ``|pred - gt| / gt <= 1 - t`` (the official code builds them as
  ``numpy.linspace(0.5, 0.95, int((0.95 - 0.5) / 0.05 + 2))``, 10 points once floating point truncates);
- overall (:func:`vsibench_overall`): the mean of the per-type means, where the three relative-direction
  types are first averaged into one (8 categories on the full benchmark). An aggregation sees only the
  scores, so the metric :func:`vsibench_code` tags each score with its question type (``2 * type index +
  score``) and the aggregation reads both back.

lmms-eval 0.7.3 reads numbers differently (the first number or number words anywhere in the reply); the
official rule is used here. ``tests/scoring/fixtures/vsibench_official_cases.jsonl`` holds the official
functions' scores on messy replies; ``tests/scoring/test_vsibench.py`` requires this module to agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "extract_vsibench_answer",
    "mean_relative_accuracy",
    "vsibench_code",
    "vsibench_overall",
    "vsibench_score",
]

MCA_QUESTION_TYPES = frozenset(
    {
        "object_rel_direction_easy",
        "object_rel_direction_medium",
        "object_rel_direction_hard",
        "object_rel_distance",
        "route_planning",
        "obj_appearance_order",
    }
)
NA_QUESTION_TYPES = frozenset(
    {"object_abs_distance", "object_counting", "object_size_estimation", "room_size_estimation"}
)
_DIRECTION_PREFIX = "object_rel_direction_"
#: every question type, in a fixed order (the index tags a sample's score in :func:`vsibench_code`)
QUESTION_TYPES = (
    "object_rel_direction_easy",
    "object_rel_direction_medium",
    "object_rel_direction_hard",
    "object_rel_distance",
    "route_planning",
    "obj_appearance_order",
    "object_abs_distance",
    "object_counting",
    "object_size_estimation",
    "room_size_estimation",
)
_THRESHOLDS = np.linspace(0.5, 0.95, int((0.95 - 0.5) / 0.05 + 2))


def extract_vsibench_answer(text: str, doc: Mapping[str, Any]) -> str:
    """The official ``fuzzy_matching``: the first space-separated token, trailing periods removed, stripped."""
    return text.split(" ")[0].rstrip(".").strip()


def _to_float(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def mean_relative_accuracy(pred: float, target: float) -> float:
    """The share of the 10 thresholds t (0.50 ... 0.95) with ``|pred - target| / target <= 1 - t``."""
    return float((abs(pred - target) / target <= 1 - _THRESHOLDS).mean())


def vsibench_score(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Accuracy (multiple choice) or MRA (numeric), by the doc's ``question_type``."""
    kind = doc["question_type"]
    if kind in MCA_QUESTION_TYPES:
        return float(prediction is not None and prediction.lower() == str(target).lower())
    if kind not in NA_QUESTION_TYPES:
        raise ValueError(f"unknown VSI-Bench question type: {kind!r}")
    pred, gt = _to_float(prediction), _to_float(target)
    if pred is None or gt is None:
        return 0.0
    return mean_relative_accuracy(pred, gt)


def vsibench_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """The sample's score tagged with its question type, for :func:`vsibench_overall`:
    ``2 * (index of the type in QUESTION_TYPES) + score`` (the score lies in [0, 1])."""
    return 2 * QUESTION_TYPES.index(doc["question_type"]) + vsibench_score(prediction, target, doc)


def vsibench_overall(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """The official overall from :func:`vsibench_code` values: the mean of the per-question-type means, the
    three relative-direction types weighing a third each (their mean is one category); one value per
    resample row. Over the samples of one type it is that type's mean score."""
    rows = np.asarray(scores, dtype=np.float64)
    rows = rows[None, :] if rows.ndim == 1 else rows
    kinds = np.floor(rows / 2).astype(np.int64)
    values = rows - 2 * kinds
    weighted = np.zeros(rows.shape[0])
    total = np.zeros(rows.shape[0])
    for index, kind in enumerate(QUESTION_TYPES):
        mask = kinds == index
        count = mask.sum(axis=1)
        mean = np.divide((values * mask).sum(axis=1), count, out=np.zeros(rows.shape[0]), where=count > 0)
        weight = (1 / 3 if kind.startswith(_DIRECTION_PREFIX) else 1.0) * (count > 0)
        weighted += weight * mean
        total += weight
    return np.divide(weighted, total, out=np.zeros(rows.shape[0]), where=total > 0)
