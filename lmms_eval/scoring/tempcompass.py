"""TempCompass's rule-based answer matching (multi-choice, yes/no, caption matching).

TempCompass (Liu et al. 2024, github.com/llyx97/TempCompass) scores a reply with hand-written matching rules
first and asks ChatGPT (gpt-3.5-turbo-1106) whether the reply is right only when the rules cannot read it.
lmms-eval 0.7.3 (``lmms_eval/tasks/tempcompass/utils.py``: ``tempcompass_process_results_multi_choice``,
``..._yes_no``, ``..._caption_matching``, ``eval_rule``, ``extract_pred``) keeps the official rules; they are
implemented here, and a reply the rules cannot read is no answer (wrong), where the official code would ask
the judge. The reply is compared as it is (no stripping), as in the original.

- multi-choice (:func:`read_multi_choice`): the reply equal to the whole answer ("A. walking") reads as the
  answer's letter; a bare "A"-"D" as that letter; a reply starting "X." or "X)" (X in A-D) as X.
- yes/no (:func:`read_yes_no`): the lower-cased reply starting with "yes" or "no" ("nothing" reads "no").
- caption matching (:func:`read_caption_matching`, :func:`caption_matching_correct`): the question's option
  lines ("Sentence A: ...", "Caption B: ...", "Option 1: ...") after its first line; the reply equal to a
  whole option line, to an option's sentence (or, when it holds ") ", to the part after the first ") "), or
  to an option's label with or without its kind ("Sentence A", "A"; periods removed) is read, the last rule
  that matches winning; it is right when equal to the answer, to the answer's label, its sentence or its
  letter.

``tests/scoring/fixtures/tempcompass_official_cases.jsonl`` holds lmms-eval 0.7.3's verdicts (its rule part)
on messy replies; ``tests/scoring/test_tempcompass.py`` requires this module to agree on every one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "caption_matching_correct",
    "extract_tempcompass_caption_matching",
    "extract_tempcompass_multi_choice",
    "extract_tempcompass_yes_no",
    "read_caption_matching",
    "read_multi_choice",
    "read_yes_no",
]

_LETTERS = ("A", "B", "C", "D")


def read_multi_choice(reply: str, answer: str) -> str | None:
    """The option letter the multi-choice rules read, or None (the official code would ask the judge)."""
    if reply == answer:
        return answer[0]
    if reply in _LETTERS:
        return reply
    for mark in (".", ")"):
        if any(reply.startswith(letter + mark) for letter in _LETTERS):
            return reply.split(mark)[0]
    return None


def read_yes_no(reply: str) -> str | None:
    """``yes`` or ``no`` from the start of the lower-cased reply, else None."""
    lowered = reply.lower()
    if lowered.startswith("yes"):
        return "yes"
    if lowered.startswith("no"):
        return "no"
    return None


def read_caption_matching(reply: str, question: str) -> str | None:
    """What the caption-matching rules read from the reply (an option line, sentence or label), or None."""
    lines = question.split("\n")[1:]
    sentences = [line.split(": ")[1] for line in lines]
    labels = [line.split(": ")[0] for line in lines]
    labels += [lab.replace("Sentence ", "").replace("Option ", "").replace("Caption ", "") for lab in labels]
    read = None
    for line in lines:
        if line == reply:
            read = line
    for sentence in sentences:
        if sentence == reply or (") " in reply and sentence == reply.split(") ")[1]):
            read = sentence
    for label in labels:
        if label == reply or label == reply.replace(".", ""):
            read = label
    return read


def caption_matching_correct(read: str | None, answer: str) -> bool:
    """Whether a caption-matching reading is the answer ("Sentence A: text"), its label, sentence or letter."""
    if read is None:
        return False
    label = answer.split(": ")[0]
    return read in (answer, answer.split(":")[0], answer.split(": ")[1], label.split()[1])


def extract_tempcompass_multi_choice(text: str, doc: Mapping[str, Any]) -> str | None:
    """The multi-choice letter read against the doc's ``answer``."""
    return read_multi_choice(text, str(doc["answer"]))


def extract_tempcompass_yes_no(text: str, doc: Mapping[str, Any]) -> str | None:
    """``yes``/``no`` as the rules read them."""
    return read_yes_no(text)


def extract_tempcompass_caption_matching(text: str, doc: Mapping[str, Any]) -> str | None:
    """The doc's ``answer`` when the caption-matching reading is right (so exact match scores it), the
    reading itself when it is wrong (it then differs from the answer), None when the rules read nothing."""
    read = read_caption_matching(text, str(doc["question"]))
    if read is None:
        return None
    answer = str(doc["answer"])
    return answer if caption_matching_correct(read, answer) else read
