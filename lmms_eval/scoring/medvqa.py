"""Medical VQA short-answer matching (SLAKE, VQA-RAD, PathVQA): lmms-eval 0.7.3's SLAKE rule
(``lmms_eval/tasks/slake/utils.py`` of lmms-eval 0.7.3: ``normalize_answer``, ``slake_process_results``).

SLAKE's paper (Liu et al. 2021, ISBI) and VQA-RAD's (Lau et al. 2018) report accuracy, a predicted answer
equal to the reference, for open and closed questions alike; PathVQA's paper (He et al. 2020) reports
accuracy for yes/no questions and exact match (plus BLEU and F1, not computed here) for open ones. None of
them ships a rule for reading a generative model's free text, so the peer's normalization is the rule, for
all three benchmarks, matched quirk for quirk. Both the response and the reference go through
:func:`normalize_medvqa_answer`:

1. ``None`` becomes ``""``; the text is stripped and lower-cased;
2. every parenthesised part, ``(...)`` and full-width ``（...）``, becomes a space (non-greedy, no nesting:
   "(a (b) c)" leaves " c)");
3. every ASCII punctuation mark and the Chinese marks of 0.7.3's list become spaces; runs of whitespace
   collapse to one space and the ends are stripped;
4. ``x ray`` and ``xray`` (the whole answer) become ``xray``;
5. a whole answer that is one of the yes words (``yes yeah yep true`` and ``是 是的 有 包含 可以 能 会 正常``)
   becomes ``yes``, one of the no words (``no nope false`` and ``否 不是 没有 无 不包含 不能 不会 不可以 不正常
   异常``) becomes ``no``.

The sample is right when the two normalized strings are equal ("Yes, there is." is wrong for "Yes": the
rule asks for a single word or phrase, as the prompt does). :func:`add_answer_type` writes the closed/open
label that VQA-RAD's and PathVQA's hub copies lack (closed: the reference is yes or no, as those papers
define closed questions) for the breakdown; SLAKE has its own ``answer_type`` column.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

__all__ = ["add_answer_type", "medvqa_exact_match", "normalize_medvqa_answer"]

_ZH_PUNCTUATION = "！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～、，。；：《》？【】（）"
_TO_SPACE = str.maketrans({c: " " for c in string.punctuation + _ZH_PUNCTUATION})
_YES = frozenset({"yes", "yeah", "yep", "true", "是", "是的", "有", "包含", "可以", "能", "会", "正常"})
_NO = frozenset(
    {"no", "nope", "false", "否", "不是", "没有", "无", "不包含", "不能", "不会", "不可以", "不正常", "异常"}
)


def normalize_medvqa_answer(answer: Any) -> str:
    """lmms-eval 0.7.3's SLAKE normalization of a short answer (steps in the module docstring)."""
    text = "" if answer is None else str(answer)
    text = text.strip().lower()
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"（[^）]*）", " ", text)
    text = re.sub(r"\s+", " ", text.translate(_TO_SPACE)).strip()
    if text in ("x ray", "xray"):
        text = "xray"
    if text in _YES:
        return "yes"
    if text in _NO:
        return "no"
    return text


def medvqa_exact_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the response and the reference are equal after :func:`normalize_medvqa_answer`, else 0.0
    (an unread response, ``None``, normalizes to ``""`` as 0.7.3's empty response does)."""
    return float(normalize_medvqa_answer(prediction) == normalize_medvqa_answer(target))


def add_answer_type(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each doc with ``answer_type``: ``closed`` when its ``answer`` is yes or no (case and surrounding
    space ignored), else ``open``."""
    out = []
    for doc in docs:
        closed = str(doc.get("answer") or "").strip().lower() in ("yes", "no")
        out.append({**doc, "answer_type": "closed" if closed else "open"})
    return out
