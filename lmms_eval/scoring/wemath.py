"""We-Math (Qiao et al., 2024, "We-Math: Does Your Large Multimodal Model Achieve Human-like Mathematical
Reasoning?"): the official answer reading and four-dimensional metrics, re-implemented from
``evaluation/four_dimensional_metrics.py`` (``load_and_process_data``, ``process_steps_data``,
``calculate_metrics``, ``compute_final_scores``, ``update_main_results_df``) and ``evaluation/accuracy.py``
(one-, two- and three-step accuracies) of https://github.com/We-Math/We-Math at commit
a57a0e83fc40d6ce1448926fe6495e57132e7b80.

**Reading** (:func:`wemath_answer`, ``load_and_process_data``): the text after the last ``Answer`` (case
sensitive; the whole response when absent), stripped, with every ``>``, ``<``, ``:`` and ``.`` removed,
stripped again; its first character when it is one of ``ABCDEFGH``, else nothing. Right when that letter
equals the ``answer`` column. So "<Answer>: B" and "Answer: B. 12" read B, "answer: B" reads nothing
(lower-case "answer" is not split off and "a" is not a capital option) and "(B)" reads nothing.

**Groups.** testmini's 1,740 questions form 525 multi-step problems: 360 two-step (``ID`` ``2steps_<n>``,
rows ``key`` ``2steps_1``, ``2steps_2``, ``2steps_multi``) and 165 three-step (``3steps_1..3``,
``3steps_multi``); the rows of a problem share its ``ID``. With ``j1..jn`` the sub-problems' results and
``jm`` the composite problem's, each problem falls in (``calculate_metrics``):

- IK, insufficient knowledge: some ``ji`` wrong and ``jm`` wrong;
- IG, inadequate generalization: every ``ji`` right and ``jm`` wrong;
- CM, complete mastery: ``jm`` right and every ``ji`` right (strict) / some ``ji`` right (loose);
- RM, rote memorization: ``jm`` right and some ``ji`` wrong (strict) / every ``ji`` wrong (loose).

``compute_final_scores``: IK, IG and CM are shares of the problems; RM is a share of the problems whose
``jm`` is right (``RM / (CM + RM)``, of the same setting). ``update_main_results_df``: the score is
``(N - 0.5 IG - RM - IK) / N`` (strict and loose RM). The official code divides by the constant ``N = 525``
(testmini's problems); here ``N`` is the number of problems evaluated (the groups that have their first
sub-problem, each counted as often as a bootstrap resample draws it), which is 525 on testmini and keeps the
numbers meaningful on a subset (``--limit``). The official merge starts from the ``_1`` rows, so a problem
without its first sub-problem is not counted at all, and a missing row elsewhere (a failed request here)
makes every condition on it false, as pandas' NaN does.

**For the engine.** Per sample, :func:`wemath_code` gives the member code ``2 * member + correct`` (member:
``4 * (steps - 2) + role``, role 0 for ``multi`` and i for sub-problem i; ``-1`` for a key outside these);
the aggregation :func:`wemath_dimension` (``aggregation_args: {by: ID, measure: ...}``) computes one of
``IK``, ``IG``, ``CM_strict``, ``CM_loose``, ``RM_strict``, ``RM_loose``, ``score_strict``, ``score_loose``
for every bootstrap resample at once; with ``cluster_key: ID`` the bootstrap draws whole problems.
:func:`add_step_kind` (``process_docs``) writes ``step_kind``: ``one-step`` for the sub-problems,
``two-step`` / ``three-step`` for the composite ones, whose per-value accuracy is ``accuracy.py``'s S1, S2,
S3.

lmms-eval 0.7.3 differs: it scores a sample right by its generic reasoning scorer (the ``<answer>`` tag,
then math and letter matching) instead of this reading, and reports only the two scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.aggregations import NO_GROUP, flat_rows

__all__ = [
    "MEASURES",
    "add_step_kind",
    "extract_wemath_answer",
    "wemath_answer",
    "wemath_code",
    "wemath_dimension",
    "wemath_member",
]

MEASURES = ("IK", "IG", "CM_strict", "CM_loose", "RM_strict", "RM_loose", "score_strict", "score_loose")
_KEY = re.compile(r"^([23])steps_(1|2|3|multi)$")
_STRIPPED = re.compile(r"[>><<:.]")
_MEMBERS = 8  # 2-step: 0 (multi), 1, 2; 3-step: 4 (multi), 5, 6, 7


def wemath_answer(response: str) -> str | None:
    """The official reading (module docstring): an option letter A-H, or None."""
    tail = response.split("Answer")[-1].strip()
    tail = _STRIPPED.sub("", tail).strip()
    return tail[0] if tail and tail[0] in "ABCDEFGH" else None


def extract_wemath_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``wemath``: :func:`wemath_answer`."""
    return wemath_answer(text)


def wemath_member(key: str) -> int | None:
    """The member number of a row ``key`` (``2steps_1`` -> 1, ``3steps_multi`` -> 4), None for others."""
    found = _KEY.match(key.strip())
    if not found:
        return None
    role = 0 if found.group(2) == "multi" else int(found.group(2))
    if found.group(1) == "2" and role == 3:
        return None
    return 4 * (int(found.group(1)) - 2) + role


def wemath_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``wemath_code``: ``2 * member + correct`` (``-1`` for a row outside the step groups); correct
    when the letter read equals the answer."""
    member = wemath_member(str(doc.get("key") or ""))
    if member is None:
        return NO_GROUP
    correct = prediction is not None and prediction == str(target)
    return float(2 * member + int(correct))


def _tallies(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per resample, problem and member, ``(B, G, 8)``: entries drawn and entries right."""
    flat = flat_rows(scores, labels)
    outside = flat.value < 0
    codes = np.where(outside, 0.0, flat.value).astype(np.int64)
    weight = np.where(outside, 0.0, flat.weight)
    n_groups = flat.n_labels
    key = (flat.row * n_groups + flat.label) * _MEMBERS + codes // 2
    size = flat.n_rows * n_groups * _MEMBERS
    entries = np.bincount(key, weights=weight, minlength=size)
    right = np.bincount(key, weights=weight * (codes % 2), minlength=size)
    shape = (flat.n_rows, n_groups, _MEMBERS)
    return entries.reshape(shape), right.reshape(shape)


def _counts(scores: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """Per resample, the weighted number of problems in each category and ``N``."""
    entries, right = _tallies(scores, labels)
    present = entries > 0
    is_right = present & (right == entries)
    is_wrong = present & (right == 0)
    out: dict[str, np.ndarray] = {}
    for multi, steps in ((0, [1, 2]), (4, [5, 6, 7])):
        draws = entries[:, :, steps[0]]  # the problem counts when its first sub-problem is there
        all_right = is_right[:, :, steps].all(axis=2)
        any_right = is_right[:, :, steps].any(axis=2)
        all_wrong = is_wrong[:, :, steps].all(axis=2)
        any_wrong = is_wrong[:, :, steps].any(axis=2)
        jm_right, jm_wrong = is_right[:, :, multi], is_wrong[:, :, multi]
        parts = {
            "N": np.ones_like(all_right),
            "IK": any_wrong & jm_wrong,
            "IG": all_right & jm_wrong,
            "CM_strict": all_right & jm_right,
            "CM_loose": any_right & jm_right,
            "RM_strict": any_wrong & jm_right,
            "RM_loose": all_wrong & jm_right,
        }
        for name, mask in parts.items():
            out[name] = out.get(name, 0.0) + (draws * mask).sum(axis=1)
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(np.shape(num), dtype=np.float64)
    np.divide(num, den, out=out, where=np.asarray(den) != 0)
    return out


def wemath_dimension(
    scores: np.ndarray, labels: np.ndarray | None = None, *, measure: str = "score_strict", **_: Any
) -> np.ndarray:
    """Aggregation ``wemath_dimension``: one of :data:`MEASURES` (module docstring) per resample, from the
    :func:`wemath_code` scores with ``labels`` the problem (``by: ID``)."""
    if measure not in MEASURES:
        raise ConfigError(f"wemath_dimension: measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    if labels is None:
        raise ConfigError(
            "Aggregation 'wemath_dimension' needs the problem of each sample: 'aggregation_args: {by: ID}'."
        )
    c = _counts(scores, np.asarray(labels))
    total = c["N"]
    if measure.startswith("score_"):
        setting = measure.split("_")[1]
        return _ratio(total - 0.5 * c["IG"] - c[f"RM_{setting}"] - c["IK"], total)
    if measure.startswith("RM_"):
        setting = measure.split("_")[1]
        return _ratio(c[measure], c[f"CM_{setting}"] + c[measure])
    return _ratio(c[measure], total)


def add_step_kind(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: adds ``step_kind``, ``one-step`` for a sub-problem (``2steps_1``...),
    ``two-step`` / ``three-step`` for a composite problem, ``other`` for any other key."""
    out = []
    for doc in docs:
        member = wemath_member(str(doc.get("key") or ""))
        if member is None:
            kind = "other"
        elif member == 0:
            kind = "two-step"
        elif member == 4:
            kind = "three-step"
        else:
            kind = "one-step"
        out.append({**doc, "step_kind": kind})
    return out
