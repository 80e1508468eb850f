"""HR-Bench (Wang et al., AAAI 2025, "Divide, Conquer and Combine: A Training-Free Framework for
High-Resolution Image Perception in Multimodal Large Language Models"): the rule-based choice matching and
the cycle-averaged accuracies.

What is official and what is not:

- Accuracies follow ``HRBenchDataset.evaluate`` (``hrbench/vlmeval/dataset/image_mcq.py``) and
  ``hrbench_score`` (``hrbench/vlmeval/dataset/utils/hrbench.py``) of https://github.com/DreamMr/HR-Bench at
  commit b17b1998fa2c1b71a737c126155826a94149ed13: each question is asked four times with its options
  rotated (``cycle_category`` 0-3); per cycle, the accuracy over all questions and over each ``category``
  (``single``: single-instance, ``cross``: cross-instance); the reported numbers average these over the
  cycles. In a task: ``macro_mean`` by ``cycle_category``, with a breakdown by ``category``.
- Reading the answers is **not** official: the official evaluation asks an LLM (run locally with lmdeploy)
  whether the response answers the question right, with no rule-based step. lmms-eval 0.7.3 reads the
  option first with VLMEvalKit's rule-based ``can_infer`` and asks GPT only when that fails; this module is
  that rule-based step (GPT fallback not used: an unread answer is wrong), as it stands in the VLMEvalKit
  copy bundled with HR-Bench (``hrbench/vlmeval/utils/matching_util.py``, the same commit), which
  lmms-eval 0.7.3's ``HRBenchEval`` repeats. It is the older VLMEvalKit rule, not the one of
  :mod:`lmms_eval.scoring.mmbench`:

  1. ``can_infer_option``: "Failed to obtain answer via API" reads nothing; a refusal phrase reads ``Z``
     (never right). The characters ``.()[],:;!*#{}`` become spaces and the text is split on white space.
     When exactly one option letter is a word, it is the answer, wherever it stands ("I choose B because
     ..." reads ``B``, "A cat, so B" reads nothing: ``A`` and ``B`` are both words); when none is a word
     and ``Z`` is, the answer is ``Z``;
  2. ``can_infer_text``: the only option whose lower-cased text occurs in the lower-cased response (no
     length limit).

  (VLMEvalKit's verbose mode, which refuses a lone ``A`` in a long answer, is off unless the environment
  sets ``VERBOSE``; it is off here.) Scores from this reading are not comparable with LLM-judged numbers.

:func:`decode_images` (the task's ``process_docs``) decodes the base64 ``image`` column into bytes.
"""

from __future__ import annotations

import base64
import string
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["can_infer", "can_infer_option", "can_infer_text", "decode_images", "extract_hrbench_answer"]

REFUSALS = (
    "Sorry, I can't help with images of people yet.",
    "I can't process this file.",
    "I'm sorry, but without the image provided",
    "Cannot determine the answer",
)
_API_FAILURE = "Failed to obtain answer via API"
_SEPARATORS = ".()[],:;!*#{}"


def can_infer_option(answer: str, choices: Mapping[str, Any]) -> str | None:
    """The option letter named as a word (rule 1 of the module doc), ``Z`` for a refusal, or None."""
    if _API_FAILURE in answer:
        return None
    if any(refusal in answer for refusal in REFUSALS):
        return "Z"
    for char in _SEPARATORS:
        answer = answer.replace(char, " ")
    words = answer.split()
    named = [letter for letter in choices if letter in words]
    if len(named) == 1:
        return named[0]
    if not named and "Z" in words:
        return "Z"
    return None


def can_infer_text(answer: str, choices: Mapping[str, Any]) -> str | None:
    """The only option whose lower-cased text the lower-cased answer contains (rule 2), or None."""
    text = answer.lower()
    hits = [letter for letter, option in choices.items() if str(option).lower() in text]
    return hits[0] if len(hits) == 1 else None


def can_infer(answer: Any, choices: Mapping[str, Any]) -> str | None:
    """The older VLMEvalKit ``can_infer``: the option letter first, else the option text."""
    text = str(answer)
    return can_infer_option(text, choices) or can_infer_text(text, choices)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def extract_hrbench_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``hrbench``: the letter read from the stripped response against the doc's option columns
    ``A``..``Z`` that hold a value (``Z``: a refusal), or None."""
    choices = {c: doc[c] for c in string.ascii_uppercase if c in doc and not _is_missing(doc[c])}
    return can_infer(text.strip(), choices)


def decode_images(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc's base64 ``image`` text replaced by its bytes (in place, so the docs do not
    hold the image twice)."""
    out = []
    for doc in docs:
        encoded = doc.get("image")
        if isinstance(encoded, str):
            doc["image"] = base64.b64decode(encoded)
        out.append(doc)
    return out
