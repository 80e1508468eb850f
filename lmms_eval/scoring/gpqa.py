"""GPQA's zero-shot chain-of-thought task as lmms-eval 0.7.3 defines it (``gpqa_*_cot_zeroshot``, a copy of
lm-evaluation-harness's).

Follows lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``; github.com/EvolvingLMMs-Lab/lmms-eval),
``lmms_eval/tasks/gpqa/cot_zeroshot/utils.py`` (``preprocess``, ``process_docs``) and
``_gpqa_cot_zeroshot_yaml`` (two filters, each scored by ``exact_match`` with ``ignore_case`` and
``ignore_punctuation`` against the answer ``(X)``):

- ``strict-match``: the text after the first "The answer is " on its line, without its last character
  (``(?<=The answer is )(.*)(?=.)``);
- ``flexible-extract``: ``multi_choice_regex`` with ``(\\([A-Z]\\))``, the last match (see
  :mod:`lmms_eval.scoring.harness_filters`).

Departure: the official ``process_docs`` shuffles the four options with Python's global ``random`` (its
order depends on the run); here each question's options are shuffled by a generator seeded with its
``Record ID`` (reproducible). Each option is cleaned as the official ``preprocess`` (stripped, `` [title]``
read as ``". "``, ``[...]`` removed, double spaces made single; a missing one becomes ``" "``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from typing import Any

from lmms_eval.scoring.harness_filters import harness_exact_match, multi_choice_regex_filter, regex_filter

STRICT_PATTERN = r"(?<=The answer is )(.*)(?=.)"
FLEXIBLE_PATTERN = r"(\([A-Z]\))"


def preprocess(text: str | None) -> str:
    """The official ``preprocess`` of an option."""
    if text is None:
        return " "
    text = text.strip().replace(" [title]", ". ")
    text = re.sub(r"\[.*?\]", "", text)
    return text.replace("  ", " ")


def add_shuffled_choices(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: ``choice1``..``choice4`` and ``choices`` (the three incorrect answers and the correct
    one, cleaned and shuffled, seeded by ``Record ID``) and ``answer``, the correct one's ``(X)``."""
    out = []
    for doc in docs:
        correct = preprocess(doc["Correct Answer"])
        choices = [preprocess(doc[f"Incorrect Answer {i}"]) for i in (1, 2, 3)] + [correct]
        random.Random(f"gpqa:{doc['Record ID']}").shuffle(choices)
        letter = chr(ord("A") + choices.index(correct))
        out.append({**doc, **{f"choice{i + 1}": c for i, c in enumerate(choices)}, "choices": choices, "answer": f"({letter})"})  # fmt: skip
    return out


def strict_answer(text: str) -> str:
    """The ``strict-match`` filter."""
    return regex_filter(text, STRICT_PATTERN)


def flexible_answer(text: str, choices: list[str]) -> str:
    """The ``flexible-extract`` filter."""
    return multi_choice_regex_filter(
        text, choices, FLEXIBLE_PATTERN, group_select=-1, ignore_case=True, ignore_punctuation=True
    )


def _match(answer: str, target: Any) -> float:
    return float(harness_exact_match(answer, str(target), ignore_case=True, ignore_punctuation=True))


def gpqa_strict_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``exact_match`` of the strict-match answer (use the ``identity`` extractor)."""
    return _match(strict_answer(prediction or ""), target)


def gpqa_flexible_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``exact_match`` of the flexible-extract answer (use the ``identity`` extractor)."""
    return _match(flexible_answer(prediction or "", list(doc["choices"])), target)
