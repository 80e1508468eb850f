"""AIR-Bench foundation's official choice reading against the official script.

``fixtures/air_bench_official_cases.jsonl``: github.com/OFA-Sys/AIR-Bench ``score_foundation.py`` (commit
983247666e2a25519b5c122810c2bcd91f26fd8d) run, outside this repository, on a one-line result file per case
(11 questions with 2 to 4 choices, 53 messy responses each): 583 cases, whose official outcome is "correct",
"wrong" or "fail" (not read: the script leaves those out of its denominator, as ``air_bench_accuracy`` does;
plain exact match counts them wrong)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.scoring.air_bench import air_bench_accuracy, air_bench_outcome, extract_air_bench_answer

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "air_bench_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def _outcome(case: dict) -> str:
    letter = extract_air_bench_answer(case["prediction"], {})
    if letter is None:
        return "fail"
    return "correct" if letter == "ABCD"[case["choices"].index(case["answer_gt"])] else "wrong"


def test_agrees_with_the_official_script_on_every_case() -> None:
    outcomes = [c["official"] for c in CASES]
    assert (len(CASES), outcomes.count("correct"), outcomes.count("fail")) == (583, 155, 315)
    assert [c for c in CASES if _outcome(c) != c["official"]] == []


@pytest.mark.parametrize(
    ("response", "letter"),
    [("B", "B"), ("Bird", "B"), ("The answer is A.", "A"), ("The answer is A", None), ("None", None),
     ("", None), ("\nC\n", "C"), ("(D)", "D"), ("a", None)],
)  # fmt: skip
def test_rule(response: str, letter: str | None) -> None:
    assert extract_air_bench_answer(response, {}) == letter


def test_official_score_leaves_unread_responses_out() -> None:
    codes = np.array(
        [air_bench_outcome(extract_air_bench_answer(c["prediction"], {}), _letter(c), {}) for c in CASES]
    )
    outcomes = [c["official"] for c in CASES]
    expected = outcomes.count("correct") / (outcomes.count("correct") + outcomes.count("wrong"))
    assert air_bench_accuracy(codes)[0] == pytest.approx(expected)
    values, counts = np.unique(codes, return_counts=True)
    assert air_bench_accuracy.from_counts(values, None, counts[None, :])[0] == pytest.approx(expected)  # type: ignore[attr-defined]
    assert np.isnan(air_bench_accuracy(np.array([-1.0, -1.0]))[0])


def _letter(case: dict) -> str:
    return "ABCD"[case["choices"].index(case["answer_gt"])]
