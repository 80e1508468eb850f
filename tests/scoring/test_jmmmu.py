"""JMMMU scoring against the official evaluation code: the ``jmmmu`` task its authors added to lmms-eval
(https://github.com/EvolvingLMMs-Lab/lmms-eval at commit 142220d621ff2e227ffe70673eb57ad93a494f5e,
``lmms_eval/tasks/jmmmu/utils.py``), run with Python 3.11 and numpy 2.

Every expected value in ``fixtures/jmmmu_official_cases.jsonl`` is an output of that code. The file was made
by a generator script that is not part of the repository: the official parsing and verdict functions were
copied to a scratch folder under /tmp and run there with the module's ``random.choice`` replaced by a
function returning the marker ``"RANDOM"`` (so a case where the official code guesses records ``RANDOM``); the
same cases were also run through lmms-eval 0.7.3's installed ``jmmmu`` functions, which agreed on every one.
The cases:

- ``mc`` (390): 39 messy responses (letters bracketed, followed by a space or a period, between Japanese
  characters, full-width brackets and punctuation, two letters, option texts in short and in long (more
  than 5 words) responses, empty and blank text) over five option lists (Japanese, numbers with units, image
  placeholders, five options, English phrases), each against the answers A and B: the parsed letter
  (``parsed``) and ``eval_multi_choice``'s verdict (``correct``);
- ``open`` (39): ``parse_open_response`` (``parsed``: the ``repr`` of each candidate, sorted, since the
  official list comes from a set) and ``eval_open``'s verdict, with Japanese indicators (including the
  joined "解答は、回答は"), counters (つ, 個, 円, 年, 度, %), full-width ＝ and digits, several sentences;
- ``numbers`` (6): ``extract_numbers`` alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring.jmmmu import (
    add_prompt_fields,
    extract_jmmmu_answer,
    extract_numbers,
    jmmmu_accuracy,
    parse_multi_choice_response,
    parse_open_response,
)
from lmms_eval.scoring.mmmu import eval_multi_choice, eval_open, fallback_choice

_FILE = Path(__file__).parent / "fixtures" / "jmmmu_official_cases.jsonl"
CASES = [json.loads(line) for line in _FILE.read_text("utf-8").splitlines()]


def _of(kind: str) -> list[dict[str, Any]]:
    return [c for c in CASES if c["kind"] == kind]


def test_the_fixture_covers_every_kind_and_the_guesses() -> None:
    assert (len(_of("mc")), len(_of("open")), len(_of("numbers"))) == (390, 39, 6)
    assert sum(c["parsed"] == "RANDOM" for c in _of("mc")) >= 100


@pytest.mark.parametrize("case", _of("mc"), ids=lambda c: repr(c["response"])[:30])
def test_multiple_choice_agrees_with_the_official_code(case: dict[str, Any]) -> None:
    letters = [chr(ord("A") + i) for i in range(len(case["options"]))]
    parsed = parse_multi_choice_response(
        case["response"], letters, dict(zip(letters, case["options"])), "RANDOM"
    )
    assert parsed == case["parsed"]
    assert eval_multi_choice(case["answer"], parsed) == case["correct"]


@pytest.mark.parametrize("case", _of("open"), ids=lambda c: repr(c["response"])[:30])
def test_open_agrees_with_the_official_code(case: dict[str, Any]) -> None:
    predictions = parse_open_response(case["response"])
    assert sorted(repr(p) for p in predictions) == case["parsed"]
    assert eval_open(case["answer"], predictions) == case["correct"]


@pytest.mark.parametrize("case", _of("numbers"), ids=lambda c: c["text"])
def test_numbers_agree_with_the_official_code(case: dict[str, Any]) -> None:
    assert extract_numbers(case["text"]) == case["numbers"]


def test_extractor_metric_and_docs() -> None:
    doc = {
        "id": "test_Japanese_Art_3",
        "question_type": "multiple-choice",
        "options": "['雪舟', '北斎', '広重']",
    }
    assert extract_jmmmu_answer("答えはBです", doc) == "B"
    assert jmmmu_accuracy("B", "B", doc) == 1.0
    assert extract_jmmmu_answer("わかりません", doc) == fallback_choice(
        "test_Japanese_Art_3", ["A", "B", "C"]
    )
    open_doc = {"id": "test_Math_2", "question_type": "open", "options": "[]"}
    extracted = extract_jmmmu_answer("よって、x=5", open_doc)
    assert jmmmu_accuracy(extracted, "5", open_doc) == 1.0 and jmmmu_accuracy(None, "5", open_doc) == 0.0
    (out,) = add_prompt_fields([{**doc, "question": "<image1>の作者は？", "image_1": "IMG", "image_2": None}])
    assert out["question"] == "<image 1>の作者は？" and out["images"] == ["IMG"]
    assert (out["subject"], out["culture"]) == ("Japanese_Art", "culture_specific")
