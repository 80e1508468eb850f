"""NaturalBench (Li et al., NeurIPS 2024, "NaturalBench: Evaluating Vision-Language Models on Natural
Adversarial Samples"): the official answer reading and the question / image / group accuracies,
re-implemented from ``naturalbench_vqa.py`` (``extract_answer``, ``get_scores``) of
https://github.com/Baiqi-Li/NaturalBench at commit 99676059da42c0094df345bb3333b1140a18483b.

A NaturalBench sample is a 2x2 group: two questions (``q0``, ``q1``) each asked of two images (``i0``,
``i1``), chosen so that ``q0`` is answered "yes"/"A" on ``i0`` and "no"/"B" on ``i1``, and ``q1`` the other
way round. lmms-eval 0.7.3's dataset (``BaiqiL/NaturalBench-lmms-eval``) lists the four as consecutive rows
``4g + k`` in the official order ``k = 0: q0_i0, 1: q0_i1, 2: q1_i0, 3: q1_i1`` (its ``Index`` column).

Reading an answer (:func:`naturalbench_answer`, official ``extract_answer``): the first whole-word,
case-insensitive match of ``yes`` and of ``no`` (``A`` and ``B`` for ``multiple_choice`` questions); when
both occur the earlier one wins; ``1`` is yes/A, ``0`` is no/B, ``-1`` neither. So "Yes, no doubt" is 1,
"No. Yes" is 0, "a" is 1 (case-insensitive, also the article: "a cat" reads as A), "yes-man" is 1 (the
hyphen ends a word), "yesterday", "nope" and "" are -1.

Scores (official ``get_scores``): the official code compares the reading with the *position* of the row in
its group, not with the dataset's answer column: ``q0_i0`` and ``q1_i1`` are right when read as 1,
``q0_i1`` and ``q1_i0`` when read as 0 (a reading of -1 is wrong everywhere). ``Acc`` is the share of
right answers; ``Q_Acc`` the share of questions right on both images (``q0``: ``q0_i0`` and ``q0_i1``);
``I_Acc`` the share of images with both questions right (``i0``: ``q0_i0`` and ``q1_i0``); ``G_Acc`` the
share of groups with all four right. This module follows that positional rule (as lmms-eval 0.7.3 does).

Per sample, :func:`naturalbench_correct` gives 0/1 (``Acc``, ``mean``) and :func:`naturalbench_code` the
member code ``2 * member + correct`` read by the ``group_all_correct`` aggregation over the columns that
:func:`add_group_keys` (the task's ``process_docs``) writes: ``group`` (``G_Acc``, member = position
``k``), ``question_group`` (``Q_Acc``, member = the image) and ``image_group`` (``I_Acc``, member = the
question). With ``cluster_key: group`` the bootstrap draws whole 2x2 groups, so all four get confidence
intervals. Where the official code divides by the number of groups times two (it requires every group
complete), a group with a failed request is judged here on the answers it has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

__all__ = [
    "EXPECTED",
    "Group",
    "add_group_keys",
    "extract_naturalbench_answer",
    "naturalbench_answer",
    "naturalbench_code",
    "naturalbench_correct",
    "position",
]

QuestionType = Literal["yes_no", "multiple_choice"]
Group = Literal["group", "question", "image"]
_WORDS = {"yes_no": ("yes", "no"), "multiple_choice": ("A", "B")}
#: the reading expected at each position k of a group (q0_i0, q0_i1, q1_i0, q1_i1)
EXPECTED = (1, 0, 0, 1)


def _word_position(text: str, word: str) -> int:
    found = re.search(r"\b" + re.escape(word) + r"\b", text, re.IGNORECASE)
    return found.start() if found else -1


def naturalbench_answer(text: str, question_type: str) -> int:
    """``1`` (yes / A), ``0`` (no / B) or ``-1`` (neither): the official reading (see the module doc)."""
    if question_type not in _WORDS:
        raise ValueError(
            f"NaturalBench question type must be yes_no or multiple_choice, got {question_type!r}"
        )
    first, second = (_word_position(text, w) for w in _WORDS[question_type])
    if first == -1 and second == -1:
        return -1
    if first != -1 and second != -1:
        return 1 if first < second else 0
    return 0 if first == -1 else 1


def extract_naturalbench_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``naturalbench``: ``"1"``, ``"0"`` or ``"-1"`` read for the doc's ``Question_Type``."""
    return str(naturalbench_answer(text, str(doc["Question_Type"])))


def position(doc: Mapping[str, Any]) -> int:
    """The row's place ``k`` in its group (``Index mod 4``: 0 q0_i0, 1 q0_i1, 2 q1_i0, 3 q1_i1)."""
    return int(doc["Index"]) % 4


def _reading(prediction: str | None, doc: Mapping[str, Any]) -> int:
    if prediction in ("1", "0", "-1"):
        return int(prediction)
    return naturalbench_answer(prediction or "", str(doc["Question_Type"]))


def _is_correct(prediction: str | None, doc: Mapping[str, Any]) -> bool:
    return _reading(prediction, doc) == EXPECTED[position(doc)]


def naturalbench_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the reading (``"1"``/``"0"``/``"-1"``; raw text is read by the rule) is the one expected at
    the row's position in its group (``Acc``); the target is not consulted, as in the official code."""
    return float(_is_correct(prediction, doc))


def naturalbench_code(prediction: str | None, target: Any, doc: Mapping[str, Any], *, group: Group) -> float:
    """The member code ``2 * member + correct`` read by ``group_all_correct``: the member is the position
    ``k`` in a ``group`` (``G_Acc``), the image ``k mod 2`` in a ``question`` group (``Q_Acc``) and the
    question ``k // 2`` in an ``image`` group (``I_Acc``)."""
    k = position(doc)
    members = {"group": k, "question": k % 2, "image": k // 2}
    if group not in members:
        raise ValueError(f"group must be 'group', 'question' or 'image', got {group!r}")
    return float(2 * members[group] + _is_correct(prediction, doc))


def add_group_keys(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``group`` (``Index // 4``), ``question_group`` (``<group>_q<k // 2>``)
    and ``image_group`` (``<group>_i<k mod 2>``)."""
    out = []
    for doc in docs:
        g, k = int(doc["Index"]) // 4, position(doc)
        out.append(
            {**doc, "group": str(g), "question_group": f"{g}_q{k // 2}", "image_group": f"{g}_i{k % 2}"}
        )
    return out
