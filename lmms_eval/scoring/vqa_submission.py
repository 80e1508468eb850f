"""Submission rows for the VQA-style test splits whose answers are kept by an evaluation server.

The engine writes a task's ``submission`` rows as ``submission_<task>.tsv`` (one column per key). Each server
below takes a JSON list of exactly those records; :func:`tsv_to_json` turns the TSV into it (ids back to
integers where the server wants integers).

- :func:`question_id_rows` - VQAv2 test-dev / test-std on EvalAI (visualqa.org/evaluation): ``[{"question_id": int,
  "answer": str}]``. The response is written as given: the server applies the official answer processing
  (``PythonEvaluationTools/vqaEvaluation/vqaEval.py`` of https://github.com/GT-Vision-Lab/VQA). lmms-eval
  0.7.3 does the same for the test split (its processing runs only when a doc has answers). ST-VQA's test
  on the Robust Reading Competition portal (rrc.cvc.uab.es/?ch=11, scored there with ANLS) takes the same
  records, the response as given, as lmms-eval 0.7.3 writes them.
- :func:`textvqa_rows` - TextVQA test on EvalAI (textvqa.org/challenge): ``[{"question_id": int, "answer":
  str}]``, the answer processed by ``EvalAIAnswerProcessor`` (:func:`lmms_eval.scoring.vqa.normalize_textvqa`)
  as lmms-eval 0.7.3 writes it.
- :func:`vizwiz_rows` - VizWiz-VQA test on EvalAI (vizwiz.org): ``[{"image": "VizWiz_test_00000000.jpg",
  "answer": str}]``, the answer processed by ``EvalAIAnswerProcessor`` as lmms-eval 0.7.3 does. The image
  name is the doc's ``question_id``, which in lmms-lab's VizWiz-VQA already is the image file name; lmms-eval
  0.7.3 appends another ``.jpg`` (``VizWiz_test_00000000.jpg.jpg``), which the server does not know, so
  ``.jpg`` is appended here only when missing.
- :func:`rrc_rows` - DocVQA and InfographicVQA test on the Robust Reading Competition portal
  (rrc.cvc.uab.es, tasks 1 and 3; docvqa.org): ``[{"questionId": int, "answer": str}]``, the response as
  given (ANLS is computed by the server), as lmms-eval 0.7.3 writes it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lmms_eval.scoring.vqa import normalize_textvqa

__all__ = ["rrc_rows", "textvqa_rows", "tsv_to_json", "vizwiz_rows", "question_id_rows"]

#: the columns a server reads as integers (an empty one as null)
INTEGER_COLUMNS = frozenset({"question_id", "questionId", "answer_page"})


def _data(sample: Any) -> Any:
    return sample.doc.data


def question_id_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """``{question_id, answer}`` per answered doc, the response as given (module docstring)."""
    return [{"question_id": int(_data(s)["question_id"]), "answer": response} for s, response in answers]


def textvqa_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """``{question_id, answer}`` per answered doc, the response processed by ``EvalAIAnswerProcessor``."""
    return [
        {"question_id": int(_data(s)["question_id"]), "answer": normalize_textvqa(response)}
        for s, response in answers
    ]


def vizwiz_image_name(question_id: str) -> str:
    """The image file name VizWiz's server keys answers by: the ``question_id``, with ``.jpg`` when missing."""
    return question_id if question_id.endswith(".jpg") else f"{question_id}.jpg"


def vizwiz_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """``{image, answer}`` per answered doc, the response processed by ``EvalAIAnswerProcessor``."""
    return [
        {"image": vizwiz_image_name(str(_data(s)["question_id"])), "answer": normalize_textvqa(response)}
        for s, response in answers
    ]


def rrc_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """``{questionId, answer}`` per answered doc, the response as given (DocVQA / InfographicVQA)."""
    return [{"questionId": int(_data(s)["questionId"]), "answer": response} for s, response in answers]


def _integer(text: str) -> int | None:
    return int(text) if text else None


def tsv_to_json(tsv: Path, out: Path) -> int:
    """Convert ``submission_<task>.tsv`` into the server's JSON list (``question_id``, ``questionId`` and
    ``answer_page`` as integers, empty as null; every other column as text); returns the number of records
    written."""
    with tsv.open(encoding="utf-8", newline="") as fh:
        records: list[dict[str, Any]] = [
            {k: (_integer(v) if k in INTEGER_COLUMNS else v) for k, v in row.items()}
            for row in csv.DictReader(fh, delimiter="\t")
        ]
    out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return len(records)
