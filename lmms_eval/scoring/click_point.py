"""Click-point grounding (ScreenSpot-v2, ScreenSpot-Pro): the model answers one click point ``[x, y]``, right
when it lies in the element's annotated box.

- Reading the point (:func:`parse_click_point`, lmms-eval 0.7.3's ``_parse_point`` in
  ``tasks/screenspot_v2/utils.py`` and ``tasks/screenspot_pro/utils.py``, the same code): in this order,
  the centre of the first four numbers inside a ``<bbox ...>...</bbox>`` tag (when it holds at least four);
  the first ``[a, b]`` / ``(a b)`` pair (brackets may mix, a comma or whitespace between); ``x: a ... y: b``
  (``=`` too, quotes allowed, any case); when the text says ``bbox``/``box``/``rect`` (any case) and has at
  least four numbers, the centre of the first four; else the first two numbers anywhere; else nothing (the
  sample is wrong). A number is ``-?\\d+(\\.\\d+)?`` with an optional ``%`` (``50%`` reads 0.5).
- 0.7.3 then divides the point by the image's width and height when either coordinate is above 1
  (:func:`extract_click_point`): the width and height are ScreenSpot-Pro's ``img_size`` ``[w, h]``, else
  ``image_width``/``image_height``, else 1 (ScreenSpot-v2's dataset has neither, so a point in pixels stays in
  pixels there and misses, 0.7.3's quirk, kept).
- The test (:func:`click_in_box`) is ScreenSpot-Pro's official ``eval_sample_positive_gt``
  (``eval_screenspot_pro.py`` of github.com/likaixin2000/ScreenSpot-Pro-GUI-Grounding at commit
  bd8bbbb470fbc4fda2a4fa9ec90bd2572507794e, file last changed in 6ca3cf9079836452ef947ccd68a16393116d3405):
  the annotated box ``[x1, y1, x2, y2]`` in pixels divided by ``img_size`` (:func:`screenspot_pro_docs`),
  then ``x1 <= x <= x2 and y1 <= y <= y2``, borders included, no check of the box's order (a box with
  swapped corners contains no point). SeeClick's test, the same comparison on a point. 0.7.3 divides the
  box only when ``x2`` or ``y2`` is above 1; the official code always does (identical on real annotations).
  The official ``action_acc`` is the share correct over all samples, ``text_acc``/``icon_acc`` over those with
  that ``ui_type``, and an unreadable answer (``wrong_format``) counts as not correct.

Kept apart from :mod:`lmms_eval.scoring.grounding` (boxes) so that its changes do not touch the versions of the
box tasks; ScreenSpot-v2's platform grouping is :func:`lmms_eval.scoring.grounding.screenspot_docs`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import DataError
from lmms_eval.scoring.grounding import screenspot_docs

__all__ = [
    "click_in_box",
    "extract_click_point",
    "parse_click_point",
    "point_in_box_accuracy",
    "screenspot_pro_docs",
    "screenspot_v2_docs",
]

Box = list[float]

_TOKEN = r"-?\d+(?:\.\d+)?%?"
_BBOX_TAG = re.compile(r"<\s*bbox[^>]*>(.*?)<\s*/\s*bbox\s*>", re.IGNORECASE | re.DOTALL)
_POINT_PAIR = re.compile(rf"[\[\(]\s*({_TOKEN})\s*(?:,|\s)\s*({_TOKEN})\s*[\]\)]")
_XY_PAIR = re.compile(
    rf"['\"]?x['\"]?\s*[:=]\s*({_TOKEN}).*?['\"]?y['\"]?\s*[:=]\s*({_TOKEN})", re.IGNORECASE | re.DOTALL
)
_BOX_WORDS = ("bbox", "box", "rect", "rectangle")


# --- reading the predicted point ----------------------------------------------------------------------------


def _token(text: str) -> float:
    """A number of the point parser: ``50%`` is 0.5."""
    text = text.strip()
    return float(text[:-1]) / 100.0 if text.endswith("%") else float(text)


def _centre(tokens: Sequence[str]) -> tuple[float, float]:
    x1, y1, x2, y2 = (_token(t) for t in tokens[:4])
    return (x1 + x2) / 2.0, (y1 + y2) / 2.0


def parse_click_point(text: str) -> tuple[float, float] | None:
    """0.7.3's ``_parse_point``: the click ``(x, y)`` the text gives, else None (module docstring)."""
    tag = _BBOX_TAG.search(text)
    if tag:
        tokens = re.findall(_TOKEN, tag.group(1))
        if len(tokens) >= 4:
            return _centre(tokens)
    for pattern in (_POINT_PAIR, _XY_PAIR):
        match = pattern.search(text)
        if match:
            return _token(match.group(1)), _token(match.group(2))
    numbers = re.findall(_TOKEN, text)
    if len(numbers) >= 4 and any(word in text.lower() for word in _BOX_WORDS):
        return _centre(numbers)
    if len(numbers) >= 2:
        return _token(numbers[0]), _token(numbers[1])
    return None


def _size_pair(value: Any) -> tuple[int, int] | None:
    """0.7.3's ``_parse_img_size``: ``[w, h]`` (a list or its JSON text) with both above 0, else None."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            numbers = re.findall(r"\d+", value)
            value = numbers[:2] if len(numbers) >= 2 else None
    if isinstance(value, (list, tuple)) and len(value) == 2:
        width, height = int(value[0]), int(value[1])
        if width > 0 and height > 0:
            return width, height
    return None


def _doc_size(doc: Mapping[str, Any]) -> tuple[int, int]:
    """The (width, height) 0.7.3 divides a point in pixels by: ``img_size``, else ``image_width`` and
    ``image_height``, else (1, 1)."""
    size = _size_pair(doc.get("img_size"))
    if size is not None:
        return size
    if "image_width" in doc and "image_height" in doc:
        return int(doc["image_width"]), int(doc["image_height"])
    return 1, 1


def extract_click_point(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``click_point``: :func:`parse_click_point` as a JSON ``[x, y]``, divided by the image's size
    when a coordinate is above 1 (0.7.3); None when the text gives no point."""
    point = parse_click_point(text)
    if point is None:
        return None
    x, y = point
    if x > 1 or y > 1:
        width, height = _doc_size(doc)
        x, y = x / width, y / height
    return json.dumps([x, y])


# --- the test -----------------------------------------------------------------------------------------------


def click_in_box(gt: Sequence[float], point: Sequence[float]) -> bool:
    """ScreenSpot-Pro's official test: the point lies in the (normalised) box, borders included."""
    return bool(gt[0] <= point[0] <= gt[2] and gt[1] <= point[1] <= gt[3])


def _box(value: Any) -> Box:
    """A box from a list of 4 numbers or its JSON text."""
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise ValueError(f"a box is 4 numbers [x1, y1, x2, y2], got {value!r}")
    return [float(v) for v in value]


def point_in_box_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``point_in_box_accuracy``: 1.0 when the predicted click (an extractor's JSON ``[x, y]``) lies in
    the target box (normalised ``[x1, y1, x2, y2]``); 0.0 when no point was read."""
    if prediction is None:
        return 0.0
    point = json.loads(prediction)
    return float(click_in_box(_box(target), [float(point[0]), float(point[1])]))


# --- docs ---------------------------------------------------------------------------------------------------


def _numbers(value: Any) -> list[float]:
    """A list of numbers from a list or its JSON text (0.7.3's ``_parse_bbox``: else the first four numbers in
    the text, else ``[0, 0, 0, 0]``)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            found = re.findall(r"-?\d+(?:\.\d+)?", value)
            value = found[:4] if len(found) >= 4 else None
    if isinstance(value, (list, tuple)):
        return [float(v) for v in value]
    return [0.0, 0.0, 0.0, 0.0]


def _v2_box(bbox: Sequence[float], width: int, height: int) -> Box:
    """0.7.3's ScreenSpot-v2 ``_normalize_bbox_to_xyxy``: kept when already an ordered box in 0-1; else pixels,
    ``[x1, y1, x2, y2]`` when ordered, ``[x, y, w, h]`` otherwise."""
    if len(bbox) != 4:
        return [0.0, 0.0, 0.0, 0.0]
    x1, y1, x2, y2 = bbox
    if all(0 <= v <= 1 for v in bbox) and x2 >= x1 and y2 >= y1:
        return [x1, y1, x2, y2]
    if x2 > x1 and y2 > y1:
        return [x1 / width, y1 / height, x2 / width, y2 / height]
    return [x1 / width, y1 / height, (x1 + x2) / width, (y1 + y2) / height]


def screenspot_v2_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of ScreenSpot-v2: :func:`screenspot_docs` (platform, platform_type) plus ``bbox_norm``,
    the box as 0.7.3 reads it (:func:`_v2_box`; the dataset's boxes are already normalised, so unchanged)."""
    out = []
    for doc in screenspot_docs(docs):
        has_size = "image_width" in doc and "image_height" in doc
        width, height = (int(doc["image_width"]), int(doc["image_height"])) if has_size else (1, 1)
        out.append({**doc, "bbox_norm": _v2_box(_numbers(doc.get("bbox")), width, height)})
    return out


def screenspot_pro_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of ScreenSpot-Pro: ``bbox_norm``, the pixel box divided by ``img_size`` (the official
    ``eval_sample_positive_gt``), ``ui_type`` lower-cased (0.7.3; ``data_type`` when absent) and the official
    breakdown fields ``group``, ``application``, ``platform`` (``unknown`` when the dataset lacks one)."""
    out = []
    for doc in docs:
        size = _size_pair(doc.get("img_size"))
        if size is None:
            raise DataError(f"ScreenSpot-Pro: a doc has no usable img_size: {doc.get('img_size')!r}")
        width, height = size
        bbox = _numbers(doc.get("bbox"))
        x1, y1, x2, y2 = bbox if len(bbox) == 4 else [0.0, 0.0, 0.0, 0.0]  # 0.7.3: not 4 numbers, no box
        fields = {key: str(doc.get(key) or "unknown") for key in ("group", "application", "platform")}
        ui_type = str(doc.get("ui_type", doc.get("data_type", ""))).lower()
        box = [x1 / width, y1 / height, x2 / width, y2 / height]
        out.append({**doc, **fields, "ui_type": ui_type, "bbox_norm": box})
    return out
