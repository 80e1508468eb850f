"""VocalSound's answer reading against lmms-eval 0.7.3's.

``fixtures/vocalsound_official_cases.jsonl``: ``get_answer`` of lmms-eval 0.7.3
(``lmms_eval/tasks/vocalsound/utils.py`` in the PyPI wheel lmms_eval-0.7.3-py3-none-any.whl), run outside this
repository on 24 single words and 300 generated sentences naming one to three sounds (including
"laughing", "sneezes", "clearing throat", case variants, empty): 324 cases, 68 with no class found."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.vocalsound import extract_vocalsound_answer

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "vocalsound_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_lmms_eval_on_every_case() -> None:
    assert (len(CASES), sum(c["official"] is None for c in CASES)) == (324, 68)
    assert [c for c in CASES if extract_vocalsound_answer(c["prediction"], {}) != c["official"]] == []


def test_order_and_throat() -> None:
    assert extract_vocalsound_answer("a cough and a sniff", {}) == "Sniff"
    assert extract_vocalsound_answer("Throat", {}) == "Throat clearing"
    assert extract_vocalsound_answer("a laugh", {}) is None
