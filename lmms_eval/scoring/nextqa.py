"""NExT-QA multiple choice: the answer parsing of lmms-eval 0.7.3.

Source: lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``), ``lmms_eval/tasks/nextqa/utils.py``,
``parse_multi_choice_response`` as called by ``nextqa_mc_process_results`` (NExT-QA's own code,
github.com/doc-doc/NExT-QA, scores classifier indices, not generated text, so the peer's parser is the de-facto
rule). It is MMMU's parser (github.com/MMMU-Benchmark/MMMU, ``eval_utils.py``) with MMMU-Pro's letter forms:
after stripping ``, . ! ? ; : '`` from the ends and padding with spaces, the letters written ``(X)``; if none,
``X `` (a space after); if none, ``X.``; if none and more than 5 words, the options whose text occurs (case
ignored); several candidates go to the last-occurring one (``(X)``, else `` X `` with spaces on both sides,
else the option text; ``np.argmax``, ties to the earlier letter); none: a random letter officially, here the
seeded :func:`lmms_eval.scoring.mmmu.fallback_choice` keyed by ``<video>_<qid>`` (qid alone repeats across
videos). These steps are the body shared by :mod:`lmms_eval.scoring.mmmu`'s parsers, reused here.

The letter is compared with ``"ABCDE"[answer]``. ``tests/scoring/fixtures/nextqa_official_cases.jsonl`` holds
the peer function's readings of messy responses (its random draws marked); ``tests/scoring/test_nextqa.py``
requires agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.scoring.mmmu import _parse_choice, fallback_choice

__all__ = ["extract_nextqa_answer", "parse_nextqa_response"]

LETTERS = "ABCDE"
_UNREAD = "\x00"


def parse_nextqa_response(response: str, options: Sequence[str]) -> str | None:
    """The letter the peer's parser reads (module docstring), None where it would guess."""
    letters = list(LETTERS[: len(options)])
    index2ans = {c: str(o).strip() for c, o in zip(letters, options)}
    read = _parse_choice(response, letters, index2ans, _UNREAD, bare_forms=("{} ", "{}."))
    return None if read == _UNREAD else read


def extract_nextqa_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``nextqa``: the letter read from the response over the options ``a0``-``a4``, the seeded guess
    where the peer draws one."""
    options = [str(doc.get(f"a{i}", "")) for i in range(5)]
    letter = parse_nextqa_response(text, options)
    if letter is None:
        letter = fallback_choice(f"{doc.get('video', '')}_{doc.get('qid', '')}", list(LETTERS))
    return letter
