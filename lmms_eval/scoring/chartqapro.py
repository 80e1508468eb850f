"""ChartQAPro (Masry et al., 2025): the official relaxed correctness, re-implemented from
``evaluate_predictions.py`` of https://github.com/vis-nlp/ChartQAPro at commit
4b422c658270aff1d3105fd0fb39b1dd5de9f08c (``evaluate_predictions_chartqapro`` and its helpers), whose text
fallback is ``anls_score`` of the ``anls`` package (PyPI, version 0.0.2).

For one question (:func:`chartqapro_relaxed_accuracy`), with the last entry of ``Answer`` as the target:

1. the target and the response lose leading/trailing periods, then leading/trailing newlines
   (``.strip(".").strip("\\n")``; spaces are not stripped first, so ``"42. "`` keeps its period);
2. both become lists: the target after ``fix_list_format`` (a ``[...]`` text gets quotes around bare items,
   then ``ast.literal_eval``), each through ``parse_to_list`` (``ast.literal_eval``; a list gives its items as
   ``str(x).strip(" '")``, anything else, an empty list included, the text itself as the only item);
3. position by position over the longer list: a missing item scores 0; an item whose ``Year`` flag is
   ``YES`` (case-insensitive) scores 1 on a case-insensitive match after stripping, else 0; any other item is
   compared by :func:`single_answer_score`: with ``%`` and spaces stripped, two numbers (Python ``float``)
   score 1 when within 5% of the target (exactly 0 for a target of 0), otherwise the ``anls`` package's ANLS
   of the lower-cased texts (:func:`anls_package_score`);
4. the question scores the mean over positions. The benchmark reports the mean per question type and overall.

The year flags are the doc's ``Year`` list (only its last entry for Conversational questions), repeated
``n`` times when shorter than the ``n`` target items.

Quirks kept on purpose: the official evaluation computes ``always_use_exact_match`` for Fact Checking and
Multi Choice questions but never passes it on, so those are scored like the others (numbers within 5%, ANLS
for text) - lmms-eval 0.7.3 passes it (exact match) and so differs from the official numbers; ANLS here
collapses whitespace runs and measures lengths after that, and a similarity of exactly 0.5 scores 0 (the
``anls`` package keeps a distance only when ``< 0.5``), unlike the DocVQA script of
:mod:`lmms_eval.scoring.anls`; a response that is a Python literal list (``"[1, 2]"``) is compared item by
item. Where the official code fails (a doc without ``Year`` flags: ``IndexError``), a missing flag counts as
``NO`` here; a None prediction scores 0.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from typing import Any

from lmms_eval.scoring.anls import levenshtein

__all__ = [
    "add_prompt_fields",
    "anls_package_score",
    "chartqapro_relaxed_accuracy",
    "fix_list_format",
    "parse_to_list",
    "relaxed_correctness",
    "single_answer_score",
]

MAX_RELATIVE_CHANGE = 0.05
ANLS_THRESHOLD = 0.5
_LIST_TEXT = re.compile(r"^\[(.*)\]$")
_BARE_ITEM = re.compile(r"(?<!['\w])(\w[^,]*?)(?!['\w])")


def fix_list_format(item: Any) -> Any:
    """The official ``fix_list_format``: a ``[...]`` text with quotes added around bare items, evaluated as a
    Python list; anything else (or a text that does not evaluate) as given."""
    if not isinstance(item, str):
        return item
    match = _LIST_TEXT.match(item.strip())
    if not match:
        return item
    corrected = _BARE_ITEM.sub(r"'\1'", match.group(1))
    try:
        return ast.literal_eval(f"[{corrected}]")
    except (SyntaxError, ValueError):
        return item


def parse_to_list(text: Any) -> list[str] | None:
    """The official ``parse_to_list``: the items of a Python list literal as stripped texts, else None."""
    if not isinstance(text, str):
        return None
    try:
        parsed = ast.literal_eval(text)
    except Exception:  # the official code catches everything
        return None
    if isinstance(parsed, list):
        return [str(x).strip(" '") for x in parsed]
    return None


def _to_float(text: str) -> float | None:
    try:
        return float(text.strip().strip("%"))
    except ValueError:
        return None


def _anls_form(text: str) -> str:
    return " ".join(text.strip().lower().split())


def anls_package_score(prediction: str, answer: str) -> float:
    """``anls.anls_score(prediction, [answer], threshold=0.5)`` of the ``anls`` package: both texts stripped,
    lower-cased and whitespace-collapsed; the distance over the longer (upper-cased) length; the similarity
    ``1 - distance`` when the distance is below 0.5, else 0."""
    pred, gold = _anls_form(prediction), _anls_form(answer)
    length = max(len(pred.upper()), len(gold.upper()))
    distance = 0.0 if length == 0 else levenshtein(pred, gold) / length
    return 1 - distance if distance < ANLS_THRESHOLD else 0.0


def single_answer_score(target: str, prediction: str) -> float:
    """The official ``evaluate_single_answer``: numbers within 5% of the target, else ANLS (module
    docstring, step 3)."""
    t = target.strip().strip("%").strip()
    p = prediction.strip().strip("%").strip()
    t_f, p_f = _to_float(t), _to_float(p)
    if t_f is not None and p_f is not None:
        if t_f == 0.0:
            return 1.0 if p_f == 0.0 else 0.0
        change = abs(p_f - t_f) / abs(t_f)
        return 1.0 if change <= MAX_RELATIVE_CHANGE else 0.0
    return anls_package_score(p.lower(), t.lower())


def _is_yes(flags: list[Any], idx: int) -> bool:
    flag = flags[idx] if idx < len(flags) else None
    return isinstance(flag, str) and flag.upper() == "YES"


def relaxed_correctness(target: str, prediction: str, year_flags: list[Any]) -> float:
    """The official ``relaxed_correctness_chartqapro`` (as called, without exact match): steps 2-4 of the
    module docstring."""
    t_list = parse_to_list(str(fix_list_format(target))) or [str(target)]
    p_list = parse_to_list(str(prediction)) or [str(prediction)]
    n = len(t_list)
    flags = list(year_flags) * n if len(year_flags) < n else list(year_flags)
    scores: list[float] = []
    for idx in range(max(len(t_list), len(p_list))):
        if idx >= len(t_list) or idx >= len(p_list):
            scores.append(0.0)
        elif _is_yes(flags, idx):
            scores.append(1.0 if t_list[idx].strip().lower() == p_list[idx].strip().lower() else 0.0)
        else:
            scores.append(single_answer_score(t_list[idx], p_list[idx]))
    return sum(scores) / len(scores) if scores else 0.0


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist"):  # a numpy array from Parquet
        return list(value.tolist())
    return [value]


def chartqapro_relaxed_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """ChartQAPro's score of one question: ``target`` is the doc's ``Answer`` list (its last entry counts),
    the year flags come from ``doc["Year"]`` (module docstring)."""
    answers = _as_list(target)
    if prediction is None or not answers:
        return 0.0
    gt = str(answers[-1]).strip(".").strip("\n")
    pred = prediction.strip(".").strip("\n")
    flags = _as_list(doc.get("Year"))
    if doc.get("Question Type") == "Conversational":
        flags = flags[-1:]
    return relaxed_correctness(gt, pred, flags)


def _prompt_question(doc: Mapping[str, Any]) -> str:
    questions = [str(q) for q in _as_list(doc.get("Question"))]
    answers = [str(a) for a in _as_list(doc.get("Answer"))]
    if doc.get("Question Type") == "Conversational" and len(questions) > 1:
        lines = []
        for i, question in enumerate(questions[:-1]):
            lines.append(f"Q{i + 1}: {question.strip()}")
            if i < len(answers):
                lines.append(f"A{i + 1}: {answers[i].strip()}")
        lines.append(f"Q{len(questions)}: {questions[-1].strip()}")
        text = "\n".join(lines)
    else:
        text = questions[-1].strip() if questions else ""
    paragraph = str(doc.get("Paragraph") or "").strip()
    return f"Context: {paragraph}\n\n{text}" if paragraph else text


def add_prompt_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``prompt_question``, lmms-eval 0.7.3's question text (a Conversational
    question as ``Q1: ... A1: ... Qn: ...`` with the earlier answers, any ``Paragraph`` first as ``Context:``)
    and ``question_type`` (a copy of ``Question Type`` for the breakdown)."""
    return [
        {**doc, "prompt_question": _prompt_question(doc), "question_type": doc.get("Question Type")}
        for doc in docs
    ]
