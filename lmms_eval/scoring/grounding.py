"""Visual grounding: a box predicted for a referring expression (RefCOCO, RefCOCO+, RefCOCOg) or a GUI
command (ScreenSpot), scored against the annotated box by IoU and by whether the predicted click point lies
in the box.

Protocol followed (cited per function):

- Parsing, IoU and the thresholds: lmms-eval 0.7.3's REC tasks, ``lmms_eval/tasks/refcoco/utils_rec.py`` (the
  same file in ``refcoco+/`` and ``refcocog/``) and ``lmms_eval/tasks/screenspot/utils_rec.py``
  (github.com/EvolvingLMMs-Lab/lmms-eval, release 0.7.3), whose task names, prompts and datasets these tasks
  use. IoU >= 0.5 is the accuracy of the REC literature (Yu et al. 2016, "Modeling Context in Referring
  Expressions"; Mao et al. 2016 for RefCOCOg); 0.7.3 also reports 0.1, 0.3, 0.7, 0.9 and the mean IoU.
- Point in box: SeeClick's ScreenSpot evaluation (``pretrain/screenspot_test.py`` of
  github.com/njucckevin/SeeClick at commit 0ef37ac4d7aaf37ba7b990e3e3c3ca77e1fb8f93, last changed in
  661ff1b2): a click is right when ``x1 <= x <= x2 and y1 <= y <= y2`` (borders included) in coordinates
  normalised by the image size; a predicted box clicks at its centre. 0.7.3's ``Center_ACC`` is the same
  test, and is the number the ScreenSpot paper reports.

Boxes are ``[x1, y1, x2, y2]`` (top-left, bottom-right) normalised to 0-1 by the image's width and height.
RefCOCO's annotations are COCO ``[x, y, w, h]`` in pixels: :func:`refcoco_rec_docs` converts them as 0.7.3
does (each coordinate divided by the image's size, then rounded to float32: 0.7.3 writes them back into the
dataset's float32 ``bbox`` column); ScreenSpot's (rootsautomation/ScreenSpot) are already normalised ``[x1, y1, x2, y2]``.

Reading the box from the response (0.7.3's ``parse_float_sequence_within``):

- RefCOCO (:func:`parse_refcoco_box`): the first ``[a, b, c, d]``: square brackets, four numbers written
  ``-?\\d+(\\.\\d+)?`` (no exponent, no leading ``.``, no ``+``), each comma directly after its number
  (``[0.1 , 0.2, ...]`` does not match), spaces allowed after a comma and inside the brackets. No rescaling:
  a box in pixels or on a 0-1000 grid is compared as it is (and scores 0).
- ScreenSpot (:func:`parse_screenspot_box`): the same with ``[...]`` or ``(...)`` (mixed ``[...)`` too); if
  any of the four numbers is above 1, all four are divided by 1000 (a 0-1000 grid), so a box in pixels is
  not read as pixels.
- When nothing matches, the box is ``[0, 0, 0, 0]``: not an error but a box with IoU 0, whose centre
  ``(0, 0)`` still counts as a click inside an annotated box that touches the image's top-left corner
  (0.7.3's quirk, kept).

IoU (:func:`box_iou`, 0.7.3's ``compute_iou(gt, pred)``): intersection ``max(0, dx) * max(0, dy)`` over
``area(gt) + area(pred) - intersection``, areas ``(x2 - x1) * (y2 - y1)`` as written, so a predicted box
with both corners swapped has a positive area (and no intersection), and one with a single axis swapped a
negative area. Where that union is 0 (0.7.3 raises ``ZeroDivisionError`` and the run stops) the IoU is 0.0:
the intersection is then 0 as well. ``acc@t`` is ``IoU >= t``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import DataError

__all__ = [
    "box_center_accuracy",
    "box_iou",
    "box_iou_accuracy",
    "box_iou_metric",
    "center_in_box",
    "extract_refcoco_box",
    "extract_screenspot_box",
    "parse_refcoco_box",
    "parse_screenspot_box",
    "refcoco_rec_docs",
    "screenspot_docs",
]

Box = list[float]

_NUM = r"(-?\d+(?:\.\d+)?)"
_REFCOCO_BOX = re.compile(rf"\[\s*{_NUM},\s*{_NUM},\s*{_NUM},\s*{_NUM}\s*\]")
_SCREENSPOT_BOX = re.compile(rf"[\[\(]\s*{_NUM},\s*{_NUM},\s*{_NUM},\s*{_NUM}\s*[\]\)]")
_NO_BOX: Box = [0, 0, 0, 0]


# --- reading the predicted box ------------------------------------------------------------------------------


def parse_refcoco_box(text: str) -> Box:
    """The first ``[a, b, c, d]`` in the text as floats, else ``[0, 0, 0, 0]`` (module docstring)."""
    match = _REFCOCO_BOX.search(text)
    return [float(match.group(i)) for i in range(1, 5)] if match else list(_NO_BOX)


def parse_screenspot_box(text: str) -> Box:
    """The first ``[a, b, c, d]`` or ``(a, b, c, d)`` as floats, divided by 1000 when one is above 1; else
    ``[0, 0, 0, 0]`` (module docstring)."""
    match = _SCREENSPOT_BOX.search(text)
    if not match:
        return list(_NO_BOX)
    box = [float(match.group(i)) for i in range(1, 5)]
    return [x / 1000 for x in box] if max(box) > 1 else box


def extract_refcoco_box(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``refcoco_box``: :func:`parse_refcoco_box` as a JSON list (never None: see the module doc)."""
    return json.dumps(parse_refcoco_box(text))


def extract_screenspot_box(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``screenspot_box``: :func:`parse_screenspot_box` as a JSON list (never None)."""
    return json.dumps(parse_screenspot_box(text))


# --- geometry -----------------------------------------------------------------------------------------------


def box_iou(gt: Sequence[float], pred: Sequence[float]) -> float:
    """0.7.3's ``compute_iou(gt, pred)`` (module docstring), 0.0 where its union is 0."""
    x_left, y_top = max(gt[0], pred[0]), max(gt[1], pred[1])
    x_right, y_bottom = min(gt[2], pred[2]), min(gt[3], pred[3])
    intersection = max(0, x_right - x_left) * max(0, y_bottom - y_top)
    gt_area = (gt[2] - gt[0]) * (gt[3] - gt[1])
    pred_area = (pred[2] - pred[0]) * (pred[3] - pred[1])
    union = gt_area + pred_area - intersection
    return float(intersection / union) if union != 0 else 0.0


def center_in_box(gt: Sequence[float], pred: Sequence[float]) -> bool:
    """SeeClick's test (0.7.3's ``compute_center_accuracy``): the centre of ``pred`` lies in ``gt``, borders
    included."""
    x, y = (pred[0] + pred[2]) / 2, (pred[1] + pred[3]) / 2
    return bool(gt[0] <= x <= gt[2] and gt[1] <= y <= gt[3])


# --- metrics ------------------------------------------------------------------------------------------------


def _as_box(value: Any) -> Box:
    """A box from a list of 4 numbers or its JSON text."""
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise ValueError(f"a box is 4 numbers [x1, y1, x2, y2], got {value!r}")
    return [float(v) for v in value]


def box_iou_metric(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``box_iou``: the IoU of the predicted box (an extractor's JSON list) with the target box."""
    return 0.0 if prediction is None else box_iou(_as_box(target), _as_box(prediction))


def box_iou_accuracy(
    prediction: str | None, target: Any, doc: Mapping[str, Any], *, threshold: float = 0.5
) -> float:
    """Metric ``box_iou_accuracy``: 1.0 when the IoU is at least ``threshold`` (REC accuracy at 0.5)."""
    return float(box_iou_metric(prediction, target, doc) >= threshold)


def box_center_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``box_center_accuracy``: 1.0 when the predicted box's centre (the click) lies in the target box."""
    if prediction is None:
        return 0.0
    return float(center_in_box(_as_box(target), _as_box(prediction)))


# --- docs ---------------------------------------------------------------------------------------------------


def _image_size(value: Any, task_hint: str) -> tuple[int, int]:
    """(width, height) of an Image column value (``{bytes, path}``), reading the header only."""
    from PIL import Image

    data = value.get("bytes") if isinstance(value, Mapping) else None
    path = value.get("path") if isinstance(value, Mapping) else value if isinstance(value, str) else None
    if data:
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    if path and Path(path).is_file():
        with Image.open(path) as img:
            return img.size
    raise DataError(f"{task_hint}: the image of a doc has neither bytes nor a readable path: {path!r}")


def _float32(value: float) -> float:
    """``value`` rounded to the nearest float32, as ``datasets`` stores a float32 column's new values."""
    import numpy as np

    return float(np.float32(value))


def refcoco_rec_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of the RefCOCO/RefCOCO+/RefCOCOg REC tasks, as 0.7.3's
    ``refcoco_bbox_rec_preprocess_dataset``: ``bbox`` (COCO ``[x, y, w, h]`` in pixels) becomes
    ``[x/W, y/H, (x+w)/W, (y+h)/H]`` rounded to float32 (0.7.3's ``Dataset.map`` writes the new values into
    the float32 ``bbox`` column), and each of a row's referring expressions (``answer``, a list) becomes
    a doc of its own with ``answer`` the one expression, in order. Each doc gets ``doc_key``
    ``<question_id>_<k>`` (k: the expression's position) as its id, and ``image_width``/``image_height``.
    Should a ``question_id`` come back on a later row, that row's keys are ``<question_id>.<n>_<k>`` (n: the
    n-th repeat), so the ids stay unique and stable."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for doc in docs:
        qid = str(doc["question_id"])
        repeat = seen.get(qid, -1) + 1
        seen[qid] = repeat
        key = qid if repeat == 0 else f"{qid}.{repeat}"
        width, height = _image_size(doc["image"], f"RefCOCO question {doc.get('question_id')}")
        x, y, w, h = (float(v) for v in doc["bbox"])
        box = [_float32(v) for v in (x / width, y / height, (x + w) / width, (y + h) / height)]
        for k, sentence in enumerate(doc["answer"] or []):
            out.append(
                {
                    **doc,
                    "answer": sentence,
                    "bbox": box,
                    "image_width": width,
                    "image_height": height,
                    "doc_key": f"{key}_{k}",
                }
            )
    return out


def _platform(data_source: str) -> str:
    """0.7.3's grouping of ScreenSpot sources (SeeClick's mobile/desktop/web test files)."""
    if "ios" in data_source or "android" in data_source:
        return "mobile"
    if "macos" in data_source or "windows" in data_source:
        return "desktop"
    return "web"


def screenspot_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of ScreenSpot: each doc with ``platform`` (mobile/desktop/web from ``data_source``) and
    ``platform_type`` (``<platform>_text`` or ``<platform>_icon``: every ``data_type`` but ``text`` counts as
    icon), the six groups 0.7.3 and SeeClick report."""
    out = []
    for doc in docs:
        platform = _platform(str(doc.get("data_source", "")))
        kind = "text" if doc.get("data_type") == "text" else "icon"
        out.append({**doc, "platform": platform, "platform_type": f"{platform}_{kind}"})
    return out
