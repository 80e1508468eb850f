"""HallusionBench (Guan et al., CVPR 2024): the leaderboard accuracies aAcc, qAcc and fAcc with a rule-based
yes/no reading of the answers.

What is official and what is not:

- Grouping and accuracies follow ``utils.py`` of https://github.com/tianyi-lab/HallusionBench at commit
  744007c232c292942c7f80eb61edb2465482da31 (the functions behind ``evaluation.py``'s leaderboard table):
  ``aAcc`` (``get_eval_all``) is the share of questions answered right; ``qAcc`` (``get_eval_pair_all``)
  the share of *question groups* - one question (``category``, ``subcategory``, ``set_id``,
  ``question_id``) asked of every figure of its set - whose answers are all right; ``fAcc``
  (``get_eval_fig``) the share of *figures* (``category``, ``subcategory``, ``set_id``, ``figure_id``)
  whose questions are all right, leaving out the visual-supplement questions asked without a figure
  (``VS``, ``figure_id`` 0). :func:`add_group_keys` (the task's ``process_docs``) writes these keys, joined
  with ``_`` as the official code does, into the columns ``question_group``, ``figure_group`` and
  ``set_group``, and the official per-question key into ``doc_key`` (unique: the doc id).
- Reading the answers is **not** official: the official evaluation asks GPT-4 whether the model's answer
  agrees with ``gt_answer_details`` ("correct" / "incorrect" / "unclear"); the repository has no rule-based
  path. This module uses the rule-based fallback of lmms-eval 0.7.3 (``hb_aggregation_result_intern`` in
  ``lmms_eval/tasks/hallusion_bench/evaluate_hb.py``): the answer is ``"1"`` (yes) when the lower-cased
  response contains ``yes`` anywhere (so also in "eyes" or "yesterday"), else ``"0"`` (no), and it is
  right when it equals the dataset's ``gt_answer`` (``"1"``/``"0"``). Without a judge there is no
  "unclear" verdict, so the official rule that an unclear answer to a question asked without a figure
  counts as right never applies. Scores from this reading are not comparable with GPT-judged leaderboard
  numbers.

The ``image`` split of lmms-lab/HallusionBench holds every question with a figure (951); the 178 asked
without one (``VS``, ``figure_id`` 0, the only rows fAcc leaves out) are its ``non_image`` split, so on
``image`` the question groups lack their figure-less question, as in lmms-eval.

Per sample, :func:`hallusion_bench_correct` gives 0/1 (aAcc, ``mean``) and
:func:`hallusion_bench_group_code` the member code ``2 * member + correct`` read by the
``group_all_correct`` aggregation (qAcc: ``group: question``, ``by: question_group``, the member being the
figure; fAcc: ``group: figure``, ``by: figure_group``, the member being the question; a question without a
figure is ``NO_GROUP`` there). With ``cluster_key: set_group`` the bootstrap draws whole sets, which keeps
both kinds of groups whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from lmms_eval.scoring.aggregations import NO_GROUP

__all__ = [
    "add_group_keys",
    "extract_hallusion_bench_answer",
    "hallusion_bench_answer",
    "hallusion_bench_correct",
    "hallusion_bench_group_code",
    "has_no_figure",
]

_ANSWERS = ("0", "1")
Group = Literal["question", "figure"]


def hallusion_bench_answer(text: str) -> str:
    """``"1"`` when the lower-cased text contains ``yes`` anywhere, else ``"0"`` (lmms-eval 0.7.3's rule)."""
    return "1" if "yes" in text.lower() else "0"


def extract_hallusion_bench_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``hallusion_bench``: ``"1"`` (yes) or ``"0"`` (no); never None."""
    return hallusion_bench_answer(text)


def _key(doc: Mapping[str, Any], *fields: str) -> str:
    return "_".join(str(doc[f]) for f in fields)


def add_group_keys(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with the official keys ``doc_key`` (category_subcategory_set_id_figure_id_
    question_id), ``question_group`` (..._set_id_question_id), ``figure_group`` (..._set_id_figure_id) and
    ``set_group`` (..._set_id)."""
    return [
        {
            **doc,
            "doc_key": _key(doc, "category", "subcategory", "set_id", "figure_id", "question_id"),
            "question_group": _key(doc, "category", "subcategory", "set_id", "question_id"),
            "figure_group": _key(doc, "category", "subcategory", "set_id", "figure_id"),
            "set_group": _key(doc, "category", "subcategory", "set_id"),
        }
        for doc in docs
    ]


def _is_correct(prediction: str | None, target: Any) -> bool:
    answer = prediction if prediction in _ANSWERS else hallusion_bench_answer(prediction or "")
    return answer == str(target)


def hallusion_bench_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the yes/no reading (``"1"``/``"0"``; raw text is read by the rule) equals ``gt_answer``."""
    return float(_is_correct(prediction, target))


def has_no_figure(doc: Mapping[str, Any]) -> bool:
    """A visual-supplement question asked without its figure (official: ``VS`` with ``figure_id`` 0)."""
    return str(doc["category"]) == "VS" and str(doc["figure_id"]) == "0"


def hallusion_bench_group_code(
    prediction: str | None, target: Any, doc: Mapping[str, Any], *, group: Group
) -> float:
    """The member code read by ``group_all_correct``: ``2 * member + correct``, the member being the
    ``figure_id`` in a question group (``group: question``, qAcc) and the ``question_id`` in a figure group
    (``group: figure``, fAcc); ``NO_GROUP`` (-1) for a question without a figure in a figure group."""
    if group == "question":
        member = doc["figure_id"]
    elif group == "figure":
        if has_no_figure(doc):
            return NO_GROUP
        member = doc["question_id"]
    else:
        raise ValueError(f"group must be 'question' or 'figure', got {group!r}")
    return float(2 * int(member) + _is_correct(prediction, target))
