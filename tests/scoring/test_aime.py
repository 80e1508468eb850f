"""AIME answer extraction and equivalence against lm-evaluation-harness's own code.

``fixtures/aime_official_cases.jsonl`` was made by running, outside this repository, ``process_results`` of
github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163
(``lm_eval/tasks/aime/utils.py``) on 353 (response, integer answer) pairs built from templates (``$``-spans,
``\\boxed{}`` / ``\\boxed `` / ``\\fbox{}``, unbalanced braces, units, degrees, percent, fractions, square
roots, ``k = ...``, leading zeros, none), with the answer it reads (its own ``last_boxed_only_string`` and
``remove_boxed``, step by step as in ``process_results``) and its 0/1 ``exact_match``.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.aime import aime_exact_match, extract_aime_answer, is_equiv

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "aime_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_harness_on_every_case() -> None:
    assert (len(CASES), sum(c["exact_match"] for c in CASES)) == (353, 91)
    wrong = [
        c
        for c in CASES
        if extract_aime_answer(c["response"], {}) != c["extracted"]
        or aime_exact_match(extract_aime_answer(c["response"], {}), c["answer"], {}) != c["exact_match"]
    ]
    assert wrong == []


def test_examples() -> None:
    assert extract_aime_answer("so $x = 5$ and then \\boxed{204}", {}) == "204"
    assert extract_aime_answer("The answer is $70$.", {}) == "70"
    assert is_equiv("k = 70", "70") and not is_equiv("070", "70") and not is_equiv("70.0", "70")
    assert aime_exact_match(None, 70, {}) == 0.0
