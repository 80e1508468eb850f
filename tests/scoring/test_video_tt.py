"""Video-TT's letter reading against lmms-eval 0.7.3's.

``fixtures/video_tt_official_cases.jsonl``: ``extract_characters_regex`` of lmms-eval 0.7.3
(``lmms_eval/tasks/video-tt/utils.py`` in the PyPI wheel lmms_eval-0.7.3-py3-none-any.whl), run outside this
repository on 101 hand-written messy replies, 700 generated from templates (seeded) and 11 around its answer
phrases and its long-reply rule: 812 cases, 107 read as nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.video_tt import extract_videott_answer, read_videott_letter

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "video_tt_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_lmms_eval_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] == "" for c in CASES)) == (812, 107)
    assert [c for c in CASES if (read_videott_letter(c["reply"]) or "") != c["official"]] == []


@pytest.mark.parametrize(
    ("reply", "letter"),
    [
        ("The best answer is: C", "C"),
        ("Clearly B", "C"),
        ("The answer B", "B"),
        ("i'd say b", None),
        ("", None),
    ],
)
def test_reading(reply: str, letter: str | None) -> None:
    assert extract_videott_answer(reply, {}) == letter
