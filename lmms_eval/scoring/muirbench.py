"""MuirBench (Wang et al., 2024, "MuirBench: A Comprehensive Benchmark for Robust Multi-image
Understanding"): the official answer parsing, ``eval/utils/postprocess.py`` (``parse_multi_choice_response``)
of https://github.com/muirbench/MuirBench at commit 840b85fe960ab6160cd566fe8360bfa80f9164db.

That file is MMMU's ``parse_multi_choice_response`` copied unchanged, so the reading is
:func:`lmms_eval.scoring.mmmu.parse_multi_choice_response` (its docstring gives the steps: ``(X)``, then
`` X `` after stripping end punctuation and padding with spaces, then, for a response of more than 5 words,
the option texts; the last occurrence wins). The option letters are A, B, ... over the doc's ``options``
list, as the official ``create_prompt`` (``eval/utils/preprocess.py``) writes them. A doc is right when the
letter read equals the ``answer`` letter.

Where the official code draws ``random.choice`` (global ``random`` seeded with 42 at import, so a doc's guess
depends on the docs parsed before it), the guess here is :func:`lmms_eval.scoring.mmmu.fallback_choice` keyed
by the doc's ``idx``: uniform over the letters like the official one, and the same for a doc in every run.

lmms-eval 0.7.3 differs: it prompts with "A. option" lines and "Answer with the option's letter from the given
choices directly.", takes the letter only from a response that starts with ``X.``, and otherwise compares
the whole response (lower-cased, stripped) with the answer letter, so "(B)" or "The answer is B" are wrong
there. The catalog task uses the official prompt and parsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lmms_eval.scoring.mmmu import fallback_choice, get_multi_choice_info, parse_multi_choice_response

__all__ = ["extract_muirbench_answer"]


def extract_muirbench_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``muirbench``: the option letter read by the official rules over the doc's ``options``; the
    seeded guess (keyed by ``idx``) where they guess; ``""`` for a doc without options."""
    index2ans, letters = get_multi_choice_info(list(doc.get("options") or []))
    if not letters:
        return ""
    fallback = fallback_choice(str(doc.get("idx", "")), letters)
    return parse_multi_choice_response(text, letters, index2ans, fallback=fallback)
