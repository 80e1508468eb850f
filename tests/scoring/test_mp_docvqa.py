"""MP-DocVQA ANLS and accuracy (lmms_eval.scoring.mp_docvqa) against the official framework.

``fixtures/mp_docvqa_official_cases.jsonl`` holds 525 cases (25 written by hand: case, surrounding and inner
spaces, tabs, ``none``, empty strings, ``ß``/``İ``/``ﬁ`` whose case mapping changes the length, the 0.5
threshold, several answers; 500 seeded random strings with edits). The expected scores were produced outside
this repository by running ``Evaluator(case_sensitive=False).get_metrics([answers], [prediction])`` of
``metrics.py`` from github.com/rubenpt91/MP-DocVQA-Framework at commit
7939f521fe5a82a442f54831b1c0e96daab331d9 unmodified (``editdistance`` 0.8 installed from PyPI), reading its
``accuracy`` and ``anls``. Both must agree exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.mp_docvqa import answer_list, mp_docvqa_accuracy, mp_docvqa_anls, prepare_docs

FIXTURE = Path(__file__).parent / "fixtures" / "mp_docvqa_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]
DOC: dict[str, Any] = {}


def test_agrees_with_the_official_evaluator_on_every_case() -> None:
    assert len(CASES) == 525
    assert sum(0 < c["anls"] < 1 for c in CASES) > 100
    disagreements = [
        c
        for c in CASES
        if mp_docvqa_anls(c["prediction"], c["answers"], DOC) != c["anls"]
        or mp_docvqa_accuracy(c["prediction"], c["answers"], DOC) != c["accuracy"]
    ]
    assert disagreements == []


@pytest.mark.parametrize(
    "prediction, target, anls, accuracy",
    [
        ("Alberto", ["Alberto"], 1.0, 1.0),
        ("  abd  ", ["abc"], 1 - 1 / 3, 0.0),  # stripped before measuring, unlike DocVQA's script
        ("a  b", ["a b"], 0.75, 0.0),  # inner spaces kept
        ("None", ["none"], 0.0, 0.0),  # "none" never scores
        ("   ", [""], 0.0, 1.0),  # an empty prediction: no ANLS, yet it equals an empty answer
        ("abcd", ["abef"], 0.5, 0.0),  # similarity exactly 0.5 counts
        ("x", [], 0.0, 0.0),
        (None, ["x"], 0.0, 0.0),
        ("Dr. Lobo", "['Lobo', 'dr. lobo']", 1.0, 1.0),  # the hub's list text
    ],
)
def test_hand_cases(prediction: str | None, target: Any, anls: float, accuracy: float) -> None:
    assert mp_docvqa_anls(prediction, target, DOC) == pytest.approx(anls)
    assert mp_docvqa_accuracy(prediction, target, DOC) == accuracy


def test_registered() -> None:
    assert METRICS.get("mp_docvqa_anls") is mp_docvqa_anls
    assert METRICS.get("mp_docvqa_accuracy") is mp_docvqa_accuracy


def test_prepare_docs() -> None:
    doc = {
        "answers": "['a', 'b']",
        "image_1": "p1",
        "image_2": "p2",
        "image_3": None,
        **{f"image_{i}": None for i in range(4, 21)},
    }
    (out,) = prepare_docs([doc])
    assert out["answer_list"] == ["a", "b"] and out["images"] == ["p1", "p2"]
    assert answer_list(None) == [] and answer_list("") == [] and answer_list(["x", None]) == ["x"]
