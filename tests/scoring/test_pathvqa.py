"""PathVQA open-question scores against the official evaluation script (github.com/UCSD-AI4H/PathVQA at
dd5180425138217ca53eb70d085761ffcb6c491c, ``Evaluation script/evaluation_script.py`` and ``utils.py``; see
lmms_eval/scoring/pathvqa.py).

``fixtures/pathvqa_official_cases.jsonl`` was made by a generator script kept outside the repository
(Python 3.11) that imported the two official files unchanged and called ``calculate_exactmatch``,
``calculate_f1score`` and ``bleu(response, [answer], n, [1/n] * n)`` for n = 1, 2, 3 on every pair of 13
answers (yes/no, one to four words, "b-cell lymphoma", "2", a repeated word) and 42 messy responses ("The liver",
"Hepatocellular carcinoma (HCC).", "kidney\\nkidney", "**Kidney**", "t-cells", "123", "", whitespace), 546
lines. Each value is as the script returns it: a number, a number as a string (``bleu``), a "0 (warning: ...)"
string, or ``ZeroDivisionError`` where it raised (an empty response, too few words for an n-gram): scored 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import METRICS
from lmms_eval.scoring.pathvqa import split_words

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "pathvqa_official_cases.jsonl"


def _official(value: Any) -> float:
    if value == "ZeroDivisionError":
        return 0.0
    return float(str(value).split(" ")[0])  # "0 (warning: ...)" -> 0


def test_cases_match_official_script() -> None:
    rows = [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 546
    em, f1, bleu = (METRICS.get(n) for n in ("pathvqa_exact_match", "pathvqa_f1", "pathvqa_bleu"))
    mismatches = []
    for r in rows:
        got = {"exact_match": em(r["response"], r["answer"], {}), "f1": f1(r["response"], r["answer"], {})}
        for n in (1, 2, 3):
            got[f"bleu{n}"] = bleu(r["response"], r["answer"], {}, n=n)
        mismatches += [(r, k) for k, v in got.items() if v != pytest.approx(_official(r[k]), abs=1e-12)]
    assert mismatches == []
    assert sum(r["bleu3"] == "ZeroDivisionError" for r in rows) > 100  # the script's crashes are covered


def test_quirks() -> None:
    em, f1, bleu = (METRICS.get(n) for n in ("pathvqa_exact_match", "pathvqa_f1", "pathvqa_bleu"))
    assert split_words("B-cell lymphoma, 2x") == {"bcell": 1, "lymphoma": 1, "x": 1}
    assert em("liver liver", "liver", {}) == 0.5  # distinct answer words over response words
    assert f1("the liver", "liver", {}) == pytest.approx(2 / 3)
    assert bleu("kidney", "liver", {}, n=1) == pytest.approx(
        1.0
    )  # zero precision skipped, longer: no penalty
    assert bleu("liver", "liver", {}, n=2) == 0.0  # no bigram: the script divides by zero
    assert em(None, "liver", {}) == 0.0 and bleu("", "liver", {}) == 0.0
