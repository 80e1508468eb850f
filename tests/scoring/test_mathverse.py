"""MathVerse's one rule-based step against the official code (https://github.com/ZrrSkywalker/MathVerse at
commit 937b090597aeafb8e82b35d310a4bc5b9e2ea29d, ``evaluation/score_answer_s2.py`` ``match_answer`` with
``quick_match=True``, and the post-processing of an extraction in ``evaluation/extract_answer_s1.py``).

``fixtures/mathverse_official_cases.jsonl``: 600 cases (60 seeded problems of the repository's
``data/testmini_text_only.json`` x 10 responses: the answer, with spaces, a period, parentheses, a sentence,
``Extracted Answer:``, lower case, ``\\boxed{}``, empty, another letter). A generator script outside this
repository took each response as the extraction (``.replace('Extracted Answer: ', '').strip()``, as the
official step 1 treats GPT's output) and recorded the official ``match_answer(inst, None, quick_match=True)``
judgement. This is not the official MathVerse score (that needs GPT for both steps: see the module).
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring import EXTRACTORS, METRICS
from lmms_eval.scoring.mathverse import add_category_fields, extract_mathverse_quick, mathverse_quick_match

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mathverse_official_cases.jsonl"


def test_agrees_with_the_official_quick_match() -> None:
    cases = [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(cases) == 600 and sum(c["judgement"] for c in cases) == 199
    wrong = []
    for c in cases:
        extraction = extract_mathverse_quick(c["response"], {})
        judgement = mathverse_quick_match(extraction, c["answer"], {})
        if (extraction, judgement) != (c["extraction"], float(c["judgement"])):
            wrong.append((c, extraction, judgement))
    assert not wrong, wrong[:3]


def test_quick_match() -> None:
    assert mathverse_quick_match(extract_mathverse_quick(" B\n", {}), "B", {}) == 1.0
    assert mathverse_quick_match(extract_mathverse_quick("B.", {}), "B", {}) == 0.0
    assert mathverse_quick_match(None, "B", {}) == 0.0


def test_category_fields() -> None:
    (doc,) = add_category_fields([{"metadata": {"subject": "Plane Geometry", "subfield": "Angle"}}])
    assert (doc["subject"], doc["subfield"]) == ("Plane Geometry", "Angle")


def test_registered() -> None:
    assert EXTRACTORS.get("mathverse_quick") is extract_mathverse_quick
    assert METRICS.get("mathverse_quick_match") is mathverse_quick_match
