"""OCRBench v2's rule-based scoring against the official code.

``fixtures/ocrbench_v2_official_cases.jsonl`` was made by running, outside this repository, the official code
of github.com/Yuliang-Liu/MultimodalOCR@794c36d6423cf1d5764081128bcaeb46b240def6 (``OCRBench_v2/eval_scripts``):
``vqa_metric.py`` as it is (its unused ``ipdb`` import stubbed) and the per-item if/elif chain of
``eval.py``'s ``process_predictions`` loop (taken with ``ast``, executed on one item per case; an item with
``eval`` "None" was given no ``eval`` key, as in the official JSON). Cases: messy responses for every
rule-scored type and evaluation method (English and Chinese VQA, multiple choice, case sensitive, counting by
exact match and regression, formula recognition): 527 cases, one of them an official error (an unknown
``eval``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.ocrbench_v2 import NOT_SCORED, SCORED, levenshtein_distance, ocrbench_v2_score

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "ocrbench_v2_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def _doc(case: dict) -> dict:
    return {
        "type": case["type"],
        "question": case["question"],
        "answers": case["answers"],
        "eval": case["eval"],
    }


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert (len(CASES), sum("error" in c for c in CASES)) == (527, 1)
    wrong = []
    for case in CASES:
        if "error" in case:
            with pytest.raises(ValueError):
                ocrbench_v2_score(case["response"], case["answers"], _doc(case))
            continue
        score = ocrbench_v2_score(case["response"], case["answers"], _doc(case))
        if score != pytest.approx(case["score"], abs=1e-12):
            wrong.append((case, score))
    assert wrong == []


@pytest.mark.parametrize(
    ("kind", "answers", "method", "response", "score"),
    [
        ("text recognition en", ["Hello World"], "None", "The text says: HELLO WORLD.", 1.0),
        ("science QA en", ["B"], "multiple choice", "(B).", 1.0),
        ("science QA en", ["B"], "multiple choice", "Answer: B", 0.0),  # the letters "AnswerB"
        ("text counting en", ["three"], "exact match", "Three", 0.0),  # the raw response, not lower-cased
        ("text counting en", ["5"], "regression", "There are 4 or 5", 0.8),  # the first number
        ("formula recognition cn", ["x^2"], "None", "NaN", 0.0),
    ],
)
def test_quirks(kind: str, answers: list[str], method: str, response: str, score: float) -> None:
    doc = {"type": kind, "question": "Q?", "answers": answers, "eval": method}
    assert ocrbench_v2_score(response, answers, doc) == pytest.approx(score)


def test_unscored_types_are_refused() -> None:
    assert not SCORED & NOT_SCORED and len(SCORED | NOT_SCORED) == 30  # the official list of 30 types
    with pytest.raises(ValueError, match="not scored"):
        ocrbench_v2_score("x", ["x"], {"type": "text spotting en", "answers": ["x"], "eval": "None"})


def test_levenshtein() -> None:
    assert levenshtein_distance("kitten", "sitting") == 3
    assert levenshtein_distance("", "abc") == 3
