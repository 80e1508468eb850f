"""ANLS (lmms_eval.scoring.anls) against the official DocVQA / InfographicVQA evaluation script.

``fixtures/anls_official_cases.jsonl`` holds 536 cases (36 written by hand, 500 seeded random strings with
edits: case, inner and surrounding spaces, tabs, newlines, ``ß``/``İ``/``ﬁ`` whose case mapping changes the
length, empty strings, several answers). The expected scores were produced outside this repository by running
``evaluate_method`` of the official ``infographicsvqa_eval.py`` (docvqa.org / rrc.cvc.uab.es; the copy at
github.com/QwenLM/Qwen-VL ``eval_mm/infographicsvqa_eval.py``, commit
e6bbb9dd9e9fc44a4498d372e83b3b172dc1d808) unmodified, threshold 0.5, reading ``per_sample_result`` scores.
The scores must agree exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring import METRICS
from lmms_eval.scoring.anls import anls, levenshtein, normalized_distance

FIXTURE = Path(__file__).parent / "fixtures" / "anls_official_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text("utf-8").splitlines()]
DOC: dict[str, object] = {}


def test_agrees_with_the_official_script_on_every_case() -> None:
    assert len(CASES) == 536
    assert sum(0 < c["anls"] < 1 for c in CASES) > 100
    disagreements = [c for c in CASES if anls(c["prediction"], c["answers"], DOC) != c["anls"]]
    assert disagreements == []


@pytest.mark.parametrize(
    "prediction, target, score",
    [
        ("Alberto", "Alberto", 1.0),
        ("alberto ", " ALBERTO", 1.0),  # case ignored; surrounding spaces only lengthen the denominator
        ("Alberto.", "Alberto", 1 - 1 / 8),
        ("Alb", "Alberto", 0.0),  # similarity 3/7 < 0.5
        ("abcd", "abef", 0.5),  # similarity exactly 0.5 counts
        ("  abd  ", "abc", 1 - 1 / 7),  # distance 1 over the raw length 7
        ("straße", "STRASSE", 1 - 2 / 7),  # "ß".upper() is "SS": length 7
        ("31-12-2019", ["2019", "31-12-2019"], 1.0),  # the best answer counts
        ("", "", 1.0),
        (None, "Alberto", 0.0),
        ("x", [], 0.0),
    ],
)
def test_anls_cases(prediction: str | None, target: object, score: float) -> None:
    assert anls(prediction, target, DOC) == pytest.approx(score)


def test_threshold_is_a_similarity() -> None:
    assert anls("abcde", "abcxy", DOC, threshold=0.6) == pytest.approx(0.6)
    assert anls("abcde", "abcxy", DOC, threshold=0.61) == 0.0
    assert anls("abcde", "vwxyz", DOC, threshold=0.0) == 0.0
    with pytest.raises(ConfigError):
        anls("a", "a", DOC, threshold=1.5)


def test_distance_pieces() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein(["the", "cat"], ["a", "cat"]) == 1
    assert normalized_distance("", "") == 0.0
    assert normalized_distance("A  B", "a b") == 0.0


def test_registered() -> None:
    assert METRICS.get("anls") is anls
