"""Medical VQA matching (SLAKE, VQA-RAD, PathVQA) against lmms-eval 0.7.3's SLAKE code
(``lmms_eval/tasks/slake/utils.py`` of lmms-eval 0.7.3, see lmms_eval/scoring/medvqa.py).

``fixtures/medvqa_official_cases.jsonl`` was made by a generator script kept outside the repository, run in a
venv with lmms-eval 0.7.3 installed: it imported that module unchanged and called ``slake_process_results``
for every pair of 27 reference answers (English and Chinese, yes/no, modalities with "X-Ray" and "T2(MRI)",
multi-word organs, a parenthesised part) and 60 messy responses ("Yes, there is.", "YES!", "是的。", "（左）肺",
"MRI (T2)", "brain-edema", "**Liver**", "(a (b) c) abdomen", an empty and a missing response), 1,620 lines,
keeping both normalized strings and the verdict.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.medvqa import add_answer_type, normalize_medvqa_answer

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "medvqa_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_normalization_matches_lmms_eval_073() -> None:
    rows = _rows()
    assert len(rows) == 1620
    assert [r for r in rows if normalize_medvqa_answer(r["response"]) != r["prediction_normalized"]] == []
    assert [r for r in rows if normalize_medvqa_answer(r["answer"]) != r["target_normalized"]] == []


def test_verdicts_match_lmms_eval_073() -> None:
    metric = METRICS.get("medvqa_exact_match")
    rows = _rows()
    assert [r for r in rows if metric(r["response"], r["answer"], {}) != float(r["correct"])] == []
    assert sum(r["correct"] for r in rows) == 80


def test_quirks() -> None:
    metric = METRICS.get("medvqa_exact_match")
    assert metric("Yes, there is.", "Yes", {}) == 0.0  # a whole-answer match only
    assert metric("是的。", "yes", {}) == 1.0
    assert metric("X-ray", "X-Ray", {}) == 1.0 and metric("chest x ray", "Chest X-Ray", {}) == 1.0
    assert normalize_medvqa_answer("(a (b) c) abdomen") == "c abdomen"  # no nesting
    assert metric(None, "", {}) == 1.0 and metric(None, "no", {}) == 0.0


def test_answer_type() -> None:
    docs = add_answer_type([{"answer": " Yes"}, {"answer": "no"}, {"answer": "left lung"}, {"answer": None}])
    assert [d["answer_type"] for d in docs] == ["closed", "closed", "open", "open"]
