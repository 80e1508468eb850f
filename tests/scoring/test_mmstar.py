"""MMStar's official answer matching against the official code.

``fixtures/mmstar_official_cases.jsonl`` was made by running, outside this repository, ``MMStar_eval`` of
github.com/MMStar-Benchmark/MMStar (``eval/vlmeval/evaluate/mmstar.py``, commit
88f243ab4a39cb339530085c33aecb22819881a1) on one question per response (the other 17 sub-categories
filled so the official averages divide by their counts): 326 (response, answer) pairs, 45 of them right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.mmstar import mmstar_match

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "mmstar_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_official_code_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] for c in CASES)) == (326, 45)
    wrong = [c for c in CASES if (mmstar_match(c["prediction"], c["answer"], {}) == 1.0) != c["official"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("response", "right"),
    [
        ("B", True),
        ("b) a dog", True),
        ("(B)", True),
        ("Option B", True),
        ("The answer is B.", True),
        ("\n  B\n", True),
        ("Answer: B", False),  # not one of the four official forms
        ("I think B", False),
        ("**B**", False),
        ("option ", False),
        ("", False),
        (None, False),
    ],
)
def test_prefix_forms(response: str | None, right: bool) -> None:
    assert mmstar_match(response, "B", {}) == float(right)
