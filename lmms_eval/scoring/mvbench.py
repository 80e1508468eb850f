"""MVBench's answer matching as lmms-eval 0.7.3 scores it (the de-facto scorer of its prompt).

Source: lmms-eval 0.7.3 (github.com/EvolvingLMMs-Lab/lmms-eval, PyPI ``lmms-eval==0.7.3``),
``lmms_eval/tasks/mvbench/utils.py``, ``mcq_acc`` as called by ``mvbench_process_results``. MVBench's own
notebook (OpenGVLab/Ask-Anything, ``video_chat2/mvbench.ipynb``, ``check_ans``) reads an answer that the
model continues after a forced "Best option:(" prefix, which lmms-eval's prompt does not give, so the peer's
rule is the one that fits this prompt. Both the reference letter and the raw response go through the same
``process``:

1. a text matching ``^([A-E])\\.\\s*(.+)$`` (case ignored; after stripping) is that letter, upper-cased
   ("b. a dog" is B);
2. otherwise newlines and tabs become spaces, the text is stripped and its punctuation handled as in the
   VQA normaliser: each of ``; / [ ] " { } ( ) = + \\ _ - > < @ ` , ? !`` is deleted where it touches a
   space or the text has a digit-comma-digit, else replaced by a space; then periods not followed by a digit
   are removed (``periodStrip.sub("", text, re.UNICODE)``: ``re.UNICODE`` lands in the ``count`` argument,
   so at most 32 are removed; kept); then quotes, ")" and "(" are stripped from the ends, the text stripped and
   lower-cased;
3. the first standalone letter a-e (``\\b([A-E])\\b``, case ignored) is the answer, upper-cased; with none,
   the processed text itself.

The sample is right when the two processed values are equal. So "(B) a dog", "B", "Option B" and "the
answer is b" are B, and "I think it's A or B" is A (the first standalone a-e). lmms-eval 0.7.3's aggregation leaves empty responses out of the denominator; here every question
counts (an empty response is wrong). ``tests/scoring/fixtures/mvbench_official_cases.jsonl`` holds the
peer function's verdicts on messy responses; ``tests/scoring/test_mvbench.py`` requires agreement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["mvbench_match", "mvbench_process"]

_OPTION = re.compile(r"^([A-E])\.\s*(.+)$", re.IGNORECASE)
_LETTER = re.compile(r"\b([A-E])\b", re.IGNORECASE)
_PERIOD = re.compile(r"(?!<=\d)(\.)(?!\d)")  # the peer's pattern, its "(?!<=" typo included
_COMMA_NUMBER = re.compile(r"(\d)(\,)(\d)")
_PUNCT = [
    ";",
    r"/",
    "[",
    "]",
    '"',
    "{",
    "}",
    "(",
    ")",
    "=",
    "+",
    "\\",
    "_",
    "-",
    ">",
    "<",
    "@",
    "`",
    ",",
    "?",
    "!",
]


def _punctuation(text: str) -> str:
    out = text
    has_comma_number = _COMMA_NUMBER.search(text) is not None
    for mark in _PUNCT:
        if mark + " " in text or " " + mark in text or has_comma_number:
            out = out.replace(mark, "")
        else:
            out = out.replace(mark, " ")
    return _PERIOD.sub("", out, count=32)


def mvbench_process(text: str) -> str:
    """The peer's ``process``: an option letter A-E (upper case) when one is read, else the cleaned text."""
    matched = _OPTION.match(text.strip())
    if matched:
        return matched.group(1).upper()
    text = text.replace("\n", " ").replace("\t", " ").strip()
    text = _punctuation(text)
    text = text.strip("'").strip('"').strip(")").strip("(").strip().lower()
    letter = _LETTER.search(text)
    return letter.group(1).upper() if letter else text


def mvbench_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the processed response equals the processed reference letter (use the ``identity``
    extractor: the rule reads the raw response), else 0.0."""
    if prediction is None:
        return 0.0
    return float(mvbench_process(prediction) == mvbench_process(str(target)))
