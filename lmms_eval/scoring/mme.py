"""MME (Fu et al., 2023, "MME: A Comprehensive Evaluation Benchmark for Multimodal Large Language Models"):
the official evaluation tool, re-implemented from ``eval_tool/calculation.py`` in ``tools/eval_tool.zip`` of
https://github.com/BradyFU/Awesome-Multimodal-Large-Language-Models, branch ``Evaluation``, at commit
dd2950902889cd614d4edf606827240166d29381 (the zip was last changed by commit 1c1d69e, 2023-07-01).

Reading an answer (:func:`mme_answer`). The tool reads one response per line of a tab-separated file, and
its readme asks to delete the response's newlines first; here too every ``\\n`` is deleted. Then the
response is lower-cased and only its first four characters count: ``"yes"`` when they contain ``yes``,
else ``"no"`` when they contain ``no``, else ``"other"`` (always wrong). The tool's exact-match test for
``yes``/``no`` comes first but never decides anything the four-character test would not, and the line
ending the tool leaves on the response cannot create a match either. So ``"Yes."``, ``" yes"``,
``"no, it is not"``, ``"Not sure"``, ``"None"`` and ``"know"`` read as yes/no/no/no/no, while ``"  Yes"``
(two spaces), ``"**Yes**"``, ``"Y"``, ``"The answer is yes"`` and ``""`` are "other". The tool cannot read
a response holding a tab (its line split fails); here a tab is an ordinary character.

Scores (official): per subtask, ``acc`` = share of its questions answered right, ``acc+`` = share of its
images with *both* questions right, subtask score = ``(acc + acc+) * 100``; the perception score is the sum
over the 10 perception subtasks, the cognition score the sum over the 4 cognition subtasks (at most
2,000 and 800 points). The ground truth is lower-cased and must be ``yes`` or ``no``.

Per sample, :func:`mme_code` gives ``4 * subtask + 2 * (answer is yes) + correct`` (``subtask`` indexes
:data:`SUBTASKS`, in the tool's order); the aggregation :func:`mme_score` (``aggregation_args: {family:
perception | cognition, by: <image column>}``) rebuilds the subtask scores from these codes and the image
of each sample (its label). The two questions of an image are told apart by their answers (every MME image
has one "yes" and one "no" question), so a resample that draws an image ``k`` times counts it ``k`` times
in acc+ (see :mod:`lmms_eval.scoring.aggregations`); the task's ``cluster_key`` is the image, so the
bootstrap draws whole pairs and the totals get confidence intervals in points. An image with one question
unscored (a failed request) is judged on the question it has. A family with no subtask in the data sums to
0.0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.aggregations import (
    FlatResamples,
    _safe_div,
    _with_counts,
    all_correct_rate,
    compact_codes,
    flat_counts,
    flat_rows,
    group_tallies,
)

__all__ = [
    "COGNITION",
    "PERCEPTION",
    "SUBTASKS",
    "extract_mme_answer",
    "mme_answer",
    "mme_code",
    "mme_score",
]

PERCEPTION = (
    "existence",
    "count",
    "position",
    "color",
    "posters",
    "celebrity",
    "scene",
    "landmark",
    "artwork",
    "OCR",
)
COGNITION = ("commonsense_reasoning", "numerical_calculation", "text_translation", "code_reasoning")
SUBTASKS = PERCEPTION + COGNITION
_INDEX = {name: i for i, name in enumerate(SUBTASKS)}
Family = Literal["perception", "cognition"]


def mme_answer(text: str) -> str:
    """``"yes"``, ``"no"`` or ``"other"``: the official reading of a response (see the module doc)."""
    head = text.replace("\n", "").lower()[:4]
    if "yes" in head:
        return "yes"
    if "no" in head:
        return "no"
    return "other"


def extract_mme_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``mme``: the official reading; never None ("other" is a wrong answer)."""
    return mme_answer(text)


def _truth(target: Any) -> str:
    truth = str(target).lower()
    if truth not in ("yes", "no"):
        raise ValueError(f"MME ground truth must be yes or no (any case), got {target!r}")
    return truth


def _subtask(doc: Mapping[str, Any]) -> int:
    category = doc.get("category")
    if category not in _INDEX:
        raise ValueError(f"unknown MME category {category!r}; expected one of {', '.join(SUBTASKS)}")
    return _INDEX[str(category)]


def mme_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``4 * subtask + 2 * (target is yes) + correct`` for the doc's ``category``. ``mme_answer`` leaves
    ``yes``/``no``/``other`` as they are, so the metric also reads raw text (identity extractor)."""
    truth = _truth(target)
    correct = mme_answer(prediction or "") == truth
    return float(4 * _subtask(doc) + 2 * (truth == "yes") + correct)


def _family_mask(family: str) -> np.ndarray:
    members = {"perception": PERCEPTION, "cognition": COGNITION}.get(family)
    if members is None:
        raise ValueError(f"MME family must be 'perception' or 'cognition', got {family!r}")
    return np.isin(np.array(SUBTASKS), members)


def _score_flat(flat: FlatResamples, family: str) -> np.ndarray:
    mask = _family_mask(family)
    codes = flat.value.astype(np.int64)
    correct, is_yes, subtask = codes % 2, (codes // 2) % 2, codes // 4
    if subtask.size and (subtask.min() < 0 or subtask.max() >= len(SUBTASKS)):
        raise ValueError("mme_score reads the codes of the mme_code metric")
    # a group is an (image, subtask) pair: image names may repeat across subtasks
    group, pair_keys = compact_codes(flat.label * len(SUBTASKS) + subtask)
    tallies = group_tallies(flat, group, len(pair_keys), is_yes, correct)
    onehot = np.zeros((len(pair_keys), len(SUBTASKS)))
    onehot[np.arange(len(pair_keys)), pair_keys % len(SUBTASKS)] = 1.0
    answered = tallies.entries @ onehot  # (B, S) questions per subtask
    acc = _safe_div(tallies.correct @ onehot, answered)
    acc_plus = np.stack([all_correct_rate(tallies, onehot[:, s]) for s in range(len(SUBTASKS))], axis=1)
    present = (answered > 0) & mask
    out: np.ndarray = 100.0 * ((acc + acc_plus) * present).sum(axis=1)
    return out


def _require_images(labels: Any) -> None:
    if labels is None:
        raise ConfigError(
            "Aggregation 'mme_score' needs the image of each sample: give the metric "
            "'aggregation_args: {family: perception, by: question_id}'."
        )


def _mme_score_counts(
    values: np.ndarray, labels: np.ndarray | None, counts: np.ndarray, *, family: Family, **_: Any
) -> np.ndarray:
    _require_images(labels)
    return _score_flat(flat_counts(values, labels, counts), family)


@_with_counts(_mme_score_counts)
def mme_score(
    scores: np.ndarray, labels: np.ndarray | None = None, *, family: Family, **_: Any
) -> np.ndarray:
    """The official perception or cognition total (points, at most 2,000 / 800) of each resample, from
    :func:`mme_code` scores and one image label per sample."""
    _require_images(labels)
    return _score_flat(flat_rows(scores, labels), family)
