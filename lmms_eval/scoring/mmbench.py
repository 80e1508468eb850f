"""MMBench's answer matching: VLMEvalKit's rule-based ("exact matching") choice extraction.

Official source: github.com/open-compass/VLMEvalKit, ``vlmeval/utils/matching_util.py`` (``can_infer``,
``can_infer_option``, ``can_infer_text``) and ``vlmeval/dataset/utils/multiple_choice.py`` (``build_choices``,
the circular and vanilla evaluation), at commit e8e78f05f3080fe28154f2130321f17951c3be94. MMBench
(github.com/open-compass/MMBench@20faed3d116ce3a76a4b50820dcc46c696fd8f43) points to that code for its
evaluation: rule-based matching first, then ChatGPT as the choice extractor for what the rules cannot read.
Only the rule-based part is here: the GPT fallback belongs to the LLM-judge work, so an answer the rules
cannot read is unread (scored wrong), as in VLMEvalKit's ``exact_matching`` mode. Circular evaluation itself
is the engine's (:mod:`lmms_eval.engine.circular`).

The rules, for the option letters present in the doc (``build_choices``: every letter column holding a
value):

1. ``can_infer_option``: "Failed to obtain answer via API" reads nothing; a refusal phrase reads ``Z``
   (never a right answer). The characters ``.()[],:;!*#{}`` become spaces and the text is split on white
   space. When exactly one option letter is a word and it is among the last four words, it is the answer;
   when no option letter is a word and ``Z`` is, the answer is ``Z``. Else the text "answer is X" / "correct
   answer is **X**" (any case, X one of A-D and an option) gives X.
2. ``can_infer_text``: when the lower-cased text is at most twice as long as all option texts together and
   contains exactly one option's (lower-cased) text, that option.

The checked-in ``tests/scoring/fixtures/mmbench_official_cases.jsonl`` holds the official code's answers on
messy predictions; ``tests/scoring/test_mmbench.py`` requires these functions to agree on every one.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

#: refusals VLMEvalKit reads as the non-answer ``Z``
REFUSALS = (
    "Sorry, I can't help with images of people yet.",
    "I can't process this file.",
    "I'm sorry, but without the image provided",
    "Cannot determine the answer",
)
_API_FAILURE = "Failed to obtain answer via API"
_SEPARATORS = ".()[],:;!*#{}"
_VERBOSE_ANSWER = re.compile(r"(?:correct\s+)?answer\s+is\s+\**([ABCD])\**", re.IGNORECASE)


def _words(answer: str) -> list[str]:
    for char in _SEPARATORS:
        answer = answer.replace(char, " ")
    return answer.split()


def can_infer_option(answer: str, choices: Mapping[str, Any]) -> str | None:
    """The option letter the text names (rule 1 above), ``Z`` for a refusal, or None."""
    if _API_FAILURE in answer:
        return None
    if any(refusal in answer for refusal in REFUSALS):
        return "Z"
    words = _words(answer)
    named = [letter for letter in choices if letter in words]
    if len(named) == 1:
        letter = named[0]
        if words.index(letter) > len(words) - 5:
            return letter
    elif not named and "Z" in words:
        return "Z"
    found = _VERBOSE_ANSWER.search(answer)
    if found and found.group(1).upper() in choices:
        return found.group(1).upper()
    return None


def can_infer_text(answer: str, choices: Mapping[str, Any]) -> str | None:
    """The only option whose text the answer contains (rule 2 above), or None."""
    text = answer.lower()
    if len(text) > 2 * sum(len(str(v)) for v in choices.values()):
        return None
    hits = [letter for letter, option in choices.items() if str(option).lower() in text]
    return hits[0] if len(hits) == 1 else None


def can_infer(answer: Any, choices: Mapping[str, Any]) -> str | None:
    """VLMEvalKit's ``can_infer``: the option letter first, else the option text."""
    text = str(answer)
    return can_infer_option(text, choices) or can_infer_text(text, choices)


def is_missing(value: Any) -> bool:
    """A blank option or answer: None, NaN, an empty string or the string "nan" (what ``pd.isna`` sees in
    VLMEvalKit's TSVs, and how the Hub copies of them write a blank)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "nan")


def build_choices(doc: Mapping[str, Any], options: str | Sequence[str] | None = None) -> dict[str, str]:
    """The options as ``{letter: text}``: ``options`` None reads every letter column A-Z holding a value (as
    ``build_choices`` does); a column name reads a list column (lettered A, B, ...); a list of columns reads
    those columns, lettered in order."""
    if options is None:
        return {c: str(doc[c]) for c in string.ascii_uppercase if c in doc and not is_missing(doc[c])}
    if isinstance(options, str):
        values = doc.get(options) or []
        return {string.ascii_uppercase[i]: str(v) for i, v in enumerate(values) if not is_missing(v)}
    return {
        string.ascii_uppercase[i]: str(doc[c]) for i, c in enumerate(options) if not is_missing(doc.get(c))
    }


def extract_mmbench_answer(
    text: str, doc: Mapping[str, Any], *, options: str | list[str] | None = None
) -> str | None:
    """The option letter VLMEvalKit's rules read from ``text`` (``Z``: a refusal), or None when they read
    nothing. ``options``: where the doc's options are (see :func:`build_choices`)."""
    return can_infer(text, build_choices(doc, options))


# --- the MMBench test split: a file for the evaluation server ----------------------------------------------

#: VLMEvalKit numbers the circular copies of question ``i`` as ``i + r * 1e6`` (rotation r)
ROTATION_OFFSET = 1_000_000


def submission_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """One row per answered (doc, rotation) in VLMEvalKit's prediction-file columns: ``index`` is the
    question's index plus ``rotation * 1e6`` (the numbering of VLMEvalKit's circular copies), the options as
    asked, and the model's response as ``prediction``."""
    rows = []
    for sample, response in answers:
        data = sample.doc.data
        row: dict[str, Any] = {
            "index": int(data["index"]) + sample.rotation * ROTATION_OFFSET,
            "question": data.get("question"),
            "hint": data.get("hint"),
        }
        row.update({c: data.get(c) for c in "ABCD"})
        row.update(
            {
                "prediction": response,
                "category": data.get("category"),
                "l2-category": data.get("L2-category", data.get("l2-category")),
                "split": data.get("split"),
            }
        )
        rows.append({k: ("" if is_missing(v) else v) for k, v in row.items()})
    return rows
