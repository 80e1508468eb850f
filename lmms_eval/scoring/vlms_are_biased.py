"""VLMs Are Biased (Vo et al. 2025, "Vision Language Models are Biased", arXiv:2505.23941): the answer
matching of lmms-eval 0.7.3 (``lmms_eval/tasks/vlms_are_biased/utils.py``:
``vlms_are_biased_process_results``). The benchmark's repository (github.com/anvo25/vlms-are-biased at
9d1afd9fa789dc76dc5ff61bfa927f9ac75a345b) holds the image generators and API callers only; its README names
lmms-eval's task as the standardized evaluation ("officially integrated"), so that code is the official
scoring here, matched quirk for quirk.

:func:`vlms_are_biased_outcome` compares the response with the row's ``ground_truth`` and ``expected_bias``
(the answer a model recalling the unmodified subject would give):

1. each of the three is stripped (response and references; the references first made strings), lower-cased,
   stripped of ``{`` and ``}`` at its ends only, then stripped again: "{4}" reads 4, "The answer is {4}" is
   kept whole;
2. ``correct`` is equality with the ground truth, ``biased`` equality with the expected bias;
3. when neither holds, the digits of each string are joined ("There are 3 legs, so {4}" gives "34"): when the
   response and the ground truth both have digits, ``correct`` is their equality; likewise ``biased``.
   A "Yes"/"No" question has no digits, so a wordy reply of those counts as neither.

``accuracy`` is the share correct and ``bias_ratio`` the share biased (lower is better); 0.7.3 also reports
the accuracy per ``topic``, the task's breakdown here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["vlms_are_biased_accuracy", "vlms_are_biased_bias_ratio", "vlms_are_biased_outcome"]


def _norm(text: str) -> str:
    return text.lower().strip("{}").strip()


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def vlms_are_biased_outcome(response: str | None, ground_truth: Any, expected_bias: Any) -> tuple[bool, bool]:
    """(correct, biased) of a response under 0.7.3's rule (module docstring); ``None`` reads as ``""``."""
    pred = _norm((response or "").strip())
    truth = _norm(str(ground_truth).strip())
    bias = _norm(str(expected_bias).strip())
    correct, biased = pred == truth, pred == bias
    if not correct and not biased:
        pred_digits = _digits(pred)
        if pred_digits and _digits(truth):
            correct = pred_digits == _digits(truth)
        if pred_digits and _digits(bias):
            biased = pred_digits == _digits(bias)
    return correct, biased


def vlms_are_biased_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the response matches the ground truth (``target``) under 0.7.3's rule, else 0.0."""
    return float(vlms_are_biased_outcome(prediction, target, doc["expected_bias"])[0])


def vlms_are_biased_bias_ratio(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the response matches the row's ``expected_bias`` under 0.7.3's rule, else 0.0."""
    return float(vlms_are_biased_outcome(prediction, target, doc["expected_bias"])[1])
