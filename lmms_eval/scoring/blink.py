"""BLINK (Fu et al., ECCV 2024, "BLINK: Multimodal Large Language Models Can See but Not Perceive"): the
official rule-based choice reading, re-implemented from ``analyze_answer`` in ``eval/test_benchmark.py`` of
https://github.com/zeyofu/BLINK_Benchmark at commit 2d6a779be4aa1ad0d38d7aa539bcb43b6dd81592; scoring as in
``eval/evaluate.py`` there (a prediction is right when it equals the answer, ``"(A)"``...; the total is the
plain mean of the 14 subtask accuracies: the catalog's ``blink`` group with ``aggregate: macro``).

The rules (:func:`blink_choice`), for a doc with n options (``choices = ["(A)", "(B)", ...][:n]``):

1. a response that is exactly ``A``..``E`` becomes ``"(A)"``..``"(E)"``; one that is exactly ``"(A)"``..
   ``"(E)"`` stays. Nothing is stripped first: ``" A"``, ``"A."`` and ``"a"`` are not whole letters, and
   ``"E"`` on a two-option doc still reads as ``"(E)"`` (a wrong answer);
2. otherwise the response is split on white space, and so is its last paragraph (the part after the last
   blank line, ``"\\n\\n"``); the options among the words of each (``intersect``, ``intersect_last``) are
   counted. When neither holds exactly one option, or the whole response holds none, the official code asks
   GPT-3.5 to match the answer (``eval/multiple_choice.py``): that fallback is **not** used here, so the
   response reads as nothing (scored wrong);
3. else the one option of the last paragraph, or failing that the one option of the whole response.

Only ``(X)`` written as a separate word counts: ``"(B)."`` and ``"answer:(B)"`` are not words equal to
``"(B)"``. In the official code the order of a Python set decides which option rule 3 returns when the
whole response holds several options and the last paragraph holds one: the last paragraph's wins, as here.

:func:`collect_images` (the tasks' ``process_docs``) lists each doc's non-empty ``image_1``..``image_4``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["IMAGE_COLUMNS", "blink_choice", "collect_images", "extract_blink_answer"]

_LETTERS = "ABCDE"
_BARE = frozenset(_LETTERS)
_BRACKETED = frozenset(f"({c})" for c in _LETTERS)


def blink_choice(answer: str, n_choices: int) -> str | None:
    """``"(A)"``... read by BLINK's rules from ``answer`` for a doc with ``n_choices`` options, or None where
    the official code would ask GPT-3.5 (see the module doc)."""
    choices = {f"({c})" for c in _LETTERS[:n_choices]}
    whole = choices.intersection(answer.split())
    last = choices.intersection(answer.split("\n\n")[-1].split())
    if answer in _BARE:
        return f"({answer})"
    if answer in _BRACKETED:
        return answer
    if (len(whole) != 1 and len(last) != 1) or not whole:
        return None
    return next(iter(last if len(last) == 1 else whole))


def extract_blink_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``blink``: the option ``"(A)"``... for the doc's ``choices``, or None (the GPT fallback)."""
    return blink_choice(text, len(doc.get("choices") or []))


#: BLINK's image columns, in order (a doc has one to four of them)
IMAGE_COLUMNS = ("image_1", "image_2", "image_3", "image_4")


def collect_images(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``images``, the list of its non-empty ``image_1``..``image_4`` in order
    (what lmms-eval 0.7.3 shows the model, before the text)."""
    return [{**doc, "images": [doc[c] for c in IMAGE_COLUMNS if doc.get(c) is not None]} for doc in docs]
