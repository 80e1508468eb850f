"""OCRBench v2's official per-sample scoring: the rule-based, exact parts only.

Official source: github.com/Yuliang-Liu/MultimodalOCR@794c36d6423cf1d5764081128bcaeb46b240def6,
``OCRBench_v2/eval_scripts/eval.py`` (``process_predictions``) and ``vqa_metric.py``; lmms-eval 0.7.3's
``ocrbench_v2`` task copies them. Implemented here, for the question types below (the ``type`` column):

- "APP agent en", "ASCII art classification en", "math QA en", "reasoning VQA en", "science QA en",
  "text recognition en", "document classification en", "cognition VQA en", "diagram QA en": with
  ``eval`` "multiple choice", the response's letters only (``str.isalpha``: "(B)." gives "B", "B and C" gives
  "BandC") must equal the answer; with "case sensitive", ``vqa_evaluation_case_sensitive``; without an
  ``eval``, ``vqa_evaluation``;
- "cognition VQA cn", "reasoning VQA cn": the same, with ``cn_vqa_evaluation`` when there is no ``eval``;
- "text counting en": ``counting_evaluation`` (``eval`` "exact match" or "regression");
- "formula recognition en": ``math_expression_evaluation``; "formula recognition cn":
  ``cn_math_expression_evaluation`` (a response "nan", in any case, scores 0: the official ``is_nan_value``).

The rules, per answer of the list (the score is the best over the answers):

- ``vqa_evaluation``: answer and response lower-cased, stripped, newlines made spaces; an answer of fewer than
  5 words is right (1) when it is a substring of the response; a longer one scores its ANLS similarity
  ``1 - levenshtein / max(len)`` when that is at least 0.5. ``vqa_evaluation_case_sensitive``: the same
  without lower-casing. ``cn_vqa_evaluation``: also every space removed, and the substring rule applies to
  answers of fewer than 4 comma-separated parts.
- ``counting_evaluation``: "exact match": the lower-cased, stripped answer is a substring of the *raw*
  response (not lower-cased: "Three" does not contain "three"); "regression": the first integer of the
  response (``\\d+``; a 0 counts as none) scores ``1 - |n - answer| / answer`` when above 0.5 and
  ``0 < n < 2 * answer``; any other ``eval``: 0.
- ``math_expression_evaluation``: the answer, stripped and without spaces or newlines, is a substring of
  the response treated alike; the Chinese variant first removes ``\\text{...}`` wrappers from both.

In the Hub dataset (``ling99/OCRBench_v2``) a question without an ``eval`` holds the string "None" (its
upload script writes ``str(None)``): it is read as no ``eval``, as the official script's missing key. An
``eval`` value the official script does not know raises, as there.

Not scored yet (their official metrics are not exact rules, or need large parts of the official code):
text spotting en, text grounding en, VQA with position en (IoU over parsed boxes), key information
extraction en/cn and key information mapping en (F1 over parsed dicts), table parsing en/cn, chart parsing en,
document parsing en/cn (TEDS), full-page OCR en/cn, fine-grained text recognition en, text translation cn,
handwritten answer extraction cn (BLEU, METEOR, F-measure and edit distance). Their types are listed in
:data:`NOT_SCORED`.

``tests/scoring/fixtures/ocrbench_v2_official_cases.jsonl`` holds the official functions' scores on messy
responses; ``tests/scoring/test_ocrbench_v2.py`` requires :func:`ocrbench_v2_score` to agree on every one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.scoring.anls import levenshtein as levenshtein_distance

VQA_EN_TYPES = frozenset(
    {
        "APP agent en",
        "ASCII art classification en",
        "math QA en",
        "reasoning VQA en",
        "science QA en",
        "text recognition en",
        "document classification en",
        "cognition VQA en",
        "diagram QA en",
    }
)
VQA_CN_TYPES = frozenset({"cognition VQA cn", "reasoning VQA cn"})
SCORED = (
    VQA_EN_TYPES | VQA_CN_TYPES | {"text counting en", "formula recognition en", "formula recognition cn"}
)
NOT_SCORED = frozenset(
    {
        "key information extraction en",
        "key information mapping en",
        "full-page OCR en",
        "fine-grained text recognition en",
        "table parsing en",
        "text grounding en",
        "text spotting en",
        "VQA with position en",
        "chart parsing en",
        "document parsing en",
        "key information extraction cn",
        "full-page OCR cn",
        "text translation cn",
        "table parsing cn",
        "handwritten answer extraction cn",
        "document parsing cn",
    }
)


def _anls(predict: str, answer: str) -> float:
    length = max(len(predict), len(answer))
    return 1 - (0.0 if length == 0 else levenshtein_distance(predict, answer) / length)


def _best(predict: str, answers: Sequence[str], short: Any) -> float:
    """Substring match (1) for a short answer, else ANLS when >= 0.5; the best over the answers."""
    score = 0.0
    for answer in answers:
        if short(answer):
            if answer in predict:
                score = 1.0
        else:
            value = _anls(predict, answer)
            if value >= 0.5 and value > score:
                score = value
    return score


def _one_line(text: Any) -> str:
    return str(text).strip().replace("\n", " ")


def vqa_evaluation(predict: str, answers: Sequence[Any]) -> float:
    answers_ = [_one_line(str(a).lower()) for a in answers]
    return _best(_one_line(predict.lower()), answers_, lambda a: len(a.split()) < 5)


def vqa_evaluation_case_sensitive(predict: str, answers: Sequence[Any]) -> float:
    return _best(_one_line(predict), [_one_line(a) for a in answers], lambda a: len(a.split()) < 5)


def cn_vqa_evaluation(predict: str, answers: Sequence[Any]) -> float:
    answers_ = [_one_line(str(a).lower()).replace(" ", "") for a in answers]
    return _best(_one_line(predict.lower()).replace(" ", ""), answers_, lambda a: len(a.split(",")) < 4)


def _first_number(text: str) -> int | None:
    match = re.search(r"\d+", text)
    return int(match.group()) if match else None


def counting_evaluation(predict: str, answers: Sequence[Any], eval_method: Any) -> float:
    processed = predict.lower().strip().replace("\n", " ")
    best = 0.0
    score = 0.0
    for raw in answers:
        answer = str(raw).lower().strip().replace("\n", " ")
        if eval_method == "exact match":
            score = 1.0 if answer in predict else 0.0
        elif eval_method == "regression":
            number = _first_number(processed)
            score = 0.0
            if number:
                target = int(answer)
                if 0 < number < 2 * target:
                    iou = 1 - abs(number - target) / target
                    score = iou if iou > 0.5 else 0.0
        best = max(best, score)
    return best


def math_expression_evaluation(predict: str, answers: Sequence[Any]) -> float:
    squeeze = _one_line(predict).replace(" ", "")
    return float(any(_one_line(a).replace(" ", "") in squeeze for a in answers))


def _remove_text_tags(latex: str) -> str:
    return re.sub(r"\\text\{([^{}]*)\}", r"\1", latex)


def cn_math_expression_evaluation(predict: str, answers: Sequence[Any]) -> float:
    if len(answers) != 1:
        raise AssertionError("formula recognition cn: one answer expected (the official assert)")
    return math_expression_evaluation(_remove_text_tags(predict), [_remove_text_tags(str(answers[0]))])


def _multiple_choice(predict: str, answers: Sequence[Any]) -> float:
    if len(answers) != 1:
        raise AssertionError("multiple choice: one answer expected (the official assert)")
    return float("".join(c for c in predict if c.isalpha()) == answers[0])


def _eval_method(doc: Mapping[str, Any]) -> str | None:
    value = doc.get("eval")
    return None if value is None or value == "None" else str(value)


def _vqa(predict: str, answers: Sequence[Any], method: str | None, chinese: bool) -> float:
    if method is None:
        return cn_vqa_evaluation(predict, answers) if chinese else vqa_evaluation(predict, answers)
    if method == "multiple choice":
        return _multiple_choice(predict, answers)
    if method == "case sensitive":
        return vqa_evaluation_case_sensitive(predict, answers)
    raise ValueError("No such evaluation method")


def ocrbench_v2_score(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """The official score of a response to a question of a rule-scored type (see :data:`SCORED`)."""
    kind = doc["type"]
    if kind not in SCORED:
        raise ValueError(f"OCRBench v2 type {kind!r} is not scored by rules here")
    predict = "" if prediction is None else prediction
    answers = list(doc["answers"])
    if kind in VQA_EN_TYPES or kind in VQA_CN_TYPES:
        return _vqa(predict, answers, _eval_method(doc), kind in VQA_CN_TYPES)
    if kind == "text counting en":
        return counting_evaluation(predict, answers, doc.get("eval"))
    if kind == "formula recognition en":
        return math_expression_evaluation(predict, answers)
    if predict.lower() == "nan":  # the official is_nan_value
        return 0.0
    return cn_math_expression_evaluation(predict, answers)
