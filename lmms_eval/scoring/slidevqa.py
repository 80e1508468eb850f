"""SlideVQA (Tanaka et al., 2023): the official QA exact match and F1, re-implemented from ``normalize_answer``
and ``evaluate_f1_em_qa`` in ``evaluate.py`` of https://github.com/nttmdlab-nlp/SlideVQA at commit
e1f0bd991a46b36024af5a18b3429e923f9610c4.

Both the response and the answer are normalized with the question (:func:`normalize_answer`), in the official
order: lower-case; drop ``this is ``/``it is ``, ``&`` and every ``and`` (also inside words) become ``,``,
``percent``/``because of``/``because``/``due to`` are dropped, ``organisation`` -> ``organization``,
``hours`` -> ``hrs``, ``minites`` -> ``min``; when the (case-sensitive) question holds ``how many`` or
``which``, the word after it is deleted wherever it occurs; punctuation is deleted; ``a``/``an``/``the``
become spaces; a text starting with ``yes`` or ``no`` keeps only its first word; whitespace is collapsed;
number words ``zero``..``nineteen`` become digits. Then, over the tokens (:func:`slidevqa_scores`): with no
token in common both scores are 0 (two empty answers included); else F1 is the harmonic mean of token
precision and recall and EM is 1 when the token lists are equal. The benchmark reports the means.

Quirks kept on purpose: the replacements work on substrings (``brand`` -> ``br,``, ``thousand`` ->
``thous,``); the cues ``how many`` and ``which`` are matched case-sensitively, so a question starting with
``How many`` cuts nothing, and the unit keeps the question's case while the text is lower-cased; the unit word is cut out of both texts wherever it occurs, inside words too; a text starting with
``no`` (``none of them``, ``not sure``) keeps only its first word. Where the official code fails (``how many`` or ``which`` last in the question:
``IndexError``), nothing is deleted here; a None prediction scores 0. The evidence-selection and joint
scores of the official script need predicted pages, which a generated answer does not carry.

lmms-eval 0.7.3 scores ANLS, EM and F1 without this normalization (not the official rule), and shows the deck
packed into at most five two-column grid images (VLMEvalKit's convention); :func:`add_page_list` gives the
pages one by one instead (packing every deck when the docs load would hold all the grids in memory).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "add_page_list",
    "normalize_answer",
    "slidevqa_em",
    "slidevqa_f1",
    "slidevqa_scores",
]

WORD_NUMBER_MAP = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_REPLACEMENTS = (
    ("this is ", ""), ("it is ", ""), ("&", ","), ("and", ","), ("percent", ""), ("organisation", "organization"),
    ("because of", ""), ("because", ""), ("due to", ""), ("hours", "hrs"), ("minites", "min"),
)  # fmt: skip
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)
PAGE_COLUMNS = tuple(f"page_{i}" for i in range(1, 21))


def _remove_unit(text: str, question: str) -> str:
    for cue in ("how many", "which"):
        if cue in question:
            rest = question[question.find(cue) + len(cue) :].split()
            if rest:
                text = text.replace(rest[0], "")
    return text


def normalize_answer(text: str, question: str) -> str:
    """The official ``normalize_answer(s, question)`` (module docstring)."""
    text = text.lower()
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    text = _remove_unit(text, question)
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    if text[:3] == "yes" or text[:2] == "no":
        text = text.split()[0]
    text = " ".join(text.split())
    return " ".join(str(WORD_NUMBER_MAP[w]) if w in WORD_NUMBER_MAP else w for w in text.split())


def slidevqa_scores(prediction: str, answer: str, question: str) -> tuple[float, float]:
    """``(em, f1)`` of one question, as ``evaluate_f1_em_qa`` counts them (module docstring)."""
    pred_tokens = normalize_answer(prediction, question).split()
    gold_tokens = normalize_answer(answer, question).split()
    same = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if same == 0:
        return 0.0, 0.0
    precision = 1.0 * same / len(pred_tokens)
    recall = 1.0 * same / len(gold_tokens)
    return float(pred_tokens == gold_tokens), (2 * precision * recall) / (precision + recall)


def _answer(target: Any) -> str | None:
    if isinstance(target, (list, tuple)):
        target = target[0] if target else None
    return None if target is None else str(target)


def slidevqa_em(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Exact match after normalization with ``doc["question"]``; 0.0 for a None prediction or answer."""
    answer = _answer(target)
    if prediction is None or answer is None:
        return 0.0
    return slidevqa_scores(prediction, answer, str(doc.get("question", "")))[0]


def slidevqa_f1(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Token F1 after normalization with ``doc["question"]``; 0.0 for a None prediction or answer."""
    answer = _answer(target)
    if prediction is None or answer is None:
        return 0.0
    return slidevqa_scores(prediction, answer, str(doc.get("question", "")))[1]


def add_page_list(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``images``, its present ``page_1``..``page_20`` in order."""
    return [{**doc, "images": [doc[c] for c in PAGE_COLUMNS if doc.get(c) is not None]} for doc in docs]
