"""ScreenSpot-Pro's click test against its official code, and 0.7.3's point parser.

``fixtures/screenspot_pro_official_cases.jsonl`` (216 cases: 16 written by hand at the edges, the borders,
pixels, percentages, tags, swapped boxes, no point; 200 random with seed 7) was generated outside the
repository, under /tmp: ``eval_sample_positive_gt`` of ``eval_screenspot_pro.py`` from
github.com/likaixin2000/ScreenSpot-Pro-GUI-Grounding at commit bd8bbbb470fbc4fda2a4fa9ec90bd2572507794e
(taken out of the file with ``ast``, the rest of the file not run), given the point that lmms-eval 0.7.3's
``screenspot_pro/utils.py`` reads from each response (``_parse_point``, then divided by ``img_size`` when a
coordinate is above 1). Each line: ``bbox`` (pixels), ``img_size``, ``response``, 0.7.3's ``point`` and the
official ``correctness`` (``correct``, ``wrong``, ``wrong_format``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring.click_point import (
    extract_click_point,
    parse_click_point,
    point_in_box_accuracy,
    screenspot_pro_docs,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "screenspot_pro_official_cases.jsonl")
    .read_text()
    .splitlines()
]


def _doc(case: dict[str, Any]) -> dict[str, Any]:
    (doc,) = screenspot_pro_docs([{"bbox": case["bbox"], "img_size": case["img_size"], "ui_type": "text"}])
    return doc


def test_case_count() -> None:
    assert len(CASES) == 216
    assert {c["correctness"] for c in CASES} == {"correct", "wrong", "wrong_format"}


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_matches_official(case: dict[str, Any]) -> None:
    doc = _doc(case)
    extracted = extract_click_point(case["response"], doc)
    assert (json.loads(extracted) if extracted is not None else None) == case["point"]
    score = point_in_box_accuracy(extracted, json.dumps(doc["bbox_norm"]), doc)
    assert score == float(case["correctness"] == "correct"), case


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("[0.2, 0.3]", (0.2, 0.3)),
        ("(0.2 0.3)", (0.2, 0.3)),
        ("[20%, 30%]", (0.2, 0.3)),
        ("<BBOX x>0.1, 0.2, 0.3, 0.4</bbox> and [0.9, 0.9]", (0.2, 0.30000000000000004)),
        ("<bbox>0.1 0.2</bbox> [0.9, 0.8]", (0.9, 0.8)),  # a tag with under four numbers: skipped
        ("'X' = 0.5 then 'y': 0.25", (0.5, 0.25)),
        ("rect 0.1 0.2 0.3 0.4", (0.2, 0.30000000000000004)),
        ("0.1 0.2 0.3 0.4", (0.1, 0.2)),  # four numbers without a box word: the first two
        ("[0.1, 0.2, 0.3, 0.4]", (0.1, 0.2)),  # a box without a box word: its first two numbers
        ("nothing here 7", None),
    ],
)  # expected values: 0.7.3's _parse_point on the same texts (checked under /tmp)
def test_parse_click_point(text: str, point: tuple[float, float] | None) -> None:
    assert parse_click_point(text) == point


def test_pixels_without_a_size_stay_pixels() -> None:
    """ScreenSpot-v2's dataset has no size: 0.7.3 divides a pixel point by 1 (its quirk)."""
    assert extract_click_point("[200, 300]", {}) == "[200.0, 300.0]"
    assert extract_click_point("[200, 300]", {"image_width": 400, "image_height": 600}) == "[0.5, 0.5]"
    assert extract_click_point("[200, 300]", {"img_size": "[1000, 1000]", "image_width": 1}) == "[0.2, 0.3]"
