"""MetaVQA answer reading against lmms-eval 0.7.3's code (``lmms_eval/tasks/metavqa/utils.py``:
``MultiChoiceRegexFilter``, and ``lmms_eval/api/metrics.py``: ``exact_match_hf_evaluate`` with ignore_case and
ignore_punctuation, the task's metric; see lmms_eval/scoring/metavqa.py).

``fixtures/metavqa_official_cases.jsonl`` was made by a generator script kept outside the repository, run in a
venv with lmms-eval 0.7.3 installed: it built 0.7.3's filter as the task YAML does and applied it, then the
metric, to 5 questions (options as "A. ..." lines, as "(A) ...;" inline, out of letter order, a repeated
option text, options with a trailing period) times 6 answers ("A", "(A)", "b"...) times 30 messy responses
("(C) Straight ahead", "The answer is B", "**D**", "D) Bicycle", "A\\tB", "C\\nbecause", ""), 900 lines with the
filtered response and the score.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring import EXTRACTORS, METRICS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "metavqa_official_cases.jsonl"


def test_cases_match_lmms_eval_073() -> None:
    rows = [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 900
    read, metric = EXTRACTORS.get("metavqa"), METRICS.get("metavqa_exact_match")
    assert [r for r in rows if read(r["response"], r) != r["filtered"]] == []
    assert [r for r in rows if metric(r["filtered"], r["answer"], r) != r["exact_match"]] == []
    assert sum(r["exact_match"] for r in rows) == 97


def test_quirks() -> None:
    read = EXTRACTORS.get("metavqa")
    doc = {"question": "Where?\nA. Left\nB. Right\nC. Straight ahead"}
    assert read("I would go straight ahead", doc) == "I"  # option texts are matched case-sensitively
    assert read("Straight ahead", doc) == "C"
    assert read("The answer is B", doc) == "The"  # the first word otherwise
    assert read("(B).", {"question": "no options"}) == "B"
