"""LVBench's letter reading (lmms-eval 0.7.3's ``extract_mcq_answer``) against lmms-eval 0.7.3's own.

``fixtures/lvbench_official_cases.jsonl``: ``extract_mcq_answer`` of lmms-eval 0.7.3
(``lmms_eval/tasks/_task_utils/mcq_extract.py`` in the PyPI wheel lmms_eval-0.7.3-py3-none-any.whl, the
function ``lvbench/utils.py`` calls), run outside this repository on 101 hand-written messy responses (letters
in brackets, bold, answer phrases in several languages, letters inside words, refusals, empty) and 700
generated from templates (seeded), each with the choices A-D and A-E: 1602 cases, 303 read as nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.lvbench import extract_lvbench_answer, read_mcq_letter

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "lvbench_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_lmms_eval_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] == "" for c in CASES)) == (1602, 303)
    wrong = [c for c in CASES if (read_mcq_letter(c["response"], c["choices"]) or "") != c["official"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "letter"),
    [
        ("The answer is (B).", "B"),
        ("B. The man walks", "B"),  # a leading letter wins over everything
        ("I think the answer is not A but C.", "C"),  # letters after an answer phrase: the last one
        ("Not D. Answer is B", "B"),  # an answer phrase outranks "D."
        ("None of the above.", None),  # letters are matched case-sensitively
        ("Is it E?", None),  # E is no choice of LVBench
        ("", None),
    ],
)
def test_reading(response: str, letter: str | None) -> None:
    assert extract_lvbench_answer(response, {}) == letter
