"""MP-DocVQA (Tito et al., 2023): ANLS and accuracy as the official framework computes them, re-implemented
from ``Evaluator`` in ``metrics.py`` of https://github.com/rubenpt91/MP-DocVQA-Framework at commit
7939f521fe5a82a442f54831b1c0e96daab331d9 (``case_sensitive=False``, the answer type ``string`` that
``eval.py`` uses when a dataset gives none, as MP-DocVQA's does).

Both sides are lower-cased and stripped (nothing else: inner whitespace is kept, unlike the DocVQA script of
:mod:`lmms_eval.scoring.anls`), then for one question with prediction ``p`` and answers ``a_1..a_M``:

- :func:`mp_docvqa_accuracy`: 1 when ``p`` equals one of the answers, else 0; a ``p`` of ``none`` scores 0;
- :func:`mp_docvqa_anls`: 0 for an empty ``p`` or ``none``; else ``s = max_i 1 - lev(a_i, p) /
  max(len(a_i), len(p))`` over the *processed* strings (so surrounding spaces do not change it, unlike DocVQA's
  script), and 0 when ``s < 0.5`` (a similarity of exactly 0.5 counts).

Quirks kept: ``none`` (any case, surrounded by spaces) scores 0 even when an answer is ``none``; the official
code fails on a question without answers, where 0.0 is returned here, as for a None prediction. The
framework's answer-page accuracy compares a predicted page index with ``answer_page_idx``; a generated answer
carries no page index, so it is not computed (lmms-eval 0.7.3 neither; its test submission sends
``answer_page: null``).

lmms-lab's copy of the dataset keeps ``answers`` as the text of a Python list (``"['a', 'b']"``) and the pages
as ``image_1``..``image_20``; :func:`prepare_docs` gives each doc ``answer_list`` and ``images``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.scoring.anls import levenshtein

__all__ = [
    "answer_list",
    "mp_docvqa_accuracy",
    "mp_docvqa_anls",
    "prepare_docs",
    "submission_rows",
]

ANLS_THRESHOLD = 0.5
PAGE_COLUMNS = tuple(f"image_{i}" for i in range(1, 21))


def answer_list(value: Any) -> list[str]:
    """The answers of a doc: a list as given, the text of a Python list parsed, None or "" as none."""
    if value is None:
        return []
    if isinstance(value, str):
        if not value.strip():
            return []
        value = ast.literal_eval(value)
    items = value if isinstance(value, (list, tuple)) else [value]
    return [str(a) for a in items if a is not None]


def prepare_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``answer_list`` (:func:`answer_list` of ``answers``) and ``images``, its
    non-empty ``image_1``..``image_20`` in page order (what lmms-eval 0.7.3 shows the model)."""
    return [
        {
            **doc,
            "answer_list": answer_list(doc.get("answers")),
            "images": [doc[c] for c in PAGE_COLUMNS if doc.get(c) is not None],
        }
        for doc in docs
    ]


def _preprocess(text: str) -> str:
    return text.lower().strip()


def _answers(target: Any) -> list[str]:
    return [_preprocess(a) for a in answer_list(target)]


def mp_docvqa_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """The official ``_calculate_accuracy``: exact match after lower-casing and stripping (module docstring)."""
    if prediction is None:
        return 0.0
    pred = _preprocess(prediction)
    if pred == "none":
        return 0.0
    return 1.0 if pred in _answers(target) else 0.0


def _similarity(answer: str, pred: str) -> float:
    return 1 - levenshtein(answer, pred) / max(len(answer), len(pred))


def mp_docvqa_anls(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """The official ``_calculate_anls`` (module docstring)."""
    if prediction is None:
        return 0.0
    pred = _preprocess(prediction)
    answers = _answers(target)
    if not pred or pred == "none" or not answers:
        return 0.0
    best = max(_similarity(a, pred) for a in answers)
    return float(best) if best >= ANLS_THRESHOLD else 0.0


def submission_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """The RRC MP-DocVQA (task 4) records, ``{questionId, answer, answer_page}``: the response as given and no
    page (``answer_page`` left empty, lmms-eval 0.7.3's ``null``)."""
    return [
        {"questionId": int(sample.doc.data["questionId"]), "answer": response, "answer_page": ""}
        for sample, response in answers
    ]
