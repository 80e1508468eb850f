"""MuirBench answer parsing and prompt against the official code (https://github.com/muirbench/MuirBench at
commit 840b85fe960ab6160cd566fe8360bfa80f9164db, ``eval/utils/postprocess.py`` ``parse_multi_choice_response``
and ``eval/utils/preprocess.py`` ``create_prompt``).

``fixtures/muirbench_official_cases.jsonl`` was made by a generator script kept outside the repository (Python
3.11) that imported both files unchanged, with the module's ``random.choice`` replaced by a function
returning the marker ``<RANDOM>`` so that the official random guess shows as such. Lines of ``kind: parse``:
55 messy responses ("(C) dog", "B,.", "Answer:B", "a cat", "**B**", "\\boxed{C}", long sentences naming an
option's text, "") each read against 6 option lists (2-5 options: words, "The first image", numbers) with
the official reading (a letter or ``<RANDOM>``); lines of ``kind: prompt``: 3 docs and the official prompt.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from lmms_eval.scoring import EXTRACTORS
from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.scoring.muirbench import extract_muirbench_answer

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "muirbench_official_cases.jsonl"
TASK = (
    Path(__file__).resolve().parents[2] / "lmms_eval" / "tasks" / "catalog" / "muirbench" / "muirbench.yaml"
)
RANDOM = "<RANDOM>"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_parse_matches_official() -> None:
    cases = [r for r in _rows() if r["kind"] == "parse"]
    assert len(cases) == 330 and sum(r["official"] == RANDOM for r in cases) == 161
    disagreements = []
    for i, r in enumerate(cases):
        doc = {"idx": str(i), "options": r["options"]}
        letters = [chr(65 + k) for k in range(len(r["options"]))]
        expected = fallback_choice(str(i), letters) if r["official"] == RANDOM else r["official"]
        got = extract_muirbench_answer(r["response"], doc)
        if got != expected:
            disagreements.append((r["response"], r["options"], r["official"], got))
    assert disagreements == []


def test_prompt_matches_official() -> None:
    import yaml

    spec = yaml.safe_load(TASK.read_text(encoding="utf-8"))
    template = Environment().from_string(spec["prompt"]["user"][1]["text"])
    for r in (r for r in _rows() if r["kind"] == "prompt"):
        assert template.render(**r["doc"]) == r["official"]


def test_registered_and_messy_cases() -> None:
    extract = EXTRACTORS.get("muirbench")
    doc = {"idx": "7", "options": ["cat", "dog", "bird"]}
    assert extract("(B)", doc) == "B"
    assert extract("The answer is C.", doc) == "C"
    assert extract("I am quite sure that it is a dog in the picture", doc) == "B"
    assert extract("", doc) == fallback_choice("7", ["A", "B", "C"])
    assert extract("B", {"idx": "8", "options": []}) == ""
