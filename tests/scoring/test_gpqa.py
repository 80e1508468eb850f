"""GPQA (cot_zeroshot) option cleaning and both answer scores against lmms-eval 0.7.3's own code.

``fixtures/gpqa_official_cases.jsonl`` was made by running, outside this repository, lmms-eval 0.7.3 (PyPI
``lmms-eval==0.7.3``): ``RegexFilter`` and ``MultiChoiceRegexFilter`` (``lmms_eval/filters/extraction.py``)
and ``exact_match_hf_evaluate`` (``lmms_eval/api/metrics.py``) with the settings of
``lmms_eval/tasks/gpqa/cot_zeroshot/_gpqa_cot_zeroshot_yaml``, on 392 messy responses ("The answer is (X).",
lower-case letters, "Answer: x", option texts, several answers, none) to questions with four options drawn
from a pool of awkward texts (punctuation, brackets, Greek, empty, letters); and its ``preprocess``
(``cot_zeroshot/utils.py``) on 10 raw options (the lines with ``option``).
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.gpqa import (
    add_shuffled_choices,
    flexible_answer,
    gpqa_flexible_match,
    gpqa_strict_match,
    preprocess,
    strict_answer,
)

LINES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "gpqa_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
CASES = [c for c in LINES if "response" in c]
OPTIONS = [c for c in LINES if "option" in c]


def test_filters_and_scores_agree_with_the_official_code() -> None:
    assert len(CASES) == 392
    assert (sum(c["strict_match"] for c in CASES), sum(c["flexible_match"] for c in CASES)) == (38, 174)
    wrong = []
    for c in CASES:
        doc = {"choices": c["choices"]}
        got = (
            strict_answer(c["response"]),
            flexible_answer(c["response"], c["choices"]),
            gpqa_strict_match(c["response"], c["answer"], doc),
            gpqa_flexible_match(c["response"], c["answer"], doc),
        )
        if got != (c["strict"], c["flexible"], c["strict_match"], c["flexible_match"]):
            wrong.append((c, got))
    assert wrong == []


def test_preprocess_agrees_with_the_official_code() -> None:
    assert len(OPTIONS) == 10
    assert [preprocess(c["option"]) for c in OPTIONS] == [c["preprocessed"] for c in OPTIONS]


def test_options_are_shuffled_by_record_id() -> None:
    doc = {"Record ID": "rec1", "Correct Answer": "right ", "Incorrect Answer 1": "w1",
           "Incorrect Answer 2": "w2", "Incorrect Answer 3": "w3"}  # fmt: skip
    (a,) = add_shuffled_choices([doc])
    (b,) = add_shuffled_choices([dict(doc)])
    assert a["choices"] == b["choices"] and sorted(a["choices"]) == ["right", "w1", "w2", "w3"]
    assert a["answer"] == f"({'ABCD'[a['choices'].index('right')]})" and a["choice1"] == a["choices"][0]
    orders = {tuple(add_shuffled_choices([{**doc, "Record ID": f"r{i}"}])[0]["choices"]) for i in range(40)}
    assert len(orders) > 10
