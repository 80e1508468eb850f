"""LVBench's answer reading, as lmms-eval 0.7.3 scores it (its shared multiple-choice letter reader).

LVBench (Wang et al. 2024, github.com/zai-org/LVBench) publishes questions and a leaderboard, not an answer
parser for free text; lmms-eval 0.7.3's ``lmms_eval/tasks/lvbench/utils.py`` (``lvbench_process_results``)
is the de-facto scorer: it reads a letter with ``extract_mcq_answer`` of
``lmms_eval/tasks/_task_utils/mcq_extract.py`` (choices A-D) and compares it with the ``answer`` letter.
Video-MMMU's multiple-choice reading in lmms-eval 0.7.3 calls the same function (with its own choices).

The reading (:func:`read_mcq_letter`): strip the characters ``, . ! ? ; : ' "`` from the ends of the
stripped response, one character after the other (each ``str.strip`` in turn), pad it with a space on both
sides, then collect (letter, position, format) candidates:

- ``(X)``: priority 6; ``X.``: 5; ``X:``: 4; ``X)``: 3; ``X `` (letter then space): 2; each at the LAST
  occurrence of the pattern, anywhere (so "I." inside a word counts as a ``period`` of "I");
- an answer phrase ("the answer is", "i choose", "答案是", ... the fixed list below) found (its first
  occurrence, lower-cased): every choice letter occurring anywhere after it (its first occurrence, even
  inside a word) is a candidate of priority 7;
- the stripped text starting with a letter not followed by another letter: priority 10; ending with a letter
  not preceded by a letter: priority 9;
- only when nothing else was found: any occurrence of a letter (its last), priority 0.

The candidate with the highest (priority, position) wins; nothing found (or an empty response) reads as no
answer. Choices are upper-case letters and matching is case-sensitive, as in the original.

``tests/scoring/fixtures/lvbench_official_cases.jsonl`` holds lmms-eval 0.7.3's readings of messy responses;
``tests/scoring/test_lvbench.py`` requires :func:`read_mcq_letter` to agree on every one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["extract_lvbench_answer", "read_mcq_letter"]

_DEFAULT_CHOICES = ("A", "B", "C", "D", "E", "F", "G", "H")
_STRIP_CHARS = (",", ".", "!", "?", ";", ":", "'", '"')
_PHRASES = (
    "the answer is", "answer is", "the correct answer is", "correct answer is", "the best answer is",
    "best answer is", "the correct option is", "correct option is", "the best option is", "best option is",
    "the choice is", "choice is", "the correct choice is", "correct choice is", "i choose", "i select",
    "i pick", "my answer is", "my choice is", "옵션", "정답은", "답은", "답:", "答案是", "答案为", "选", "答えは",
)  # fmt: skip
# (suffix after the letter, priority): "(X)" is handled apart, its pattern wraps the letter
_SUFFIX_FORMATS = ((".", 5), (":", 4), (")", 3), (" ", 2))


def _padded(response: str) -> str:
    text = response.strip()
    for char in _STRIP_CHARS:
        text = text.strip(char)
    return f" {text} "


def _candidates(text: str, choices: Sequence[str]) -> list[tuple[int, int, str]]:
    """(priority, position, letter) for every format found in the padded text."""
    found = [(6, text.rfind(f"({c})"), c) for c in choices if f"({c})" in text]
    for suffix, priority in _SUFFIX_FORMATS:
        found += [(priority, text.rfind(c + suffix), c) for c in choices if c + suffix in text]
    lowered = text.lower()
    for phrase in _PHRASES:
        start = lowered.find(phrase)
        if start != -1:
            after = start + len(phrase)
            found += [(7, text.find(c, after), c) for c in choices if text.find(c, after) != -1]
    core = text.strip()
    for c in choices:
        if core.startswith(c) and (len(core) == 1 or not core[1].isalpha()):
            found.append((10, 0, c))
        if core.endswith(c) and (len(core) == 1 or not core[-2].isalpha()):
            found.append((9, len(text) - 1, c))
    return found


def read_mcq_letter(response: str, choices: Sequence[str] = _DEFAULT_CHOICES) -> str | None:
    """The choice letter lmms-eval 0.7.3's ``extract_mcq_answer`` reads, or None where it reads ``""``."""
    if not response or not response.strip():
        return None
    text = _padded(response)
    found = _candidates(text, choices) or [(0, text.rfind(c), c) for c in choices if c in text]
    if not found:
        return None
    return max(found, key=lambda item: (item[0], item[1]))[2]


def extract_lvbench_answer(text: str, doc: Mapping[str, Any], letters: str = "ABCD") -> str | None:
    """LVBench's reading: :func:`read_mcq_letter` over the choices A-D."""
    return read_mcq_letter(text, tuple(letters))
