"""CinePile's answer matching against lmms-eval 0.7.3's (which keeps CinePile's own).

``fixtures/cinepile_official_cases.jsonl``: ``cinepile_process_results`` of lmms-eval 0.7.3
(``lmms_eval/tasks/cinepile/utils.py`` in the PyPI wheel lmms_eval-0.7.3-py3-none-any.whl), run outside this
repository on 2 option lists x 5 answer positions x 166 replies (101 hand-written messy replies, 40 generated
from templates per position, seeded, 22 around "**Answer:**" with and without option text, 3 naming the
answer): 1660 cases, 89 right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.cinepile import cinepile_correct, read_cinepile_reply

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "cinepile_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_lmms_eval_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] for c in CASES)) == (1660, 89)

    def ours(c: dict) -> float:
        doc = {"answer_key_position": c["answer_key_position"], "answer_key": c["answer_key"]}
        return cinepile_correct(c["reply"].strip(), None, doc)  # the `identity` extractor strips

    assert [c for c in CASES if ours(c) != c["official"]] == []


@pytest.mark.parametrize(
    ("reply", "read"),
    [
        ("**Answer:** B) He laughs", ("B", "He laughs")),
        ("b", ("B", "")),
        ("Answer:C.", ("C", "")),
        ("He laughs", (None, "He laughs")),
    ],
)
def test_reading(reply: str, read: tuple[str | None, str]) -> None:
    assert read_cinepile_reply(reply) == read
