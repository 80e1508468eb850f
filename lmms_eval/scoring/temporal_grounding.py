"""Temporal grounding (Charades-STA): a (start, end) span in seconds read from the response, scored against
the annotated span by temporal IoU; R@1 at IoU 0.3/0.5/0.7 and the mean IoU.

Protocol followed: lmms-eval 0.7.3's ``temporal_grounding_charades`` (github.com/EvolvingLMMs-Lab/lmms-eval,
release 0.7.3, ``lmms_eval/tasks/charades_sta/utils.py``: ``extract_time``, ``iou`` and
``_temporal_grounding_compute_metrics``), itself a revision of the TimeChat / VTimeLLM script shipped beside
it as ``eval_tvg.py``. Its rules, kept as they are:

Reading the span (:func:`parse_span`, 0.7.3's ``extract_time``):

- The response is lower-cased, the example sentence ``"a specific example is : 20.8 - 30.0 seconds"`` is
  removed, then every ``"to"`` becomes ``"-"`` (inside words too: ``"stove"`` -> ``"s-ve"``), and the text is
  split into sentences at ``!``, ``?`` and newlines (not at ``.``).
- Candidate sentences are those holding one of ``starts``, ``ends``, ``happens in``, ``start time``,
  ``end time``, ``start``, ``end``, ``happen`` (``"end"`` matches inside ``"friend"``); when none does, every
  sentence is a candidate (the difference from ``eval_tvg.py``, which then finds nothing).
- The first rule that finds something wins, each over the candidates in order:
  1. a clock range ``m:ss - m:ss`` (or ``h:mm:ss``, ``-`` or ``–``): every such range of the first sentence
     holding one, in seconds;
  2. a number range ``a - b`` (``-`` or ``–``): every such range of the first sentence holding one;
  3. clock times ``m:ss`` / ``h:mm:ss``: all of them across the candidates, paired in order (an odd last one
     dropped);
  4. the first plain number of each candidate, paired in order across candidates;
  5. a range with optional ``s`` units (never reached in practice: rule 2 already matches those).
- Only the first pair is kept, swapped when its end is not after its start (``end > start`` else
  ``[end, start]``). No pair: no span, IoU 0 (0.7.3 counts it a "bad prediction").

IoU (:func:`temporal_iou`, 0.7.3's ``iou(gt, pred)``): ``max(min(ends) - max(starts), 0)`` over
``max(ends) - min(starts)``, the "union" being the hull of the two spans; 0.0 when that is not positive.
``R@1 IoU=t`` is ``IoU >= t`` (one prediction per query), mIoU the mean IoU; 0.7.3 reports both x100.

Departure: 0.7.3 gathers the predictions in a dict keyed by ``video>>>caption>>>timestamp``, so rows of the
test split repeating all three are counted once (the last prediction kept); here every row counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import DataError

__all__ = [
    "extract_temporal_span",
    "parse_span",
    "temporal_iou",
    "temporal_iou_metric",
    "temporal_iou_recall",
]

Span = tuple[float, float]

_EXAMPLE = "a specific example is : 20.8 - 30.0 seconds"
_KEYWORDS = ("starts", "ends", "happens in", "start time", "end time", "start", "end", "happen")
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_CLOCK_RANGE = re.compile(rf"\b({_CLOCK})\s*[–-]\s*({_CLOCK})\b")
_NUMBER_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[–-]\s*(\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"\b(\d+(?:\.\d+)?)\b")
_CLOCK_TIME = re.compile(rf"\b({_CLOCK})\b")
_UNIT_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*s?\s*[–-]\s*(\d+(?:\.\d+)?)\s*s?")


def _seconds(clock: str) -> float:
    parts = [float(p) for p in clock.split(":")]
    if len(parts) == 3:
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    return parts[0] * 60 + parts[1]


def _candidates(text: str) -> list[str]:
    text = text.lower().replace(_EXAMPLE, "").replace("to", "-")
    sentences = re.split(r"[!?\n]", text)
    picked = [s for s in sentences if any(k in s for k in _KEYWORDS)]
    return picked or sentences


def _first_ranges(sentences: list[str], pattern: re.Pattern[str], convert: Any) -> list[Span]:
    for sentence in sentences:
        found = pattern.findall(sentence)
        if found:
            return [(convert(a), convert(b)) for a, b in found]
    return []


def _pairs(values: list[float]) -> list[Span]:
    values = values[: len(values) // 2 * 2]
    return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]


def parse_span(text: str) -> Span | None:
    """The predicted (start, end) in seconds, or None when the response holds none (module docstring)."""
    sentences = _candidates(text)
    spans = _first_ranges(sentences, _CLOCK_RANGE, _seconds)
    if not spans:
        spans = _first_ranges(sentences, _NUMBER_RANGE, float)
    if not spans:
        spans = _pairs([_seconds(t) for s in sentences for t in _CLOCK_TIME.findall(s)])
    if not spans:
        spans = _pairs([float(found[0]) for s in sentences if (found := _NUMBER.findall(s))])
    if not spans:
        spans = _first_ranges(sentences, _UNIT_RANGE, float)
    if not spans:
        return None
    start, end = spans[0]
    return (start, end) if end > start else (end, start)


def temporal_iou(gt: Sequence[float], pred: Sequence[float]) -> float:
    """0.7.3's ``iou(gt, pred)``: overlap over the hull of the two spans; 0.0 when the hull is empty."""
    hull = max(gt[1], pred[1]) - min(gt[0], pred[0])
    if hull <= 0:
        return 0.0
    return max(min(gt[1], pred[1]) - max(gt[0], pred[0]), 0) / hull


def extract_temporal_span(text: str, doc: Mapping[str, Any], **_: Any) -> str | None:
    """Extractor ``temporal_span``: the span read by :func:`parse_span` as JSON ``[start, end]``, or None."""
    span = parse_span(text)
    return None if span is None else json.dumps([span[0], span[1]])


_TARGET = re.compile(r"^\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*-\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$")


def _gt(target: Any) -> Span:
    """The annotated span: ``[start, end]`` (a list, or its JSON) or the text ``"start - end"``."""
    values = target.tolist() if hasattr(target, "tolist") else target
    if isinstance(values, str):
        found = _TARGET.match(values)
        values = [found.group(1), found.group(2)] if found else json.loads(values)
    if not isinstance(values, Sequence) or len(values) != 2:
        raise DataError(f"a temporal span target must be [start, end] or 'start - end', got {target!r}")
    return float(values[0]), float(values[1])


def _pred(prediction: str | None) -> Span | None:
    if not prediction:
        return None
    try:
        start, end = json.loads(prediction)
        return float(start), float(end)
    except (ValueError, TypeError):
        return None


def temporal_iou_metric(prediction: str | None, target: Any, doc: Mapping[str, Any], **_: Any) -> float:
    """Metric ``temporal_iou``: the IoU of the extracted span with the target (``[start, end]`` or
    ``"start - end"``); 0 for none."""
    pred = _pred(prediction)
    return 0.0 if pred is None else temporal_iou(_gt(target), pred)


def temporal_iou_recall(
    prediction: str | None, target: Any, doc: Mapping[str, Any], *, threshold: float = 0.5, **_: Any
) -> float:
    """Metric ``temporal_iou_recall``: 1.0 when the IoU is at least ``threshold`` (R@1, IoU=threshold)."""
    return float(temporal_iou_metric(prediction, target, doc) >= threshold)
