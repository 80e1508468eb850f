"""GSM8K's strict-match and flexible-extract scores against lm-evaluation-harness's own code.

``fixtures/gsm8k_official_cases.jsonl`` was made by running, outside this repository, the harness's
``RegexFilter`` (``lm_eval/filters/extraction.py``) and ``exact_match_hf_evaluate`` (``lm_eval/api/metrics.py``)
of github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163 with the settings of
``lm_eval/tasks/gsm8k/gsm8k.yaml``, on messy responses (``####`` lines, dollars, thousands commas, trailing
periods, several numbers, none) built from templates against GSM8K-style reference solutions: 1,138
(response, solution) pairs with each filter's answer and 0/1 score.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.gsm8k import flexible_answer, gsm8k_flexible_match, gsm8k_strict_match, strict_answer

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "gsm8k_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_harness_on_every_case() -> None:
    assert len(CASES) == 1138
    assert (sum(c["strict_match"] for c in CASES), sum(c["flexible_match"] for c in CASES)) == (52, 175)
    wrong = [
        c
        for c in CASES
        if strict_answer(c["response"]) != c["strict"]
        or flexible_answer(c["response"]) != c["flexible"]
        or gsm8k_strict_match(c["response"], c["answer"], {}) != c["strict_match"]
        or gsm8k_flexible_match(c["response"], c["answer"], {}) != c["flexible_match"]
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "strict", "flexible"),
    [
        ("She has 48 + 24 = 72 left.\n#### 72", 1.0, 1.0),
        ("#### 1,234.", 0.0, 0.0),  # the reference is 72
        ("So $72.\nThe answer is 72", 0.0, 1.0),
        ("#### 72\nThen 5 more", 1.0, 0.0),  # flexible takes the last number
        ("", 0.0, 0.0),
        (None, 0.0, 0.0),
    ],
)
def test_examples(response: str | None, strict: float, flexible: float) -> None:
    answer = "48 + 24 = <<48+24=72>>72\n#### 72"
    assert gsm8k_strict_match(response, answer, {}) == strict
    assert gsm8k_flexible_match(response, answer, {}) == flexible
