"""EgoSchema's answer parsing as lmms-eval 0.7.3 does it (EgoSchema's own server only takes option indices).

Source: lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``), ``lmms_eval/tasks/egoschema/utils.py``,
``parse_multi_choice_response`` as called by ``egoschema_process_results_generation`` (an adaptation of
MMMU's parser, github.com/MMMU-Benchmark/MMMU@51ce7f3e ``eval/eval_utils.py``). The official EgoSchema
evaluation (github.com/egoschema/EgoSchema) scores a JSON of ``{q_uid: option index}`` on its server; the
500-question subset's answers are public, and this parser turns a response into that index. In order:

1. the characters ``, . ! ? ; : '`` are stripped from both ends, one after the other (each ``str.strip``
   once), and one space is put at each end;
2. candidates, all collected (unlike MMMU, no step waits for the previous one to find nothing): ``(X)`` for
   each letter A-E in the text, then ``X `` (a space after), then ``X.``;
3. none, and the response has more than 5 words: every option whose text (the option string as stored,
   "A. ..." included, stripped) occurs in it, case ignored;
4. one candidate: its letter; several: the one whose *last* occurrence (``rfind`` of the candidate string,
   or of the option text) starts *first* (``np.argmin``; ties to the earlier candidate); none: the official
   code draws ``random.choice``, here the seeded :func:`lmms_eval.scoring.mmmu.fallback_choice` keyed by the
   question id (the same uniform guess, the same for a doc in every run).

The letter becomes the option index 0-4, compared with the ``answer`` column as strings.
``tests/scoring/fixtures/egoschema_official_cases.jsonl`` holds the peer function's readings of messy
responses (its random draws marked); ``tests/scoring/test_egoschema.py`` requires agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.scoring.mmmu import fallback_choice

__all__ = ["extract_egoschema_answer", "parse_egoschema_response", "submission_rows"]

LETTERS = "ABCDE"
_END_PUNCTUATION = (",", ".", "!", "?", ";", ":", "'")


def _padded(response: str) -> str:
    for char in _END_PUNCTUATION:
        response = response.strip(char)
    return " " + response + " "


def parse_egoschema_response(response: str, options: Sequence[str]) -> str | None:
    """The letter the peer's parser reads from ``response`` (module docstring), None where it would guess."""
    text = _padded(response)
    letters = LETTERS[: len(options)]
    forms = ("({})", "{} ", "{}.")
    candidates = [form.format(c) for form in forms for c in letters if form.format(c) in text]
    if candidates:
        positions = [text.rfind(c) for c in candidates]
        chosen = candidates[positions.index(min(positions))]
        return chosen.replace("(", "").replace(")", "").replace(".", "").strip()
    if len(text.split()) <= 5:
        return None
    lower = text.lower()
    index2ans = {c: str(o).strip() for c, o in zip(letters, options)}
    found = [c for c in letters if index2ans[c].lower() in lower]
    if not found:
        return None
    positions = [lower.rfind(index2ans[c].lower()) for c in found]
    return found[positions.index(min(positions))]


def extract_egoschema_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``egoschema``: the option index ("0"-"4") read from the response, the seeded guess where the
    peer draws one."""
    options = [str(o) for o in doc.get("option") or []]
    letter = parse_egoschema_response(text, options)
    if letter is None:
        letter = fallback_choice(str(doc.get("question_idx", "")), list(LETTERS[: len(options)]))
    return str(LETTERS.index(letter))


def submission_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """One row per answered question for EgoSchema's server (whose JSON maps ``q_uid`` to the option index):
    ``q_uid`` (the ``video_idx`` column, as lmms-eval 0.7.3 keys it), ``answer`` (the index read), and the
    raw ``prediction``."""
    rows = []
    for sample, response in answers:
        data = sample.doc.data
        rows.append(
            {
                "q_uid": data.get("video_idx"),
                "answer": int(extract_egoschema_answer(response, data)),
                "prediction": response,
            }
        )
    return rows
