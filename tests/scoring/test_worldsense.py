"""WorldSense answer parsing against lmms-eval 0.7.3's own (github.com/EvolvingLMMs-Lab/lmms-eval, release
0.7.3, ``lmms_eval/tasks/worldsense/utils.py``, ``parse_multi_choice_response`` called as
``worldsense_process_results`` calls it).

``fixtures/worldsense_official_cases.jsonl`` holds one line per response: the ``response``, the doc's
``candidates`` and the letter 0.7.3 ``parsed``. They were made by a script outside the repository run in
the 0.7.3 installation (its ``utils`` module imported as it is): 1,500 responses from 30 templates (bare,
bracketed, bold and lower-case letters, "The answer is X.", option texts with and without their letter, two
letters, empty and punctuation-only answers, upper-cased copies) over 8 option sets (3, 4 and 5 options, an
empty option text, options holding capitals), seed 1; the option letters and option sets drawn at random.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.worldsense import (
    extract_worldsense_answer,
    parse_worldsense_response,
    worldsense_options,
)

FIXTURE = Path(__file__).parent / "fixtures" / "worldsense_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text().splitlines()]


def test_enough_cases() -> None:
    assert len(CASES) >= 1000 and len({c["parsed"] for c in CASES}) == 4


@pytest.mark.parametrize("case", CASES, ids=range(len(CASES)))
def test_matches_official(case: dict) -> None:
    assert extract_worldsense_answer(case["response"], {"candidates": case["candidates"]}) == case["parsed"]


def test_quirks() -> None:
    options = worldsense_options(["A. cat", "B. dog", "C. bird", "D. cow"])
    assert parse_worldsense_response("it is the dog", options) == "A"  # no capital A-D, 5 words or fewer: A
    assert parse_worldsense_response("Dog.", options) == "D"  # any capital letter counts
    assert parse_worldsense_response("(B) or (C)", options) == "C"  # the last bracketed one
    assert parse_worldsense_response("the animal in the clip is clearly a dog", options) == "B"
    assert worldsense_options(["A. x", "B. y", "C. z"]) == {"A": "x", "B": "y", "C": "z"}
