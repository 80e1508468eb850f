"""IFEval's prompt-level and instruction-level accuracies, strict and loose.

Follows google-research/google-research@4c4299485319ed72ef782020c81784be5468924e,
``instruction_following_eval/evaluation_lib.py``:

- ``test_instruction_following_strict``: an instruction is followed when the response is not blank and its
  check passes on the response as it is (not stripped);
- ``test_instruction_following_loose``: followed when the check passes on any non-blank one of eight
  variants: the response; without its first line; without its last line; without both (each of these
  three stripped); and the same four with every ``*`` deleted;
- ``print_report``: prompt-level accuracy is the share of prompts whose instructions are all followed;
  instruction-level accuracy is pooled, followed instructions over all instructions (not a mean of
  per-prompt ratios).

The official ``build_description(prompt=...)`` call, made when an instruction's arguments have a key named
``prompt``, never happens for the registered instructions and is left out.

Per sample, the metrics :func:`ifeval_strict` and :func:`ifeval_loose` give a *count code*
``100 * instructions + followed`` (``302``: 2 of 3 instructions followed); the aggregations
:func:`ifeval_prompt_accuracy` and :func:`ifeval_instruction_accuracy` decode it, so the bootstrap over
prompts gives both accuracies their confidence intervals. For one prompt the code grows with the number
followed, so the best or worst of its repeats is its best or worst count, and their mean decodes to its mean
count (at prompt level, a mean that is not whole counts as "not all followed").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lmms_eval.scoring.aggregations import _rows, _safe_div, _with_counts
from lmms_eval.scoring.ifeval.checkers import Check, build_checker

#: count codes are ``CODE_BASE * instructions + followed``
CODE_BASE = 100


def extract_ifeval_response(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``ifeval_response``: the response exactly as generated (IFEval checks it unstripped)."""
    return text


def loose_variants(response: str) -> list[str]:
    """The eight responses ``test_instruction_following_loose`` tries, in its order."""
    lines = response.split("\n")
    no_first = "\n".join(lines[1:]).strip()
    no_last = "\n".join(lines[:-1]).strip()
    no_both = "\n".join(lines[1:-1]).strip()
    plain = [response, no_first, no_last, no_both]
    unstarred = [r.replace("*", "") for r in plain]
    return [response, unstarred[0], no_first, no_last, no_both, *unstarred[1:]]


def doc_checks(doc: Mapping[str, Any]) -> list[Check]:
    """One check per instruction of an IFEval row (``instruction_id_list`` with its ``kwargs``)."""
    ids: Sequence[str] = doc["instruction_id_list"]
    kwargs: Sequence[Mapping[str, Any] | None] = doc["kwargs"]
    if len(ids) != len(kwargs):
        raise ValueError(f"IFEval row has {len(ids)} instruction ids but {len(kwargs)} kwargs")
    return [build_checker(i, k) for i, k in zip(ids, kwargs)]


def follow_strict(response: str, doc: Mapping[str, Any]) -> list[bool]:
    """Per instruction: followed by the response as it is (a blank response follows nothing)."""
    return [bool(response.strip()) and check(response) for check in doc_checks(doc)]


def follow_loose(response: str, doc: Mapping[str, Any]) -> list[bool]:
    """Per instruction: followed by some non-blank loose variant of the response."""
    variants = [r for r in loose_variants(response) if r.strip()]
    return [any(check(r) for r in variants) for check in doc_checks(doc)]


def count_code(followed: Sequence[bool]) -> float:
    """``CODE_BASE * len(followed) + sum(followed)``."""
    return float(CODE_BASE * len(followed) + sum(followed))


def ifeval_strict(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``ifeval_strict``: the count code of the strictly followed instructions."""
    return count_code(follow_strict(prediction or "", doc))


def ifeval_loose(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``ifeval_loose``: the count code of the loosely followed instructions."""
    return count_code(follow_loose(prediction or "", doc))


def decode(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(instructions, followed)`` of count codes (the same shape)."""
    c = np.asarray(codes, dtype=np.float64)
    total = np.floor(c / CODE_BASE)
    return total, c - CODE_BASE * total


def _prompt_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    total, followed = decode(values)
    weights = np.asarray(counts, dtype=np.float64)
    return _safe_div(weights @ (followed == total).astype(np.float64), weights.sum(axis=1))


def _instruction_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    total, followed = decode(values)
    weights = np.asarray(counts, dtype=np.float64)
    return _safe_div(weights @ followed, weights @ total)


@_with_counts(_prompt_counts)
def ifeval_prompt_accuracy(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Share of prompts with every instruction followed, from count codes (a prompt without instructions
    counts as followed, as ``all([])`` does officially)."""
    total, followed = decode(_rows(scores))
    out: np.ndarray = (followed == total).mean(axis=1)
    return out


@_with_counts(_instruction_counts)
def ifeval_instruction_accuracy(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """Followed instructions over all instructions, pooled over the prompts of each row of count codes."""
    total, followed = decode(_rows(scores))
    return _safe_div(followed.sum(axis=1), total.sum(axis=1))
