"""MMAU's official answer matching (also MMAR's, which ships the same function).

Official source: github.com/Sakshi113/MMAU, ``evaluation.py`` (``string_match``) at commit
110127f54c0dfba3faa5ec9feee4a7e4148679c5; github.com/ddlBoJack/MMAR, ``code/evaluation.py`` at commit
3bce090a967db576c8ad433b290a8da582d6d2a0 has the identical ``string_match``.

Both sides are lower-cased and split into the set of their ``\\b\\w+\\b`` word tokens. A response is right when
it has a token, holds every token of the answer, and holds none of the *distractor tokens*: the tokens of the
other choices that are not in the answer (a choice whose token set equals the answer's adds none). So
"A woman" is right for the answer "A woman" among "A child", "An adult man" (the shared "a" is no
distractor), "woman and child" is wrong, and a bare letter "B" is wrong (no answer token). Official quirks
kept: the response is matched as a whole (a long explanation naming a distractor word is wrong), and
``\\w`` is Unicode-aware, as in Python's ``re``.

The lmms-eval 0.7.3 prompts ask for the option letter. The extractors here therefore read a response that is
*only* an option letter ("B", "(B)", "B.", "**B**") as that option's text before the official matching;
every other response reaches ``string_match`` unchanged (a documented departure: the official script has no
letters, its prompts list the choices as plain text).

``tests/scoring/fixtures/mmau_official_cases.jsonl`` holds the official function's verdicts on messy
responses; ``tests/scoring/test_mmau.py`` requires :func:`string_match` to agree on every one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import DataError

__all__ = [
    "extract_mmar_answer",
    "extract_mmau_answer",
    "mmar_choices",
    "mmar_string_match",
    "mmau_choices",
    "mmau_string_match",
    "parse_mmau_docs",
    "string_match",
]

_WORD = re.compile(r"\b\w+\b")
_LETTERS = "ABCDEFGHIJ"
_BARE_LETTER = re.compile(r"^[\s*(\[]*([A-Ja-j])[\s*)\].:]*$")
_MMAR_PREFIX = re.compile(r"^\s*[A-Z][.):]\s?")


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def string_match(answer: str, prediction: str, choices: Sequence[str]) -> bool:
    """The official rule: every answer token in the prediction, no distractor token in it (module doc)."""
    predicted, wanted = _tokens(prediction), _tokens(answer)
    if not predicted:
        return False
    distractors: set[str] = set()
    for choice in choices:
        tokens = _tokens(choice)
        if tokens != wanted:
            distractors |= tokens - wanted
    return wanted <= predicted and predicted.isdisjoint(distractors)


def mmau_choices(doc: Mapping[str, Any]) -> list[str]:
    """MMAU's choices: lmms-lab-audio/mmau stores them as a JSON list in a string (a list is taken as is)."""
    raw = doc.get("choices")
    value: Any = json.loads(raw) if isinstance(raw, str) else raw
    if hasattr(value, "tolist"):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise DataError(f"MMAU choices must be a list or a JSON list, got {raw!r}")
    return [str(c) for c in value]


def mmar_choices(doc: Mapping[str, Any]) -> list[str]:
    """MMAR's choices without the "A. " prefix the lmms-eval 0.7.3 dataset (ngqtrung/mmar) gives them (the
    official metadata has the bare texts)."""
    return [_MMAR_PREFIX.sub("", c, count=1) for c in mmau_choices(doc)]


def _letter_as_text(text: str, choices: Sequence[str]) -> str:
    m = _BARE_LETTER.match(text)
    if m:
        index = _LETTERS.index(m.group(1).upper())
        if index < len(choices):
            return choices[index]
    return text


def extract_mmau_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The response for MMAU's matching: a response that is only an option letter becomes that option's
    text; any other response is returned unchanged (the official rule reads it whole)."""
    return _letter_as_text(text, mmau_choices(doc))


def extract_mmar_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """As :func:`extract_mmau_answer`, with MMAR's lettered choices."""
    return _letter_as_text(text, mmar_choices(doc))


def mmau_string_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when MMAU's ``string_match`` accepts the prediction for the answer text ``target``, else 0.0."""
    if prediction is None:
        return 0.0
    return float(string_match(str(target), prediction, mmau_choices(doc)))


def mmar_string_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the official ``string_match`` accepts the prediction for the answer, else 0.0. ``target``
    is the answer letter (ngqtrung/mmar's ``answer``) or the answer's text."""
    if prediction is None:
        return 0.0
    choices = mmar_choices(doc)
    answer = str(target).strip()
    if len(answer) == 1 and answer.upper() in _LETTERS[: len(choices)]:
        answer = choices[_LETTERS.index(answer.upper())]
    return float(string_match(answer, prediction, choices))


def parse_mmau_docs(docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of the MMAU tasks: each doc with ``choices`` parsed from its JSON string into a list
    (the prompt lists them as lettered lines)."""
    return [{**doc, "choices": mmau_choices(doc)} for doc in docs]
