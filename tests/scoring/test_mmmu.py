"""MMMU and MMMU-Pro scoring against the official evaluation code (https://github.com/MMMU-Benchmark/MMMU at
commit bb0b95a945998d91dfef37e969e07d49d1139438: ``mmmu/utils/eval_utils.py`` and ``mmmu-pro/evaluate.py``,
run with Python 3.11 and numpy 2.4).

Every expected value in ``fixtures/mmmu_official_cases.jsonl`` is an output of that official code. The
file was made by a generator script that is not part of the repository (it imports the official code):
the two official files were copied to a scratch folder and imported there (``pandas``, imported but unused
by ``evaluate.py``, stubbed), with the module-level ``random`` of both replaced by an object whose
``choice`` returns a marker, so that a response the official code answers by a random guess is recorded as
``"random": true`` (and ``parsed``/``correct`` as null) instead of a letter. The responses:

- ``mmmu_mc`` / ``mmmu_open``: every response of the official example outputs
  (``mmmu/example_outputs/{llava1.5_13b,qwen_vl}/<subject>/output.json``, all 900 validation questions,
  scored against ``mmmu/answer_dict_val.json``, whose three list answers are kept as lists), plus messy
  responses built over the real options of sampled questions: letters alone and in ``(B)``, ``B.``,
  ``B)``, ``**B**``, ``\\boxed{B}``, ``Answer: B``, "The answer is (B).", option texts alone and in
  sentences, several letters, ``B. <option>``, empty and blank text, full-width letters; and for every
  open reference, the reference in sentences, with units, ``%``, LaTeX, ``\\boxed{}``, upper case, plus a
  pool of numeric oddities (``1,234``, ``2.0e6``, ``-120°``, ``\\frac{1}{64}``, ``.5``, ``１２``, ``inf``,
  ``nan``, ``1_000``, several lines and sentences);
- ``mmmu_pro``: GPT-4o's official MMMU-Pro outputs (``mmmu-pro/output/gpt-4o_{standard(10 options),
  vision}_{direct,cot}.jsonl``) with their 10-option lists, plus the messy responses above and ``Answer:``
  variants (``Answer: (B)``, ``Answer: <option>``, ``Answer: B and C``, ``ANSWER: B``, ``answer: b``,
  two ``Answer:`` lines, ``Answer:`` with nothing after it);
- ``extract_numbers`` / ``normalize_str``: the official helpers on their own.

Option lists are stored once (``"kind": "options"`` lines) and named by ``ref``. The full generated run
(40,566 cases: 14,848 MMMU multiple choice, 2,890 open, 22,602 MMMU-Pro, 226 helper calls) agreed with
this module on every parse and verdict, the 10,419 responses where the official code guesses included;
the fixture is a seeded sample of it (2,872 cases, 588 of them guesses): every open example output and
helper call, and from each other group of responses a share in which the guesses make up at least a
quarter where there are that many.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.core.errors import DataError
from lmms_eval.scoring import EXTRACTORS, METRICS
from lmms_eval.scoring.mmmu import (
    DOMAIN_SUBJECTS,
    add_prompt_fields,
    eval_multi_choice,
    eval_open,
    extract_mmmu_answer,
    extract_mmmu_pro_answer,
    extract_numbers,
    fallback_choice,
    get_multi_choice_info,
    gold_answers,
    mmmu_accuracy,
    normalize_str,
    parse_mmmu_pro_response,
    parse_multi_choice_response,
    parse_open_response,
    subject_of,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MARK = "<no letter found>"  # stands for the official random.choice in the differential checks


def _letters(n: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(n)]


def check_case(case: dict[str, Any], options: dict[int, list[str]]) -> str | None:
    """None when this module reproduces the official output recorded in ``case``, else what differs."""
    kind = case["kind"]
    if kind == "extract_numbers":
        got: Any = extract_numbers(case["text"])
        return None if got == case["numbers"] else f"extract_numbers {got!r}"
    if kind == "normalize_str":
        got = [repr(v) for v in normalize_str(case["text"])]
        return None if got == case["normalized"] else f"normalize_str {got!r}"
    if kind == "mmmu_open":
        answer = case["answer"]
        parsed = sorted(repr(p) for p in parse_open_response(case["response"]))
        # the Hub dataset writes a list answer as its Python literal: the metric must read it back
        target = str(answer) if isinstance(answer, list) else answer
        doc = {"id": case["id"], "question_type": "open"}
        prediction = EXTRACTORS.get("mmmu")(case["response"], doc)
        verdict = METRICS.get("mmmu_accuracy")(prediction, target, doc) == 1.0
        if parsed != case["parsed"] or verdict != case["correct"]:
            return f"open parsed {parsed!r} correct {verdict}"
        return None
    opts = options[case["options"]]
    index2ans, letters = get_multi_choice_info(opts)
    parse = parse_multi_choice_response if kind == "mmmu_mc" else parse_mmmu_pro_response
    marked = parse(case["response"], letters, index2ans, fallback=MARK)
    if case["random"]:
        if marked != MARK:
            return f"found {marked!r} where the official code guesses"
        expected, correct = fallback_choice(case["id"], letters), None
    else:
        expected, correct = case["parsed"], case["correct"]
    doc = {"id": case["id"], "options": str(opts), "question_type": "multiple-choice"}
    extractor = extract_mmmu_answer if kind == "mmmu_mc" else extract_mmmu_pro_answer
    prediction = extractor(case["response"], doc)
    if prediction != expected:
        return f"extracted {prediction!r}"
    verdict = mmmu_accuracy(prediction, case["answer"], doc) == 1.0
    if correct is not None and verdict != correct:
        return f"correct {verdict}"
    return None


@cache
def _official() -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    lines = (FIXTURES / "mmmu_official_cases.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    options = {r["ref"]: r["options"] for r in rows if r["kind"] == "options"}
    return [r for r in rows if r["kind"] != "options"], options


def test_agrees_with_the_official_evaluation_on_every_recorded_case() -> None:
    cases, options = _official()
    kinds = Counter(c["kind"] for c in cases)
    assert kinds["mmmu_mc"] > 1000 and kinds["mmmu_pro"] > 900 and kinds["mmmu_open"] > 500, kinds
    assert sum(bool(c.get("random")) for c in cases) > 300
    assert sum(bool(c.get("correct")) for c in cases) > 500
    wrong = [(case, diff) for case in cases if (diff := check_case(case, options)) is not None]
    assert not wrong, f"{len(wrong)} disagreements, e.g. {wrong[:5]}"


# --- cases from the official definition (expected values: the official outputs) ---------------------------

OPTIONS = ["Paris", "London", "Berlin", "Madrid"]
INDEX2ANS, LETTERS = get_multi_choice_info(OPTIONS)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("B", "B"),
        ("(B)", "B"),
        ("B.", "B"),  # "." stripped at the end, then " B "
        ("The answer is B.", "B"),
        ("(A) is wrong, so (C)", "C"),  # several bracketed: the last
        ("A or C", "C"),
        ("B. London", MARK),  # no " B " and only 2 words: the official random guess
        ("Answer:B", MARK),
        ("B,.", MARK),  # "," is stripped before ".", so the comma stays: " B, "
        ("The capital city you are looking for is Berlin", "C"),  # > 5 words: the option's text
        ("It is Berlin", MARK),  # the option's text, but only 3 words
        ("", MARK),
    ],
)
def test_mmmu_multiple_choice_rules(response: str, expected: str) -> None:
    assert parse_multi_choice_response(response, LETTERS, INDEX2ANS, fallback=MARK) == expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("Answer: D", "D"),
        ("Reasoning about (A)...\nAnswer: (B)", "B"),  # the "Answer:" step comes first
        ("Answer: Berlin", "B"),  # the one capital letter after "Answer:" that is a choice: B of Berlin
        ("Answer: A and C", "C"),  # two letters: on to the other steps, the last "(X)"/" X " wins
        ("answer: b", MARK),  # case-sensitive "Answer:"; no letter
        ("B. London", "B"),  # the "X." step that MMMU lacks
        ("DNA ", "A"),  # "A " with no space before it
    ],
)
def test_mmmu_pro_rules(response: str, expected: str) -> None:
    assert parse_mmmu_pro_response(response, LETTERS, INDEX2ANS, fallback=MARK) == expected


def test_the_random_fallback_is_a_seeded_choice_keyed_on_the_doc_id() -> None:
    doc = {"id": "validation_Art_1", "options": str(OPTIONS), "question_type": "multiple-choice"}
    first = extract_mmmu_answer("I cannot tell.", doc)
    assert first in LETTERS
    assert all(extract_mmmu_answer("no idea", doc) == first for _ in range(3))  # same doc, same guess
    assert first == fallback_choice("validation_Art_1", LETTERS)
    guesses = Counter(fallback_choice(f"validation_Art_{i}", LETTERS) for i in range(4000))
    assert set(guesses) == set(LETTERS) and min(guesses.values()) > 900  # about uniform
    assert extract_mmmu_pro_answer("", doc) == first


def test_open_answers_numbers_and_units() -> None:
    assert parse_open_response("The answer is 12.50 cm.") == ["12.50 cm", 12.5]
    assert eval_open("12.5", parse_open_response("The answer is 12.50 cm."))
    assert eval_open("1,000", parse_open_response("So 1000 dollars"))
    assert not eval_open("0.10", parse_open_response("10%"))
    assert eval_open("C", parse_open_response("Region C"))  # "c " in "region c" after normalising
    assert normalize_str("A") == [" a", "a "]
    # the three patterns run separately: "234" of "1,234" and "2", "3" of "2.5e3" are plain numbers too
    assert extract_numbers("1,234 and 2.5e3 and -7") == ["1,234", "2.5e3", "234", "2", "3", "-7"]


def test_list_answers_are_read_back_from_the_hubs_string_literal() -> None:
    assert gold_answers("['24/7', '3.429']") == ["24/7", "3.429"]
    assert gold_answers("[1, 2]") == "[1, 2]"  # not a list of strings: kept as text
    assert gold_answers("B") == "B"
    doc = {"id": "validation_Math_15", "question_type": "open"}
    assert mmmu_accuracy(extract_mmmu_answer("It slides at 3.429 ft/s", doc), "['24/7', '3.429']", doc) == 1.0
    assert eval_multi_choice(["A", "B"], "B") and not eval_multi_choice("A", "B")


def test_extracted_open_answers_are_json_and_the_metric_reads_raw_text_too() -> None:
    doc = {"id": "x", "question_type": "open"}
    extracted = extract_mmmu_answer("Thus the result is 3.5 kg", doc)
    assert json.loads(extracted) == ["3.5 kg", 3.5]
    assert mmmu_accuracy(extracted, "3.5", doc) == 1.0
    assert mmmu_accuracy("3.50", "3.5", doc) == 1.0  # identity extraction: parsed here
    assert mmmu_accuracy(None, "3.5", doc) == 0.0


def test_prompt_fields_for_the_tasks() -> None:
    docs = add_prompt_fields(
        [
            {
                "id": "validation_Art_Theory_3",
                "question": "Compare <image 2> with <image 1>.",
                "options": "['a cat', '<image 3>', '<image 2>']",
                "image_1": {"bytes": b"1"},
                "image_2": {"bytes": b"2"},
                "image_3": None,
                "image_4": {"bytes": b"4"},
            },
            {"id": "test_Physics_2", "question": "Why?", "options": "[]", "subject": "Physics"},
        ]
    )
    assert docs[0]["option_list"] == ["a cat", "<image 3>", "<image 2>"]
    assert docs[0]["images"] == [{"bytes": b"1"}, {"bytes": b"2"}]  # by number, once; empty image_3 left out
    assert (docs[0]["subject"], docs[0]["domain"]) == ("Art_Theory", "Art and Design")
    assert (docs[1]["option_list"], docs[1]["images"], docs[1]["domain"]) == ([], [], "Science")
    assert (
        subject_of("validation_Diagnostics_and_Laboratory_Medicine_7")
        == "Diagnostics_and_Laboratory_Medicine"
    )
    assert sum(len(s) for s in DOMAIN_SUBJECTS.values()) == 30
    with pytest.raises(DataError, match="validation_Art_1"):
        add_prompt_fields([{"id": "validation_Art_1", "question": "?", "options": "['a', 'b'"}])
