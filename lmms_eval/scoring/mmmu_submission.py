"""MMMU test: the prediction file for MMMU's evaluation server (EvalAI), whose answers are withheld.

Official source: github.com/MMMU-Benchmark/MMMU at commit bb0b95a945998d91dfef37e969e07d49d1139438,
``mmmu/run_llava.py`` (``run_model``): one prediction per question id; for a multiple-choice question the
letter read by ``parse_multi_choice_response`` (:func:`lmms_eval.scoring.mmmu.extract_mmmu_answer`, with the
seeded guess of :func:`lmms_eval.scoring.mmmu.fallback_choice` where the official code draws a random
letter), for an open question the model's response itself. ``run_llava.py`` saves them as one JSON object
``{id: prediction}``; here they are the rows ``id``, ``prediction`` of ``submission_mmmu_test.tsv`` (the
engine's submission file), which map one to one onto that object.

lmms-eval 0.7.3 differs for open questions: it submits the first normalised candidate of
``parse_open_response`` (a lower-cased tail of the response, or a float) instead of the response.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lmms_eval.scoring.mmmu import extract_mmmu_answer


def prediction(response: str, doc: dict[str, Any]) -> str:
    """The official prediction of one question: the parsed letter (multiple choice) or the response."""
    if str(doc.get("question_type", "multiple-choice")) == "multiple-choice":
        return extract_mmmu_answer(response, doc)
    return response


def submission_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """``submission``: one row ``{id, prediction}`` per answered question, in doc order."""
    return [
        {"id": str(sample.doc.data["id"]), "prediction": prediction(response, sample.doc.data)}
        for sample, response in answers
    ]
