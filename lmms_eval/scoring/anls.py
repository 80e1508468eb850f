"""ANLS, the Average Normalized Levenshtein Similarity of ST-VQA (Biten et al., 2019) as scored for DocVQA
and InfographicVQA (Mathew et al., 2021, 2022), re-implemented from the official evaluation script of the
Robust Reading Competition / docvqa.org (``evaluate_method`` of ``infographicsvqa_eval.py``, "downloaded from
https://www.docvqa.org/datasets/infographicvqa and https://rrc.cvc.uab.es/?ch=17"; copy read at
https://github.com/QwenLM/Qwen-VL, ``eval_mm/infographicsvqa_eval.py`` at commit
e6bbb9dd9e9fc44a4498d372e83b3b172dc1d808).

For one question with prediction ``p`` and human answers ``a_1..a_M`` (:func:`anls`):

- each answer's distance is the edit distance between ``" ".join(s.strip().lower().split())`` of both
  strings (case ignored, whitespace runs collapsed), divided by ``max(len(a.upper()), len(p.upper()))`` of
  the strings *as given* (before stripping or collapsing spaces; ``upper()`` may lengthen them: ``ß`` is
  ``SS``), or 0.0 when both are empty;
- the question's score is ``s = 1 - min(distance)``, set to 0 when ``s < threshold`` (0.5): a similarity of
  exactly 0.5 counts. The benchmark's ANLS is the mean over questions (the ``mean`` aggregation).

So surrounding whitespace in the prediction lowers the distance of a near miss (longer denominator), as in
the official script. A None prediction (nothing extracted) scores 0.0, as do questions without answers
(where the official script fails).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import ConfigError

__all__ = ["anls", "levenshtein", "normalized_distance"]


def levenshtein(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Edit distance (insertions, deletions, substitutions, each costing 1) between two sequences.

    Two-row dynamic programme, O(len(a) * len(b)) time and O(min(len(a), len(b))) memory; a common prefix
    and suffix are skipped first."""
    if len(a) < len(b):
        a, b = b, a
    start = 0
    while start < len(b) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    while b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    previous = list(range(len(b) + 1))
    for i, item_a in enumerate(a, 1):
        current = [i]
        for j, item_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (item_a != item_b)))
        previous = current
    return previous[-1]


def _compare_form(text: str) -> str:
    return " ".join(text.strip().lower().split())


def normalized_distance(prediction: str, answer: str) -> float:
    """The official per-answer distance: edit distance of the compare forms over the raw upper-cased length."""
    length = max(len(answer.upper()), len(prediction.upper()))
    if length == 0:
        return 0.0
    return float(levenshtein(_compare_form(answer), _compare_form(prediction))) / float(length)


def _answers(target: Any) -> list[str]:
    if target is None:
        return []
    items = target if isinstance(target, (list, tuple)) else [target]
    return [str(a) for a in items if a is not None]


def anls(prediction: str | None, target: Any, doc: Mapping[str, Any], *, threshold: float = 0.5) -> float:
    """ANLS of one question (module docstring). ``target``: one answer or a list of accepted answers;
    ``threshold``: the similarity below which a question scores 0 (the official ``anls_threshold``)."""
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"anls: 'threshold' must be in [0, 1], got {threshold!r}.")
    answers = _answers(target)
    if prediction is None or not answers:
        return 0.0
    similarity = 1 - min(normalized_distance(prediction, a) for a in answers)
    return 0.0 if similarity < threshold else similarity
