"""MetaVQA (Wang et al. 2025, "Embodied Scene Understanding for Vision Language Models via MetaVQA", CVPR
2025): the answer reading of lmms-eval 0.7.3's ``metavqa`` task (``lmms_eval/tasks/metavqa/utils.py``:
``MultiChoiceRegexFilter.apply``, then its ``exact_match`` metric with ``ignore_case`` and
``ignore_punctuation``) over ``nv-njb/MetaVQA-MCQ``, matched quirk for quirk.

Reading (:func:`extract_metavqa_answer`), per response:

1. the options are read from the row's ``question``: every ``X. text`` (``\\b([A-Z])\\.\\s+([^\\n]*)``, the
   text stripped), numbered A, B, C... in the order found (not by the letter written);
2. the response loses every character that is neither a word character nor whitespace, then is stripped;
3. when an option text occurs in that cleaned response (the leftmost occurrence, earlier options first at
   one position), the reading is that option's letter; otherwise the cleaned response is kept;
4. the reading is what precedes the first space ("(B) Turn left" reads "B"; "The answer is B" reads "The").

:func:`metavqa_exact_match` is the Hugging Face ``exact_match`` of 0.7.3's metric list: both sides
lower-cased, the ASCII punctuation marks removed, then compared whole.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

__all__ = ["extract_metavqa_answer", "metavqa_exact_match"]

_OPTION = re.compile(r"\b([A-Z])\.\s+([^\n]*)")
_NON_WORD = re.compile(r"[^\w\s]")
_DROP_PUNCT = str.maketrans("", "", string.punctuation)


def extract_metavqa_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """0.7.3's reading of a MetaVQA response (module docstring): an option letter or the first word."""
    texts = [t.strip() for _, t in _OPTION.findall(str(doc.get("question") or ""))]
    # the i-th option found is letter i; a repeated text keeps its last letter, as 0.7.3's dict does
    letters = {t: chr(ord("A") + i) for i, t in enumerate(texts)}
    cleaned = _NON_WORD.sub("", text).strip()
    if texts:
        match = re.search("|".join(re.escape(t) for t in texts), cleaned)
        if match and match.group() in letters:
            return letters[match.group()]
    return cleaned.split(" ")[0]


def metavqa_exact_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the reading equals the reference once both are lower-cased and stripped of ASCII
    punctuation, else 0.0."""
    if prediction is None:
        return 0.0
    pred = prediction.lower().translate(_DROP_PUNCT)
    return float(pred == str(target).lower().translate(_DROP_PUNCT))
