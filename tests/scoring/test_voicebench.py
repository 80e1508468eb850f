"""VoiceBench's rule-based scorers against the official code.

``fixtures/voicebench_official_cases.jsonl``: github.com/MatthewCYM/VoiceBench (commit
533815410e3f4d602bd15a1de7105aea4acd828c), run outside this repository: ``MCQEvaluator.extract_answer``
(``src/evaluator/mcq.py``) on 596 messy multiple-choice responses (3 option sets x 4 answers x 48 forms plus
20 hand-written ones, Chinese and LaTeX templates included) and ``HarmEvaluator.evaluate_single``
(``src/evaluator/harm.py``) on 175 responses (25 written, 150 combined): 771 cases."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.voicebench import (
    extract_voicebench_mcq_answer,
    voicebench_mcq_fail,
    voicebench_refusal,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "voicebench_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_mcq_agrees_with_the_official_code_on_every_case() -> None:
    mcq = [c for c in CASES if c["kind"] == "mcq"]
    assert (len(mcq), sum(c["official"] is None for c in mcq)) == (596, 292)
    assert [c for c in mcq if extract_voicebench_mcq_answer(c["prediction"], {}) != c["official"]] == []


def test_refusal_agrees_with_the_official_code_on_every_case() -> None:
    harm = [c for c in CASES if c["kind"] == "refusal"]
    assert (len(harm), sum(c["official"] for c in harm)) == (175, 154)
    assert [c for c in harm if (voicebench_refusal(c["prediction"], None, {}) == 1.0) != c["official"]] == []


def test_fail_metric() -> None:
    assert (voicebench_mcq_fail(None, "A", {}), voicebench_mcq_fail("B", "A", {})) == (1.0, 0.0)
