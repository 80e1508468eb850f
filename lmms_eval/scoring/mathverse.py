"""MathVerse (Zhang et al., 2024, "MathVerse: Does Your Multi-modal LLM Truly See the Diagrams in Visual Math
Problems?"): what of the official evaluation can run without an LLM, from ``evaluation/extract_answer_s1.py``
and ``evaluation/score_answer_s2.py`` of https://github.com/ZrrSkywalker/MathVerse at commit
937b090597aeafb8e82b35d310a4bc5b9e2ea29d (``evaluation/`` unchanged since ac31a9c).

The official score is two GPT calls per response: step 1 asks GPT to extract the answer from the response
(there is no rule-based extraction at all), step 2 asks GPT to judge the extraction against the answer. The
one rule in the official code is step 2's ``--quick_match`` option: the answer string equal to the
extraction, ``'1' if inst['answer'] == inst['extraction'] else '0'``, where the extraction is GPT's output
with ``'Extracted Answer: '`` removed and then stripped.

This module applies that rule with the **response itself** in place of GPT's extraction
(:func:`extract_mathverse_quick` does the official post-processing: remove ``'Extracted Answer: '``, strip;
:func:`mathverse_quick_match` compares). That is **not** the official MathVerse score: a response is right
only when it is exactly the answer (``B``, ``2\\sqrt{3}``), so any reasoning, ``B.``, ``(B)`` or ``The answer
is B`` counts as wrong; it is a lower bound for direct-answer prompts, reported as ``quick_match``. The GPT
extraction and judgement come with the judge. (lmms-eval 0.7.3 sends the whole response to its judge in one
call, and its ``quick_match`` compares the unstripped response to the answer.)

Breakdowns, as the official step 2 prints them: per ``problem_version`` and per ``subject`` / ``subfield``
of ``metadata`` (:func:`add_category_fields` copies them to columns).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["add_category_fields", "extract_mathverse_quick", "mathverse_quick_match"]


def extract_mathverse_quick(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``mathverse_quick``: the response with the official post-processing of an extraction
    (``'Extracted Answer: '`` removed, stripped)."""
    return text.replace("Extracted Answer: ", "").strip()


def mathverse_quick_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``mathverse_quick_match``: the official quick_match, ``answer == extraction`` (1.0 or 0.0)."""
    if prediction is None:
        return 0.0
    targets = target if isinstance(target, (list, tuple)) else [target]
    return float(any(t == prediction for t in targets))


def add_category_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of MathVerse: each doc with ``subject`` and ``subfield`` from its ``metadata``."""
    out = []
    for doc in docs:
        meta = doc.get("metadata") or {}
        out.append({**doc, "subject": meta.get("subject"), "subfield": meta.get("subfield")})
    return out
