"""MVBench's answer matching (lmms-eval 0.7.3's ``mcq_acc``) against the peer's code.

``fixtures/mvbench_official_cases.jsonl`` was made by running, outside this repository, ``mcq_acc`` of
lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``, ``lmms_eval/tasks/mvbench/utils.py``, imported from its own
environment) on 540 messy responses (letters in many forms, answer phrases, option texts, reasoning, other
scripts, empty ones, and 400 seeded random word salads), each with a reference letter A-E: its 0/1 score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.mvbench import mvbench_match, mvbench_process

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "mvbench_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_peer_code_on_every_case() -> None:
    assert (len(CASES), sum(c["score"] for c in CASES)) == (540, 89)
    wrong = [c for c in CASES if mvbench_match(c["response"], c["answer"], {}) != c["score"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "read"),
    [
        ("(B) a dog", "B"),
        ("b. a dog", "B"),
        ("Option B", "B"),
        ("I think it's A or B", "A"),
        ("a dog", "A"),  # the article is a standalone "a"
        ("the dog", "the dog"),
    ],
)
def test_process(response: str, read: str) -> None:
    assert mvbench_process(response) == read


def test_none_is_wrong() -> None:
    assert mvbench_match(None, "A", {}) == 0.0
