"""OCRBench (Liu et al., 2024, "OCRBench: On the Hidden Mystery of OCR in Large Multimodal Models") scoring,
re-implemented from the official evaluation in ``OCRBench/example.py`` of
https://github.com/Yuliang-Liu/MultimodalOCR (file at commit f5cbec66817b643f732f11cdc7b3a550963b70dc).

A response scores 1 when one of the item's answers is a substring of it (:func:`ocrbench_match`):

- items of the HME100k dataset (handwritten formulas, LaTeX answers): answer and response are stripped, then
  newlines and spaces are deleted; case matters;
- every other item: answer and response are lower-cased and stripped, then newlines become spaces (other
  spaces stay: ``"news agency"`` is not found in ``"newsagency"``).

An empty answer is found in any response, as in the official code. The benchmark's score is the number of
items scored 1 out of 1000 (:func:`ocrbench_points`, summed per category with a ``question_type``
breakdown: 50 items in each of the six text-recognition categories, 200 each in scene-text VQA, document
VQA and key information extraction, 100 in handwritten mathematical expressions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["ocrbench_match", "ocrbench_points"]

HME_DATASET = "HME100k"


def _formula_form(text: str) -> str:
    return text.strip().replace("\n", " ").replace(" ", "")


def _text_form(text: str) -> str:
    return text.lower().strip().replace("\n", " ")


def ocrbench_match(
    prediction: str | None, target: Any, doc: Mapping[str, Any], *, dataset_field: str = "dataset"
) -> float:
    """1.0 when an answer (``target``: one string or a list) is contained in the prediction after the
    official clean-up for the item's source dataset (``doc[dataset_field]``), else 0.0."""
    if prediction is None or target is None:
        return 0.0
    answers = [str(a) for a in (target if isinstance(target, (list, tuple)) else [target]) if a is not None]
    form = _formula_form if doc.get(dataset_field) == HME_DATASET else _text_form
    response = form(prediction)
    return float(any(form(a) in response for a in answers))


def ocrbench_points(scores: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
    """The OCRBench score: the sum of the per-item 0/1 scores (out of 1000 on the full benchmark), per
    resample row of ``scores`` (shape ``(B, n)``)."""
    arr = np.asarray(scores, dtype=np.float64)
    return (arr[None, :] if arr.ndim == 1 else arr).sum(axis=1)


def _points_from_counts(
    values: np.ndarray, labels: np.ndarray | None, counts: np.ndarray, **args: Any
) -> np.ndarray:
    return np.asarray(counts, dtype=np.float64) @ np.asarray(values, dtype=np.float64)


ocrbench_points.from_counts = _points_from_counts  # type: ignore[attr-defined]
