"""CountBench (CountBenchQA) scoring against moondream's evaluation (https://github.com/vikhyat/moondream at
commit 44146f139242dacdf7c02b799e68097424a31036, ``moondream/eval/countbenchqa.py``; vikhyatk/CountBenchQA is
that project's dataset): a response is right when, stripped and lower-cased, it equals the stripped,
lower-cased ``str(number)``. That is the house ``exact_match`` with ``normalize: [strip, lower]``, which the
``countbench`` task uses; lmms-eval 0.7.3 also maps number words ("two" -> "2"), which the official code
does not.

``fixtures/countbench_official_cases.jsonl`` holds ``eval_countbenchqa``'s verdicts (``is_correct``) from a
generator script kept outside the repository (Python 3.11), which ran the function unchanged with a stub
``datasets.load_dataset`` returning the cases' rows and a stub model answering their responses: 44 messy
responses ("3.", "three", " 3", "3 dogs", "03", "3.0", "\\n3\\n", "**5**", non-breaking spaces, ...) against
four numbers each.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.metrics import exact_match

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "countbench_official_cases.jsonl"


def test_exact_match_strip_lower_is_the_official_rule() -> None:
    cases = [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(cases) > 150
    assert {c["official_correct"] for c in cases} == {True, False}
    disagreements = [
        c
        for c in cases
        if exact_match(c["response"], str(c["number"]), {}, normalize=["strip", "lower"])
        != float(c["official_correct"])
    ]
    assert disagreements == []
