"""POPE (Li et al., 2023, "Evaluating Object Hallucination in Large Vision-Language Models"): the official
evaluation, re-implemented from ``evaluate.py`` of https://github.com/AoiDragon/POPE at commit
08d957b917e5a378a2f99d35b6293c536a66298b (``evaluate.py`` is unchanged since the initial commit f3ec604).

Reading an answer (:func:`pope_answer`), in the official order of operations:

1. if the text holds a ``.`` anywhere, only what comes before the first ``.`` is kept ("first sentence";
   so ``"3.5 cats"`` keeps ``"3"`` and ``"...no"`` keeps ``""``);
2. every ``,`` is removed;
3. the text is split on single spaces (``str.split(" ")``: a newline or tab does not separate words);
4. the answer is ``"no"`` when one of the words is exactly ``No``, ``not`` or ``no`` (case-sensitive),
   else ``"yes"``.

So everything that is not a recognised "no" counts as "yes": ``""``, ``"I don't know"``, ``"Nope"``,
``"NO"``, ``"No!"``, ``"Not sure"`` (capital ``Not``) and ``"no\\nthere is"`` are all "yes", while
``"not sure"``, ``"There is no dog"`` and ``"No, there isn't"`` are "no".

Labels (:func:`pope_label`): the official code maps a label equal to ``"no"`` to the negative class and
every other label to the positive class ("yes"), without normalising it.

Metrics: "yes" is the positive class; accuracy ``(TP + TN) / N``, precision ``TP / (TP + FP)``, recall
``TP / (TP + FN)``, F1 ``2 P R / (P + R)`` and yes-ratio ``(TP + FP) / N`` (the share of "yes"
*predictions*). Per sample, :func:`pope_correct` gives 0/1 (aggregated by ``mean``) and
:func:`pope_confusion` the confusion cell (3.0 TP, 2.0 FN, 1.0 FP, 0.0 TN, the codes of
:mod:`lmms_eval.scoring.aggregations`), aggregated by ``yes_precision``, ``yes_recall``, ``yes_f1`` and
``yes_ratio``. ``yes_f1`` computes ``2 TP / (2 TP + FP + FN)``, algebraically equal to the official
``2 P R / (P + R)``. Where the official script divides by zero (no "yes" prediction: precision; no "yes"
label: recall) and stops, these aggregations give 0.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lmms_eval.scoring.aggregations import FN, FP, TN, TP

__all__ = ["extract_pope_answer", "pope_answer", "pope_confusion", "pope_correct", "pope_label"]

_NO_WORDS = frozenset({"No", "not", "no"})


def pope_answer(text: str) -> str:
    """``"yes"`` or ``"no"``: the official POPE reading of a model's answer (see the module doc)."""
    if "." in text:
        text = text.split(".")[0]
    words = text.replace(",", "").split(" ")
    return "no" if _NO_WORDS.intersection(words) else "yes"


def extract_pope_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``pope``: the official reading of the response; never None (anything else is "yes")."""
    return pope_answer(text)


def pope_label(target: Any) -> str:
    """The official class of a label: ``"no"`` only for the exact label ``"no"``, else ``"yes"``."""
    return "no" if target == "no" else "yes"


def _predicted(prediction: str | None) -> str:
    # pope_answer is idempotent on "yes"/"no", so the metric also reads raw text (identity extractor)
    return pope_answer(prediction or "")


def pope_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the official reading of the prediction equals the label's class, else 0.0."""
    return float(_predicted(prediction) == pope_label(target))


def pope_confusion(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """The confusion cell, "yes" positive: 3.0 TP, 2.0 FN, 1.0 FP, 0.0 TN."""
    gold_yes = pope_label(target) == "yes"
    pred_yes = _predicted(prediction) == "yes"
    if gold_yes:
        return TP if pred_yes else FN
    return FP if pred_yes else TN
