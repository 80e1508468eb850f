"""LongVideoBench's answer parsing as lmms-eval 0.7.3 does it.

Source: lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``), ``lmms_eval/tasks/longvideobench/utils.py``,
``parse_multi_choice_response`` as called by ``longvideobench_process_results``; its docstring says it is
the rule of the LongVideoBench paper's authors (github.com/longvideobench/LongVideoBench). In order:

1. the response is stripped, and each of "The best answer is", "The correct answer is", "The answer is",
   "The answer", "The best option is", "The correct option is", "Best answer:", "Best option:" is removed
   wherever it occurs (case-sensitive);
2. the first capital A-E anywhere in the text is the answer ("Based on ..." reads B; an "E" counts even for
   a four-option question);
3. none: the official code draws ``random.choice`` among the question's letters (also when the text has more
   than 10 words and no capital A-E, the same case); here the seeded
   :func:`lmms_eval.scoring.mmmu.fallback_choice` keyed by the question's ``id``.

The letter is compared with ``chr(ord("A") + correct_choice)``. The official overall accuracy
(``calculate_ins_level_acc`` over the duration groups and question categories, each question counted in one
of each) equals the plain mean. ``tests/scoring/fixtures/longvideobench_official_cases.jsonl`` holds the peer
function's readings of messy responses (its random draws marked); ``tests/scoring/test_longvideobench.py``
requires agreement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lmms_eval.scoring.mmmu import fallback_choice

__all__ = [
    "ANSWER_PREFIXES",
    "extract_longvideobench_answer",
    "longvideobench_options",
    "parse_longvideobench",
]

ANSWER_PREFIXES: tuple[str, ...] = (
    "The best answer is",
    "The correct answer is",
    "The answer is",
    "The answer",
    "The best option is",
    "The correct option is",
    "Best answer:",
    "Best option:",
)
_LETTER = re.compile(r"[ABCDE]")


def parse_longvideobench(response: str) -> str | None:
    """The letter the peer's parser reads (module docstring), None where it would guess."""
    text = response.strip()
    for prefix in ANSWER_PREFIXES:
        text = text.replace(prefix, "")
    found = _LETTER.search(text)
    return found.group(0) if found is not None else None


def longvideobench_options(doc: Mapping[str, Any]) -> list[str]:
    """The options ``option0`` ... ``option4`` up to the first "N/A" (as the peer's scorer lists them)."""
    options = []
    for i in range(5):
        option = doc.get(f"option{i}")
        if option == "N/A" or option is None:
            break
        options.append(str(option))
    return options


def extract_longvideobench_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``longvideobench``: the letter read, or the seeded guess among the question's letters."""
    letter = parse_longvideobench(text)
    if letter is not None:
        return letter
    letters = [chr(ord("A") + i) for i in range(max(len(longvideobench_options(doc)), 1))]
    return fallback_choice(str(doc.get("id", "")), letters)
