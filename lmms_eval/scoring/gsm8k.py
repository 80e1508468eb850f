"""GSM8K's two scores as lm-evaluation-harness (and lmms-eval 0.7.3, a copy of its task) computes them.

github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163,
``lm_eval/tasks/gsm8k/gsm8k.yaml``: two filters over the response, each scored by ``exact_match`` against the
whole reference solution (``{{answer}}``) with ``regexes_to_ignore`` ``,`` ``\\$`` ``(?s).*#### `` ``\\.$`` and
``ignore_case``:

- ``strict-match``: the first ``#### <number>`` (``#### (\\-?[0-9\\.\\,]+)``);
- ``flexible-extract``: the last number-like run (``(-?[$0-9.,]{2,})|(-?[0-9]+)``, ``group_select: -1``).

Quirks kept: the reference keeps everything after its ``#### `` (the number alone in GSM8K); a number such as
``1.5`` is compared as text (``1.50`` does not match ``1.5``); only one final period is dropped; the
flexible pattern also takes a run of commas or periods (``...``) as a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lmms_eval.scoring.harness_filters import harness_exact_match, regex_filter

STRICT_PATTERN = r"#### (\-?[0-9\.\,]+)"
FLEXIBLE_PATTERN = r"(-?[$0-9.,]{2,})|(-?[0-9]+)"
IGNORE = (",", r"\$", r"(?s).*#### ", r"\.$")


def strict_answer(text: str) -> str:
    """The ``strict-match`` filter: the number after the first ``#### `` (``[invalid]`` when none)."""
    return regex_filter(text, STRICT_PATTERN, group_select=0)


def flexible_answer(text: str) -> str:
    """The ``flexible-extract`` filter: the last number-like run (``[invalid]`` when none)."""
    return regex_filter(text, FLEXIBLE_PATTERN, group_select=-1)


def _match(answer: str, target: Any) -> float:
    return float(harness_exact_match(answer, str(target), IGNORE, ignore_case=True))


def gsm8k_strict_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``exact_match`` of the strict-match answer of the response (use the ``identity`` extractor)."""
    return _match(strict_answer(prediction or ""), target)


def gsm8k_flexible_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``exact_match`` of the flexible-extract answer of the response (use the ``identity`` extractor)."""
    return _match(flexible_answer(prediction or ""), target)
