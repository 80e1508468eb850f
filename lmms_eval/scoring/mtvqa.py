"""MTVQA (Tang et al., 2025): the official accuracy, re-implemented from ``evaluate_exact_match_accuracy`` in
``scripts/acc.py`` of https://github.com/bytedance/MTVQA at commit efc6a78a701516a76649430e1100c98e2904a7d8.

One question scores 1 when some ground-truth answer, stripped and lower-cased, is a substring of the response
stripped, lower-cased and with every ``.`` deleted (:func:`mtvqa_match`); the official script averages per
language, then takes the mean of the nine language accuracies (the ``macro_mean`` aggregation by ``lang``).

Quirks kept on purpose: periods are deleted from the response only, so an answer holding a period (``3.5``,
``U.S.``) can never match (lmms-eval 0.7.3 deletes them from both sides and so differs); an empty answer
matches every response; a substring is enough (``"12"`` matches ``"2012"``). A None prediction scores 0.

The hub's ``ByteDance/MTVQA`` keeps one row per image with its questions in ``qa_pairs`` (the text of a
Python list of ``{question, answer}``); :func:`flatten_qa_pairs` makes one doc per question as lmms-eval 0.7.3
does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["flatten_qa_pairs", "mtvqa_match", "qa_pairs"]


def qa_pairs(value: Any) -> list[dict[str, str]]:
    """The ``{question, answer}`` pairs of a row (a list, or its Python-literal text), stripped, without
    pairs missing either part (lmms-eval 0.7.3's reading; unreadable text gives none)."""
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = ast.literal_eval(value.strip())
        except (SyntaxError, ValueError):
            return []
    if not isinstance(value, list):
        return []
    pairs = []
    for pair in value:
        if not isinstance(pair, Mapping):
            continue
        question = str(pair.get("question", "")).strip()
        answer = str(pair.get("answer", "")).strip()
        if question and answer:
            pairs.append({"question": question, "answer": answer})
    return pairs


def flatten_qa_pairs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: one doc per question, ``question_id`` ``"<id>_<k>"`` (the k-th readable pair), with
    the row's ``id``, ``lang`` (``unknown`` when empty) and ``image``."""
    out = []
    for idx, doc in enumerate(docs):
        sample_id = str(doc.get("id", "")).strip() or f"mtvqa_{idx}"
        lang = str(doc.get("lang") or "").strip() or "unknown"
        for k, pair in enumerate(qa_pairs(doc.get("qa_pairs"))):
            out.append(
                {
                    "question_id": f"{sample_id}_{k}",
                    "id": sample_id,
                    "lang": lang,
                    "question": pair["question"],
                    "answer": pair["answer"],
                    "image": doc.get("image"),
                }
            )
    return out


def mtvqa_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when a ground-truth answer (``target``: one or a list) is in the processed response (module
    docstring), else 0.0."""
    if prediction is None:
        return 0.0
    answers = target if isinstance(target, (list, tuple)) else [target]
    response = prediction.strip().lower().replace(".", "")
    return max((1.0 if str(a).strip().lower() in response else 0.0 for a in answers), default=0.0)
