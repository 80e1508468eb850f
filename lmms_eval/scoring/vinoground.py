"""Vinoground's text, video and group scores, as lmms-eval 0.7.3 computes them.

Vinoground (Zhang et al. 2024, github.com/Vinoground/Vinoground) pairs two short videos that differ only in
the order of events with two captions that differ likewise. Each pair ``i`` is asked four questions: two
text-score questions ("which caption fits this video?", once per video: ``i_pos``, ``i_neg``) and two
video-score questions ("which segment of this concatenated video fits the caption?", once per caption).
lmms-eval 0.7.3 (``lmms_eval/tasks/vinoground/utils.py``: ``vinoground_process_results``,
``vinoground_aggregate_results``) reads the first character of the reply and compares it with the answer
letter ignoring case; a pair's text score is 1 when both its text questions are right, its video score
likewise, its group score when all four are; each score is averaged over the pairs (500 in the benchmark).
The official ``get_score_all.py`` compares the reply's first ``len(answer)`` characters: the same for the
one-letter answers. lmms-eval 0.7.3 fails on an empty reply; here it is wrong.

An aggregation sees only the per-question scores, so :func:`vinoground_code` tags each with its question:
``8 * pair + 4 * (video question) + 2 * (negative) + right``; :func:`vinoground_text`,
:func:`vinoground_video` and :func:`vinoground_group` read them back (over the pairs present; a pair with a
question missing is not right). :func:`add_question_fields` derives ``pair``, ``polarity`` and
``score_type`` from the questions' ``idx`` and ``video_name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "add_question_fields",
    "extract_vinoground_answer",
    "vinoground_code",
    "vinoground_group",
    "vinoground_text",
    "vinoground_video",
]

_VIDEO_FOLDER = "vinoground_videos_concated/"


def add_question_fields(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``pair`` (the number in ``idx`` "12_pos"), ``polarity`` ("pos"/"neg") and ``score_type`` ("video"
    for a question on a concatenated video, else "text")."""
    for doc in docs:
        number, polarity = str(doc["idx"]).split("_")[:2]
        doc["pair"] = int(number)
        doc["polarity"] = polarity
        doc["score_type"] = "video" if str(doc["video_name"]).startswith(_VIDEO_FOLDER) else "text"
    return docs


def extract_vinoground_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The reply's first character (lmms-eval 0.7.3's ``pred[0]``), None for an empty reply."""
    return text[0] if text else None


def vinoground_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``8 * pair + 4 * (video question) + 2 * (negative) + right`` (right: the letters equal, case ignored)."""
    right = prediction is not None and prediction.lower() == str(target).lower()
    video = doc["score_type"] == "video"
    negative = doc["polarity"] != "pos"
    return float(8 * int(doc["pair"]) + 4 * video + 2 * negative + right)


def _pair_scores(scores: np.ndarray, need: tuple[int, ...]) -> np.ndarray:
    """Per resample row: the share of pairs whose questions ``need`` (codes ``4 * video + 2 * negative``)
    are all present and right."""
    rows = np.asarray(scores, dtype=np.float64)
    rows = rows[None, :] if rows.ndim == 1 else rows
    codes = np.rint(rows).astype(np.int64)
    out = np.zeros(rows.shape[0])
    for r, row in enumerate(codes):
        pairs = row // 8
        question, right = (row % 8) // 2 * 2, row % 2
        present = np.unique(pairs)
        ok = np.ones(len(present), dtype=bool)
        for q in need:
            hit = np.zeros(len(present), dtype=bool)
            mask = question == q
            hit[np.searchsorted(present, pairs[mask & (right == 1)])] = True
            seen = np.zeros(len(present), dtype=bool)
            seen[np.searchsorted(present, pairs[mask])] = True
            wrong = np.zeros(len(present), dtype=bool)
            wrong[np.searchsorted(present, pairs[mask & (right == 0)])] = True
            ok &= seen & hit & ~wrong
        out[r] = ok.mean() if len(present) else 0.0
    return out


def vinoground_text(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """The text score: pairs whose two text questions are right."""
    return _pair_scores(scores, (0, 2))


def vinoground_video(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """The video score: pairs whose two video questions are right."""
    return _pair_scores(scores, (4, 6))


def vinoground_group(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """The group score: pairs whose four questions are right."""
    return _pair_scores(scores, (0, 2, 4, 6))
