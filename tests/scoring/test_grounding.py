"""Grounding scorers (lmms_eval.scoring.grounding) against the protocol they follow: lmms-eval 0.7.3's REC
code (``lmms_eval/tasks/refcoco/utils_rec.py``, identical in ``refcoco+/`` and ``refcocog/``, and
``lmms_eval/tasks/screenspot/utils_rec.py``, installed from the 0.7.3 release) and SeeClick's click test
(``pretrain/screenspot_test.py`` of github.com/njucckevin/SeeClick at commit
0ef37ac4d7aaf37ba7b990e3e3c3ca77e1fb8f93: ``bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]``, the
expression of 0.7.3's ``compute_center_accuracy``).

``fixtures/grounding_official_cases.jsonl`` holds 706 cases: a response, the annotated box ``gt`` and, for the
RefCOCO and the ScreenSpot parser, 0.7.3's outputs ``[parsed box, IoU (null where compute_iou raised
ZeroDivisionError), [IoU >= 0.1, 0.3, 0.5, 0.7, 0.9], centre in box]``. They were made by a generator script
outside this repository that imports 0.7.3's modules (its ``parse_float_sequence_within``, ``compute_iou``,
``compute_accuracy``, ``compute_center_accuracy``) over seeded random boxes (near, equal, random and shifted
predictions; boxes touching the top-left corner) written in many forms (2 or 3 decimals, full floats, a 0-1000
grid, pixels, negative numbers, ``[..]``, ``(..)``, ``[..)``, spaces before commas, ``+``, newlines, three or
five numbers, two boxes, JSON, swapped corners, no box) plus six hand-made boxes with zero, negative and
swapped areas. ``fixtures/grounding_official_refcoco_docs.json`` holds 40 synthetic rows (image size, COCO
box, 0 to 3 expressions) and the docs 0.7.3's ``refcoco_bbox_rec_preprocess_dataset`` made of them (a
``datasets.Dataset`` with a float32 ``bbox`` column and PNG images of those sizes, as the Hub's RefCOCO).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import EXTRACTORS, METRICS
from lmms_eval.scoring.grounding import (
    box_center_accuracy,
    box_iou,
    box_iou_accuracy,
    box_iou_metric,
    center_in_box,
    extract_refcoco_box,
    extract_screenspot_box,
    parse_refcoco_box,
    parse_screenspot_box,
    refcoco_rec_docs,
    screenspot_docs,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9)
PARSERS = {
    "refcoco": (parse_refcoco_box, extract_refcoco_box),
    "screenspot": (parse_screenspot_box, extract_screenspot_box),
}


def _cases() -> list[dict[str, Any]]:
    lines = (FIXTURES / "grounding_official_cases.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines]


def test_agrees_with_lmms_eval_0_7_3_on_every_recorded_case() -> None:
    cases = _cases()
    assert len(cases) == 706
    assert (
        sum(c["refcoco"][2][2] is True for c in cases) > 50 and sum(c["screenspot"][3] for c in cases) > 100
    )
    wrong = []
    for case in cases:
        for name, (parse, extract) in PARSERS.items():
            box, iou, accs, center = case[name]
            if iou is None:  # 0.7.3 raised ZeroDivisionError: scored 0 here
                iou, accs = 0.0, [False] * 5
            pred = extract(case["response"], {})
            got = [
                parse(case["response"]),
                box_iou_metric(pred, case["gt"], {}),
                [box_iou_accuracy(pred, case["gt"], {}, threshold=t) == 1.0 for t in THRESHOLDS],
                box_center_accuracy(pred, case["gt"], {}) == 1.0,
            ]
            if got != [box, iou, accs, center]:
                wrong.append((name, case["response"], got, case[name]))
    assert not wrong, f"{len(wrong)} disagreements, e.g. {wrong[:3]}"


def _png(size: tuple[int, int]) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, format="PNG")
    return buf.getvalue()


def test_refcoco_docs_as_lmms_eval_0_7_3_makes_them() -> None:
    fixture = json.loads((FIXTURES / "grounding_official_refcoco_docs.json").read_text(encoding="utf-8"))
    rows = [
        {"question_id": r["question_id"], "image": {"bytes": _png(tuple(r["size"])), "path": None},
         "answer": r["answer"], "bbox": r["bbox"]}
        for r in fixture["rows"]
    ]  # fmt: skip
    docs = refcoco_rec_docs(rows)
    assert [{k: d[k] for k in ("question_id", "answer", "bbox")} for d in docs] == fixture["docs"]
    assert len({d["doc_key"] for d in docs}) == len(docs) == 56
    assert docs[0]["doc_key"].endswith("_0")
    twice = refcoco_rec_docs([rows[1], rows[1]])  # a repeated question_id still gives unique ids
    assert [d["doc_key"] for d in twice] == ["1001_0", "1001.1_0"]


@pytest.mark.parametrize(
    "text, refcoco, screenspot",
    [
        ("[0.1, 0.2, 0.3, 0.4]", [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]),
        ("(0.1, 0.2, 0.3, 0.4)", [0, 0, 0, 0], [0.1, 0.2, 0.3, 0.4]),
        ("[100, 200, 300, 400]", [100.0, 200.0, 300.0, 400.0], [0.1, 0.2, 0.3, 0.4]),  # 0-1000 grid
        ("[0.1 , 0.2, 0.3, 0.4]", [0, 0, 0, 0], [0, 0, 0, 0]),  # a space before a comma
        ("[.1, 0.2, 0.3, 0.4]", [0, 0, 0, 0], [0, 0, 0, 0]),
        ("no box", [0, 0, 0, 0], [0, 0, 0, 0]),
    ],
)
def test_parsers(text: str, refcoco: list[float], screenspot: list[float]) -> None:
    assert parse_refcoco_box(text) == refcoco
    assert parse_screenspot_box(text) == pytest.approx(screenspot)


def test_geometry() -> None:
    assert box_iou([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    assert box_iou([0, 0, 2, 1], [1, 0, 2, 1]) == 0.5
    assert box_iou([0.0, 0.0, 0.5, 0.5], [0.0, 0.0, 0.5, -0.5]) == 0.0  # union 0: 0.7.3 raises
    assert center_in_box([0, 0, 1, 1], [1, 1, 1, 1])  # borders count
    assert center_in_box([0.0, 0.0, 0.5, 0.5], [0, 0, 0, 0])  # the no-box fallback clicks at (0, 0)
    assert not center_in_box([0.1, 0.0, 0.5, 0.5], [0, 0, 0, 0])
    assert box_iou_accuracy(None, [0, 0, 1, 1], {}) == box_center_accuracy(None, [0, 0, 1, 1], {}) == 0.0
    assert box_iou_accuracy("[0, 0, 1, 1]", "[0, 0, 2, 1]", {}, threshold=0.5) == 1.0


def test_screenspot_groups() -> None:
    docs = screenspot_docs(
        [{"data_source": "ios", "data_type": "text"}, {"data_source": "windows", "data_type": "icon"},
         {"data_source": "gitlab", "data_type": "icon"}]
    )  # fmt: skip
    assert [d["platform_type"] for d in docs] == ["mobile_text", "desktop_icon", "web_icon"]


def test_registered() -> None:
    assert EXTRACTORS.get("refcoco_box") is extract_refcoco_box
    assert EXTRACTORS.get("screenspot_box") is extract_screenspot_box
    assert METRICS.get("box_iou") is box_iou_metric
    assert METRICS.get("box_iou_accuracy") is box_iou_accuracy
    assert METRICS.get("box_center_accuracy") is box_center_accuracy
