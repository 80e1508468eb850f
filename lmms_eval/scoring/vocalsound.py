"""VocalSound's answer reading, as lmms-eval 0.7.3 scores it.

VocalSound (Gong et al. 2022) is a classification dataset whose own code trains classifiers; the scoring of
free-text answers that lmms-eval 0.7.3 uses (``lmms_eval/tasks/vocalsound/utils.py``, ``get_answer``, in the
lmms-eval 0.7.3 wheel) is the reference here. The response, lower-cased, is searched for the class names in
the fixed order Laughter, Sniff, Throat, Cough, Sigh, Sneeze; the first one contained anywhere (as a
substring: "sneezes" holds "sneeze", and "sigh" is found inside "sighs") is the answer, "Throat" standing
for "Throat clearing". The order decides when several appear ("laughter, then a cough" reads as Laughter,
"a cough and a sniff" as Sniff). Nothing found: no answer (wrong).

``tests/scoring/fixtures/vocalsound_official_cases.jsonl`` holds lmms-eval 0.7.3's verdicts on messy
responses; ``tests/scoring/test_vocalsound.py`` requires :func:`extract_vocalsound_answer` to agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["extract_vocalsound_answer"]

_CLASSES = ("Laughter", "Sniff", "Throat", "Cough", "Sigh", "Sneeze")


def extract_vocalsound_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The first class name (in the fixed order) found in the lower-cased response, else None."""
    lowered = text.strip().lower()
    for name in _CLASSES:
        if name.lower() in lowered:
            return "Throat clearing" if name == "Throat" else name
    return None
