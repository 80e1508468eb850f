"""Cambrian-1's evaluation rules for CV-Bench, MMVP and V*Bench (Tong et al., NeurIPS 2024, "Cambrian-1: A
Fully Open, Vision-Centric Exploration of Multimodal LLMs"), re-implemented from
https://github.com/cambrian-mllm/cambrian at commit 539ffc3254bba004e5d012b65c0ad6cb308897c5:
``eval/eval/{ade,coco,omni}/*_test.py`` (CV-Bench: its ADE20K, COCO and Omni3D parts),
``eval/eval/mmvp/mmvp_test.py`` and ``eval/eval/vstar/vstar_test.py``. CV-Bench is Cambrian-1's benchmark,
and MMVP and V* come from the same group; their own repositories score differently (MMVP: a GPT-4 grader,
``scripts/gpt_grader.py`` of github.com/tsb0601/MMVP@763500597e65c3446f09047837ceda76f4e264bf, with no
rule-based step; V*: the likelihood of each option, ``vstar_bench_eval.py`` of
github.com/penghao-wu/vstar@4ede6647959cfb59eeabd09286adf6a5f9478da0), so for generated answers these are
the authors' rule-based readings.

Reading an answer (:func:`cambrian_answer`, ``extract_mcq_answer``): lower-case and strip the response; for
each of "answer is", "answer is:", "answer:" in turn, when the text contains it keep what follows its last
occurrence; strip, remove trailing characters of ``trailing`` (``.``; ``.:,`` for Omni3D and MMVP), one
run of leading ``(`` and trailing ``)``; then keep only the first character (not for MMVP). So "(B) left"
reads ``b``, "The answer is C." ``c``, "Answer: (a)" ``a``, "left" ``l`` and "" ``""``.

Right answers:

- CV-Bench (:func:`cv_bench_correct`): the reading equals the answer's letter (``"(A)"`` -> ``a``); for
  Omni3D questions also when it equals the right option's text exactly (only a one-character option can).
  The accuracy (:func:`cv_bench_accuracy`) is CV-Bench's: ``((ADE20K + COCO) / 2 + Omni3D) / 2`` over the
  per-source accuracies (the dataset card's formula, as in lmms-eval 0.7.3's
  ``cv_bench_default_aggregate_results``): the 2D score is the mean of the 2D sources present, the 3D score
  the Omni3D accuracy, the total the mean of the scores present. Per sample, :func:`cv_bench_code` gives
  ``2 * source + correct`` (``source`` indexes :data:`CV_BENCH_SOURCES`); the aggregation reads the source
  from the code, so it needs no labels and a breakdown by ``type`` gives each dimension's official score.
- MMVP (:func:`mmvp_correct`): the reading (whole, not one character) equals the answer's letter
  (``"(a)"`` -> ``a``) or the right option's lower-cased text (options from ``"(a) Open (b) Closed"``:
  the text after each ``)``, stripped). The pair accuracy is MMVP's official score: the share of
  consecutive question pairs (``Index`` 1-2, 3-4, ...) with both answers right (both the GPT grader and
  Cambrian's counter pair consecutive rows); :func:`mmvp_pair_code` gives the member code ``2 * (position
  in the pair) + correct`` for ``group_all_correct`` over the ``pair`` column that :func:`add_mmvp_pairs`
  (the task's ``process_docs``) writes; with ``cluster_key: pair`` the bootstrap draws whole pairs.
- V* (``exact_match`` with ``normalize: [lower]`` on the ``vstar`` extractor's reading): the reading equals
  the lower-cased answer letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from lmms_eval.scoring.aggregations import _rows, _safe_div, _with_counts

__all__ = [
    "CV_BENCH_SOURCES",
    "add_mmvp_pairs",
    "cambrian_answer",
    "cv_bench_accuracy",
    "cv_bench_code",
    "cv_bench_correct",
    "extract_cv_bench_answer",
    "extract_mmvp_answer",
    "extract_vstar_answer",
    "mmvp_correct",
    "mmvp_options",
    "mmvp_pair_code",
]

_KEYWORDS = ("answer is", "answer is:", "answer:")
CV_BENCH_SOURCES = ("ADE20K", "COCO", "Omni3D")
_OMNI3D = 2


def cambrian_answer(text: str, trailing: str = ".", first_char: bool = True) -> str:
    """Cambrian's ``extract_mcq_answer`` (see the module doc): ``trailing`` is the set of characters
    stripped from the end, ``first_char`` keeps only the first character."""
    text = text.lower().strip()
    for keyword in _KEYWORDS:
        if keyword in text:
            text = text.split(keyword)[-1]
    text = text.strip().rstrip(trailing).lstrip("(").rstrip(")")
    if first_char and len(text) > 1:
        text = text[0]
    return text


def _letter(answer: Any) -> str:
    """The answer's letter as the official scripts take it: ``"(A)".lower()[1]``."""
    return str(answer).lower()[1]


# -- CV-Bench --------------------------------------------------------------------------------------------


def _source(doc: Mapping[str, Any]) -> int:
    source = doc.get("source")
    if source not in CV_BENCH_SOURCES:
        raise ValueError(f"unknown CV-Bench source {source!r}; expected one of {', '.join(CV_BENCH_SOURCES)}")
    return CV_BENCH_SOURCES.index(str(source))


def extract_cv_bench_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``cv_bench``: the reading with the doc's source's rule (Omni3D strips ``.:,``, the 2D
    sources ``.``)."""
    return cambrian_answer(text, ".:," if _source(doc) == _OMNI3D else ".")


def cv_bench_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the reading equals the answer's letter (Omni3D: or the right option's text), else 0.0."""
    source = _source(doc)
    if prediction is None:
        return 0.0
    letter = _letter(target)
    if prediction == letter:
        return 1.0
    if source == _OMNI3D:
        options = list(doc.get("choices") or [])
        index = ord(letter) - ord("a")
        return float(0 <= index < len(options) and prediction == options[index])
    return 0.0


def cv_bench_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``2 * source + correct`` (``source`` indexes :data:`CV_BENCH_SOURCES`), read by
    :func:`cv_bench_accuracy`."""
    return float(2 * _source(doc) + cv_bench_correct(prediction, target, doc))


def _combined(code_counts: np.ndarray) -> np.ndarray:
    """``(B, 6)`` counts of each :func:`cv_bench_code` value -> the CV-Bench accuracy of each row."""
    right, answered = code_counts[:, 1::2], code_counts[:, 0::2] + code_counts[:, 1::2]
    acc = _safe_div(right, answered)
    present = answered > 0
    two_d = _safe_div((acc[:, :2] * present[:, :2]).sum(axis=1), present[:, :2].sum(axis=1))
    has_2d, has_3d = present[:, :2].any(axis=1), present[:, 2]
    total: np.ndarray = _safe_div(two_d * has_2d + acc[:, 2] * has_3d, has_2d.astype(float) + has_3d)
    return total


_N_CODES = 2 * len(CV_BENCH_SOURCES)


def _codes(values: np.ndarray) -> np.ndarray:
    codes = np.asarray(values, dtype=np.float64)
    if codes.size and not bool(np.all(np.isin(codes, np.arange(_N_CODES)))):
        raise ValueError("cv_bench_accuracy reads the codes of the cv_bench_code metric (0-5)")
    return codes.astype(np.int64)


def _cv_bench_counts(values: np.ndarray, labels: Any, counts: np.ndarray, **_: Any) -> np.ndarray:
    onehot = (_codes(values)[:, None] == np.arange(_N_CODES)).astype(np.float64)
    return _combined(np.asarray(counts, dtype=np.float64) @ onehot)


@_with_counts(_cv_bench_counts)
def cv_bench_accuracy(scores: np.ndarray, labels: np.ndarray | None = None, **_: Any) -> np.ndarray:
    """CV-Bench's accuracy ``((ADE20K + COCO) / 2 + Omni3D) / 2`` of each resample of :func:`cv_bench_code`
    scores (sources absent from the data are left out of their means)."""
    rows = _rows(scores)
    b = rows.shape[0]
    keys = np.arange(b, dtype=np.int64)[:, None] * _N_CODES + _codes(rows.ravel()).reshape(rows.shape)
    code_counts = np.bincount(keys.ravel(), minlength=b * _N_CODES).reshape(b, _N_CODES)
    return _combined(code_counts.astype(np.float64))


# -- MMVP -----------------------------------------------------------------------------------------------


def mmvp_options(options: str) -> list[str]:
    """The option texts of ``"(a) Open (b) Closed"``: after each ``(``, the text after the first ``)``,
    stripped (Cambrian's ``give_options``)."""
    return [part.split(")")[1].strip() for part in options.split("(")[1:]]


def extract_mmvp_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``mmvp``: the whole reading (``.:,`` stripped from the end, not cut to one character)."""
    return cambrian_answer(text, ".:,", first_char=False)


def mmvp_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the reading equals the answer's letter or the right option's lower-cased text."""
    if prediction is None:
        return 0.0
    letter = _letter(target)
    options = [o.lower() for o in mmvp_options(str(doc.get("Options") or ""))]
    index = ord(letter) - ord("a")
    text = options[index] if 0 <= index < len(options) else None
    return float(prediction in (letter, text))


def _pair_position(doc: Mapping[str, Any]) -> tuple[int, int]:
    index = int(doc["Index"]) - 1  # 1-based in the dataset
    return index // 2, index % 2


def mmvp_pair_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``2 * (position in the pair) + correct``, read by ``group_all_correct`` over the ``pair`` column."""
    return float(2 * _pair_position(doc)[1] + mmvp_correct(prediction, target, doc))


def add_mmvp_pairs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``pair`` (``(Index - 1) // 2``: questions 1-2 are pair 0)."""
    return [{**doc, "pair": str(_pair_position(doc)[0])} for doc in docs]


# -- V* -------------------------------------------------------------------------------------------------


def extract_vstar_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``vstar``: the one-character reading (``.`` stripped from the end)."""
    return cambrian_answer(text)
