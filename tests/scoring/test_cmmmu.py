"""CMMMU scoring against the official evaluation code (https://github.com/CMMMU-Benchmark/CMMMU,
``eval/utils/eval_utils.py`` at commit e1ba883284c61e5f6bbf552addb87f6e48de87bc, the judge of
``eval/eval_response.py``; run with Python 3.11 and numpy 2).

Every expected value in ``fixtures/cmmmu_official_cases.jsonl`` is an output of that official code. The
file was made by a generator script that is not part of the repository (it imports the official code): the
official ``eval_utils.py`` was copied to a scratch folder under /tmp and imported there, with its module's
``random.choice`` replaced by a function returning the marker ``"RANDOM"``, so that where the official code
guesses the case records ``RANDOM`` (a guess never equals an answer, so ``correct`` is false there). The
cases:

- multiple choice (``选择``, 480): 40 messy responses (letters alone, bracketed, in Chinese sentences, two
  letters, repeated letters, option texts, ``ANSWER: B``, lower-case and full-width letters, empty and blank
  text) over four option sets (Chinese, numbers, an empty option text, English), each against the answers
  A, B and AB: ``get_multi_choice_prediction`` with the letters A-D (``parsed``, null for an empty
  response, which ``evaluate_response`` never parses) and ``evaluate_response``'s verdict (``correct``);
- true/false (``判断``, 34): the judgement of ``evaluate_response``, read by running it once with the answer
  对 and once with 错 (``judged``: 对, 错, or RANDOM when neither is right);
- fill in the blank (``填空``, 46): ``get_fill_blank_prediction`` (``parsed``: the ``repr`` of each
  prediction, sorted, since the official list comes from a set) and ``evaluate_response``'s verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.scoring import cmmmu
from lmms_eval.scoring.cmmmu import (
    cmmmu_accuracy,
    extract_cmmmu_answer,
    fill_blank_correct,
    parse_fill_blank,
    parse_multi_choice,
    parse_true_false,
)
from lmms_eval.scoring.mmmu import fallback_choice

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "cmmmu_official_cases.jsonl")
    .read_text("utf-8")
    .splitlines()
]


def _marker() -> str:
    return "RANDOM"


def test_the_fixture_covers_every_type_and_the_guesses() -> None:
    kinds = [c["type"] for c in CASES]
    assert (kinds.count("选择"), kinds.count("判断"), kinds.count("填空")) == (480, 34, 46)
    assert sum(c.get("parsed") == "RANDOM" or c.get("judged") == "RANDOM" for c in CASES) >= 60


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["type"] == "选择"], ids=lambda c: repr(c["response"])[:30]
)
def test_multiple_choice_agrees_with_the_official_code(case: dict[str, Any]) -> None:
    response, options = case["response"], case["options"]
    parsed = parse_multi_choice(response, options, _marker) if response else None
    assert parsed == case["parsed"]
    assert (parsed == case["answer"]) == case["correct"]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["type"] == "判断"], ids=lambda c: repr(c["response"])[:30]
)
def test_true_false_agrees_with_the_official_code(case: dict[str, Any]) -> None:
    assert parse_true_false(case["response"], _marker) == case["judged"]


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["type"] == "填空"], ids=lambda c: repr(c["response"])[:30]
)
def test_fill_blank_agrees_with_the_official_code(case: dict[str, Any]) -> None:
    predictions = parse_fill_blank(case["response"], case["answer"])
    assert sorted(repr(p) for p in predictions) == case["parsed"]
    assert fill_blank_correct(case["answer"], predictions) == case["correct"]


def test_extractor_and_metric_over_docs() -> None:
    options = {"option1": "北京", "option2": "上海", "option3": "广州", "option4": "深圳"}
    mc = {"id": "val_1", "type": "选择", "answer": "B", **options}
    assert extract_cmmmu_answer("答案是(B)", mc) == "B"
    assert cmmmu_accuracy(extract_cmmmu_answer("上海", mc), "B", mc) == 1.0
    assert extract_cmmmu_answer("", mc) is None and cmmmu_accuracy(None, "B", mc) == 0.0
    # where the official code guesses, a letter seeded by the doc id
    assert extract_cmmmu_answer("无法确定", mc) == fallback_choice("val_1", ["A", "B", "C", "D"])
    tf = {"id": "val_2", "type": "判断", "answer": "对"}
    assert extract_cmmmu_answer("这个说法是正确的", tf) == "对"
    assert extract_cmmmu_answer("我不知道", tf) == fallback_choice("val_2", ["对", "错"])
    fill = {"id": "val_3", "type": "填空", "answer": "1234"}
    extracted = extract_cmmmu_answer("答案是1，234元", fill)
    assert extracted is not None and cmmmu_accuracy(extracted, "1234", fill) == 0.0  # "1，234" is no float
    assert cmmmu_accuracy(extract_cmmmu_answer("所以x=1234", fill), "1234", fill) == 1.0


def test_prompt_fields_turn_image_references_into_tokens() -> None:
    doc = {
        "id": "val_4",
        "type": "选择",
        "question": '如图<img="a.png">所示，<img="b.png">中哪一个？',
        "option1": '<img="b.png">',
        "option2": "两者",
        "option3": "都不是",
        "option4": None,
        "image_1": "IMG1",
        "image_2": "IMG2",
        **{f"image_{i}": None for i in range(3, 6)},
        "image_1_filename": "a.png",
        "image_2_filename": "b.png",
        **{f"image_{i}_filename": None for i in range(3, 6)},
    }
    (out,) = cmmmu.add_prompt_fields([doc])
    assert out["prompt_question"] == "如图<图片 1>所示，<图片 2>中哪一个？"
    assert out["prompt_options"] == ["<图片 2>", "两者", "都不是", "None"]
    assert out["images"] == ["IMG1", "IMG2", "IMG2"]  # every token, repeats included (lmms-eval 0.7.3)
