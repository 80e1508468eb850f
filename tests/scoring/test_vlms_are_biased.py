"""VLMs Are Biased matching against lmms-eval 0.7.3's code (``lmms_eval/tasks/vlms_are_biased/utils.py``,
which the benchmark's README names its standardized evaluation; see lmms_eval/scoring/vlms_are_biased.py).

``fixtures/vlms_are_biased_official_cases.jsonl`` was made by a generator script kept outside the repository,
run in a venv with lmms-eval 0.7.3 installed: it imported that module unchanged and called
``vlms_are_biased_process_results`` for 10 (ground truth, expected bias) pairs (counts, "{4}"-style, Yes/No,
equal answers) times 34 messy responses ("The answer is {4}.", "There are 3 legs, so {4}", "{ 4 }", "{{4}}",
"**{3}**", "No, it's 4", "four", ""), 340 lines with its accuracy and bias_ratio.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring import EXTRACTORS, METRICS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "vlms_are_biased_official_cases.jsonl"


def test_cases_match_lmms_eval_073() -> None:
    rows = [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 340
    accuracy, bias = METRICS.get("vlms_are_biased_accuracy"), METRICS.get("vlms_are_biased_bias_ratio")
    read = EXTRACTORS.get("identity")
    mismatches = []
    for r in rows:
        doc = {"ground_truth": r["ground_truth"], "expected_bias": r["expected_bias"]}
        pred = read(r["response"], doc)
        got = (accuracy(pred, r["ground_truth"], doc), bias(pred, r["ground_truth"], doc))
        if got != (r["accuracy"], r["bias_ratio"]):
            mismatches.append((r, got))
    assert mismatches == []
    assert sum(r["accuracy"] for r in rows) == 38 and sum(r["bias_ratio"] for r in rows) == 44


def test_quirks() -> None:
    accuracy, bias = METRICS.get("vlms_are_biased_accuracy"), METRICS.get("vlms_are_biased_bias_ratio")
    doc = {"expected_bias": "3"}
    assert accuracy("{4}", "4", doc) == 1.0
    assert accuracy("There are 3 legs, so {4}", "4", doc) == 0.0  # digits "34"
    assert bias("It has 3 stripes", "4", doc) == 1.0
    yes_no = {"expected_bias": "No"}
    assert accuracy("{Yes}", "Yes", yes_no) == 1.0 and accuracy("Yes.", "Yes", yes_no) == 0.0
