"""MLVU's answer extraction as lmms-eval 0.7.3 does it (its generic multiple-choice reader).

Source: lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``), ``lmms_eval/tasks/_task_utils/mcq_extract.py``,
``extract_mcq_answer``, called by ``lmms_eval/tasks/mlvu/utils.py`` (``extract_characters_regex``) with the
letters A-D. MLVU's own repo (github.com/JUNJIE99/MLVU) recommends lmms-eval for the dev set, so this is the
de-facto scorer of ``mlvu_dev``. The rule:

1. an empty or blank response gives nothing; otherwise it is stripped, then each of ``, . ! ? ; : ' "`` is
   stripped from both ends in turn, and one space is put at each end;
2. candidates (letter, position, form), each letter's *last* occurrence (``rfind``): ``(X)``, ``X.``,
   ``X:``, ``X)``, ``X `` (space after); for each answer phrase ("the answer is", "答案是", ... in the
   official order) found in the lower-cased text (its first occurrence), every letter found at or after its
   end in the original text (``str.find``: its first occurrence there); a stripped text starting with a letter
   not followed by another letter (position 0) and ending with a letter not preceded by one (position
   ``len(text) - 1``); with none of these, any occurrence of a letter (``rfind``);
3. the candidates are sorted by (form priority, position), both descending, the sort being stable: start 10,
   end 9, phrase 7, parentheses 6, period 5, colon 4, right parenthesis 3, space 2, anything 0; the first wins.

So "B", "(B)", "The answer is B" read B; "I think A is wrong, B" reads B (the end); a text with no capital
letter A-D gives nothing and counts as wrong. ``tests/scoring/fixtures/mlvu_official_cases.jsonl`` holds the
peer function's readings of messy responses; ``tests/scoring/test_mlvu.py`` requires agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ANSWER_PHRASES", "extract_mcq_answer", "extract_mlvu_answer"]

ANSWER_PHRASES: tuple[str, ...] = (
    "the answer is",
    "answer is",
    "the correct answer is",
    "correct answer is",
    "the best answer is",
    "best answer is",
    "the correct option is",
    "correct option is",
    "the best option is",
    "best option is",
    "the choice is",
    "choice is",
    "the correct choice is",
    "correct choice is",
    "i choose",
    "i select",
    "i pick",
    "my answer is",
    "my choice is",
    "옵션",
    "정답은",
    "답은",
    "답:",
    "答案是",
    "答案为",
    "选",
    "答えは",
)
_PRIORITY = {"start": 10, "end": 9, "phrase": 7, "parentheses": 6, "period": 5, "colon": 4, "right_paren": 3,
             "space": 2, "fallback": 0}  # fmt: skip
_FORMS = (
    ("({})", "parentheses"),
    ("{}.", "period"),
    ("{}:", "colon"),
    ("{})", "right_paren"),
    ("{} ", "space"),
)
Candidate = tuple[str, int, str]


def _padded(response: str) -> str:
    text = response.strip()
    for char in (",", ".", "!", "?", ";", ":", "'", '"'):
        text = text.strip(char)
    return " " + text + " "


def _phrase_candidates(text: str, choices: Sequence[str]) -> list[Candidate]:
    lower, found = text.lower(), []
    for phrase in ANSWER_PHRASES:
        at = lower.find(phrase)
        if at == -1:
            continue
        after = at + len(phrase)
        found += [(c, text.find(c, after), "phrase") for c in choices if text.find(c, after) != -1]
    return found


def _edge_candidates(text: str, choices: Sequence[str]) -> list[Candidate]:
    stripped, found = text.strip(), []
    for c in choices:
        if stripped.startswith(c) and (len(stripped) == 1 or not stripped[1].isalpha()):
            found.append((c, 0, "start"))
    for c in choices:
        if stripped.endswith(c) and (len(stripped) == 1 or not stripped[-2].isalpha()):
            found.append((c, len(text) - 1, "end"))
    return found


def extract_mcq_answer(response: str, choices: Sequence[str] = ("A", "B", "C", "D")) -> str:
    """The peer's ``extract_mcq_answer`` (module docstring): a letter of ``choices``, or ""."""
    if not response or not response.strip():
        return ""
    text = _padded(response)
    candidates = [(c, text.rfind(form.format(c)), name) for form, name in _FORMS for c in choices
                  if form.format(c) in text]  # fmt: skip
    candidates += _phrase_candidates(text, choices) + _edge_candidates(text, choices)
    if not candidates:
        candidates = [(c, text.rfind(c), "fallback") for c in choices if c in text]
    if not candidates:
        return ""
    candidates.sort(key=lambda c: (_PRIORITY[c[2]], c[1]), reverse=True)
    return candidates[0][0]


def extract_mlvu_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``mlvu``: the letter A-D read, None when none is."""
    return extract_mcq_answer(text) or None
