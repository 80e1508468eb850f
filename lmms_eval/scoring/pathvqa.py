"""PathVQA's official open-question scores (github.com/UCSD-AI4H/PathVQA at
dd5180425138217ca53eb70d085761ffcb6c491c, ``Evaluation script/evaluation_script.py``: ``calculate_exactmatch``,
``calculate_f1score``, ``bleu``; ``Evaluation script/utils.py``: ``split_sentence``, ``modified_precision``,
``brevity_penalty``), each per question, matched quirk for quirk; the PathVQA challenge ranks open questions
by these averaged over questions (yes/no questions by accuracy: :mod:`lmms_eval.scoring.medvqa`).

Words (``split_sentence``): every character but ASCII letters and spaces is deleted (digits, hyphens and
newlines too: "b-cell" is "bcell", "kidney\\nkidney" one word "kidneykidney"), the rest lower-cased and split
on whitespace; n-grams are counted.

- :func:`pathvqa_exact_match` (``calculate_exactmatch``): the number of *distinct* answer words found in the
  response over the number of response words ("the liver" for "liver" scores 0.5; "liver liver" for
  "liver" 0.5); a response without words scores 0 (the script returns a warning string).
- :func:`pathvqa_f1` (``calculate_f1score``): word F1 with counts: true positives are the response's counts
  of the words both share, false positives the response's other words, false negatives the answer's words
  the response lacks; 0 without response words, answer words, or a shared word.
- :func:`pathvqa_bleu` (``bleu(response, [answer], n, weights)``): the brevity penalty compares *character*
  lengths (1 when the response is longer, else ``exp(1 - r / c)``); the modified n-gram precisions p1..pn are
  combined as ``exp(sum(w_i * log p_i))`` over the p_i that are *not zero* (a response sharing no word still
  gets the brevity penalty, up to 1). The script leaves ``weights`` to its caller: uniform ``1/n`` here. Where
  the script divides by zero (an empty response; fewer than ``i`` words for some ``i <= n``) it raises; the
  sample scores 0 here.

The task ``pathvqa_open`` applies these to the open questions only (the answer is not yes or no), the ones
they are defined for.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

__all__ = ["pathvqa_bleu", "pathvqa_exact_match", "pathvqa_f1", "split_words"]

_NOT_LETTER = re.compile(r"[^a-zA-Z ]")


def split_words(text: str, n: int = 1) -> Counter[str]:
    """The script's ``split_sentence``: counts of the n-grams of the letters-only, lower-cased words."""
    words = _NOT_LETTER.sub("", text).lower().strip().split()
    return Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def pathvqa_exact_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``calculate_exactmatch``: distinct answer words present in the response / response word count."""
    cand, ref = split_words(prediction or ""), split_words(str(target))
    total = sum(cand.values())
    return sum(1 for w in ref if w in cand) / total if total else 0.0


def pathvqa_f1(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``calculate_f1score``: word F1 with the script's counting (module docstring)."""
    cand, ref = split_words(prediction or ""), split_words(str(target))
    if not cand or not ref:
        return 0.0
    tp = sum(c for w, c in cand.items() if w in ref)
    fp = sum(c for w, c in cand.items() if w not in ref)
    fn = sum(c for w, c in ref.items() if w not in cand)
    if tp == 0:
        return 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall)


def _modified_precision(cand_text: str, ref_text: str, n: int) -> float:
    cand, ref = split_words(cand_text, n), split_words(ref_text, n)
    total = sum(cand.values())
    if total == 0:
        raise ZeroDivisionError
    return sum(min(ref.get(w, 0), c) for w, c in cand.items()) / total


def pathvqa_bleu(prediction: str | None, target: Any, doc: Mapping[str, Any], *, n: int = 1) -> float:
    """``bleu(response, [answer], n, [1/n] * n)`` with the script's quirks; 0.0 where it divides by zero."""
    cand, ref = prediction or "", str(target)
    if not cand:
        return 0.0
    penalty = 1.0 if len(cand) > len(ref) else math.exp(1 - len(ref) / len(cand))
    try:
        precisions = [_modified_precision(cand, ref, i) for i in range(1, n + 1)]
    except ZeroDivisionError:
        return 0.0
    return penalty * math.exp(sum(math.log(p) / n for p in precisions if p != 0))
