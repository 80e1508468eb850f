"""CharXiv prompts against the official code (https://github.com/princeton-nlp/CharXiv at commit
7ebe88f78dee387691551f071abcb2b9e1a8025b, ``src/reasoning_utils.py`` ``build_reasoning_queries`` and
``src/descriptive_utils.py`` ``build_descriptive_quries``, with ``src/constants.py``).

``fixtures/charxiv_official_cases.jsonl`` was made by a generator script kept outside the repository (Python
3.11) that imported those modules unchanged and ran them on the repository's own validation files
(``data/reasoning_val.json``, ``data/descriptive_val.json``). Lines of ``kind: reasoning`` hold 160 rows (40
of each answer type 1-4, chosen with ``random.seed(0)``) in the Hub dataset's columns (``figure_path``
``images/<figure_id>.jpg``, ``reasoning_q``, ``reasoning_q_source``, ``reasoning_a``) and the official
``question``; lines of ``kind: descriptive`` hold 65 figures (every template id under every kind of subplot
location that occurs, plus 40 drawn at random) in the Hub columns (``subplot_row``/``subplot_col`` for a
grid position, ``subplot_loc`` for a description, ``descriptive_q1..4``, ``descriptive_a1..4``) and the
official query of each of their four questions (response key, template id, question).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring.charxiv import (
    descriptive_docs,
    descriptive_question,
    number_instruction,
    reasoning_docs,
    reasoning_question,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "charxiv_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_fixture_covers_every_kind() -> None:
    reasoning = [r for r in _rows() if r["kind"] == "reasoning"]
    descriptive = [r for r in _rows() if r["kind"] == "descriptive"]
    assert {r["doc"]["reasoning_q_source"] for r in reasoning} == {1, 2, 3, 4}
    assert len(reasoning) == 160
    qids = {q["qid"] for r in descriptive for q in r["expected"]}
    assert qids == set(range(1, 20))
    assert any(r["doc"]["subplot_loc"] for r in descriptive)
    assert any(r["doc"]["subplot_row"] == 0 for r in descriptive)


def test_reasoning_questions_match_official() -> None:
    cases = [r for r in _rows() if r["kind"] == "reasoning"]
    docs = reasoning_docs([dict(r["doc"]) for r in cases])
    disagreements = [
        (r["figure_id"], d["question"]) for r, d in zip(cases, docs) if d["question"] != r["question"]
    ]
    assert disagreements == []
    assert [d["figure_id"] for d in docs] == [r["figure_id"] for r in cases]


def test_descriptive_questions_match_official() -> None:
    cases = [r for r in _rows() if r["kind"] == "descriptive"]
    docs = descriptive_docs([dict(r["doc"]) for r in cases])
    expected = [q for r in cases for q in r["expected"]]
    assert len(docs) == 4 * len(cases) == len(expected)
    got = [{"resp_key": d["resp_key"], "qid": d["qid"], "question": d["question"]} for d in docs]
    assert [g for g, e in zip(got, expected) if g != e] == []
    first = cases[0]["doc"]
    assert [d["answer"] for d in docs[:4]] == [first[f"descriptive_a{i}"] for i in range(1, 5)]


def test_number_instruction() -> None:
    assert number_instruction("12") == "* Your final answer must be an exact integer."
    assert number_instruction("0.50") == "* Your final answer must be a number with 2 decimal places."
    assert number_instruction("-1.5") == "* Your final answer must be a number with 1 decimal places."


def test_questions_keep_official_whitespace() -> None:
    q = reasoning_question({"reasoning_q": "Q?", "reasoning_q_source": 4, "reasoning_a": "3"})
    assert q == "Q?\n    * Your final answer must be an exact integer.\n    "
    assert descriptive_question(19, [2, 3]).startswith("What is the number of subplots?\n    * ")
    assert descriptive_question(1, [0, 0]).startswith("For the current plot, what is its title?")
    assert descriptive_question(2, [2, 1]).startswith("For the subplot at row 2 and column 1, what")
    assert descriptive_question(3, "the left panel").startswith("For the left panel, what is")


def test_invalid_reasoning_category() -> None:
    with pytest.raises(ValueError, match="reasoning_q_source"):
        reasoning_question({"reasoning_q": "Q", "reasoning_q_source": 5, "reasoning_a": "1"})
