"""Video-MMMU's answer reading and matching, as lmms-eval 0.7.3 scores it.

Video-MMMU (Hu et al. 2025, github.com/EvolvingLMMs-Lab/VideoMMMU) is scored in lmms-eval 0.7.3
(``lmms_eval/tasks/videommmu/utils.py``: ``videommmu_process_results``, ``parse_multi_choice_response``,
``parse_open_response``, ``evaluate_videommmu``), the benchmark's own evaluation code:

- ``question_type`` "multiple-choice": the letter read by lmms-eval 0.7.3's shared reader
  (:func:`lmms_eval.scoring.lvbench.read_mcq_letter`, choices A.. for the doc's options), "No Answer Found."
  when none; right when it equals the answer;
- any other type: MMMU's open-answer parsing with Video-MMU's longer list of indicator phrases
  (:func:`parse_open_response`: the shortest tail after "could be ", "so ", "is ", ..., "has " in each line,
  "=" too in the last; then the numbers in them; normalised as MMMU does) and MMMU's ``eval_open``; a
  "perception" question goes through the open parsing but is then compared as a choice (the answer equal to
  the list of parsed answers), so it is never right, as in the original;
- an empty reply to a non-multiple-choice question is an "API Error" that the original leaves out of the
  accuracy; here it counts as wrong (a run has no way to drop an answered question).

Accuracy is the share of right questions (the original's instance-level accuracy). The prompt fields
(:func:`add_prompt_fields`) follow ``parse_options`` and ``get_cache_dir``.
``tests/scoring/fixtures/videommmu_official_cases.jsonl`` holds lmms-eval 0.7.3's verdicts on messy replies;
``tests/scoring/test_videommmu.py`` requires :func:`videommmu_accuracy` to agree on every one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.scoring.lvbench import read_mcq_letter
from lmms_eval.scoring.mmmu import Normalized, eval_open, extract_numbers, normalize_str, shortest_tail

__all__ = [
    "add_prompt_fields",
    "extract_videommmu_answer",
    "parse_open_response",
    "subject_folder",
    "videommmu_accuracy",
]

NO_ANSWER = "No Answer Found."
_SENTENCES = re.compile(r"\.\s(?=[A-Z])|\n")
_INDICATORS = (
    "could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result ", "are ", "in total ",
    "total ", "identify ", "recognize ", "calculated as ", "counted as ", "measured as ", "observed as ",
    "concluded as ", "found to be ", "equals ", "determined to be ", "number of ", "value is ",
    "adds up to ", "have ", "has ",
)  # fmt: skip
_TRIVIAL = frozenset({":", ",", ".", "!", "?", ";", "'"})
_FOLDERS = {
    "Art": ("Art", "Art_Theory", "Design", "Music"),
    "Science": ("Biology", "Chemistry", "Geography", "Math", "Physics"),
    "Humanities": ("History", "Literature", "Sociology", "Psychology"),
    "Engineering": ("Agriculture", "Architecture_and_Engineering", "Computer_Science", "Electronics",
                    "Energy_and_Power", "Materials", "Mechanical_Engineering"),
    "Medicine": ("Basic_Medical_Science", "Clinical_Medicine", "Diagnostics_and_Laboratory_Medicine", "Pharmacy",
                 "Public_Health"),
    "Business": ("Accounting", "Economics", "Finance", "Manage", "Marketing"),
}  # fmt: skip


def _letters(options: Sequence[str]) -> list[str]:
    return [chr(ord("A") + i) for i in range(len(options))]


def _key_subresponses(response: str) -> list[str]:
    response = response.strip().strip(".").lower()
    lines = _SENTENCES.split(response)
    keys = []
    for index, line in enumerate(lines):
        indicators = _INDICATORS + ("=",) if index == len(lines) - 1 else _INDICATORS
        tail = shortest_tail(line, indicators)
        if tail and tail.strip() not in _TRIVIAL:
            keys.append(tail)
    return keys or [response]


def parse_open_response(response: str) -> list[Normalized]:
    """Video-MMMU's ``parse_open_response`` (MMMU's, with its longer indicator list): the normalised
    candidate answers without duplicates."""
    keys = _key_subresponses(response)
    found = keys + [number for key in keys for number in extract_numbers(key)]
    return list(dict.fromkeys(value for text in found for value in normalize_str(text)))


def extract_videommmu_answer(text: str, doc: Mapping[str, Any]) -> str:
    """The letter read for a multiple-choice question ("No Answer Found." when none); the reply unchanged
    for any other question (the metric parses it)."""
    if doc.get("question_type") == "multiple-choice":
        return read_mcq_letter(text, _letters(list(doc["options"]))) or NO_ANSWER
    return text


def videommmu_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when lmms-eval 0.7.3's ``evaluate_videommmu`` counts the reply right, else 0.0."""
    if prediction is None:
        return 0.0
    kind = doc.get("question_type")
    if kind == "multiple-choice":
        return float(prediction == target)
    if prediction == "":
        return 0.0  # the original's "API Error", left out of its accuracy
    parsed = parse_open_response(prediction)
    if kind == "perception":
        return float(target == parsed)  # a text never equals a list: never right, as in the original
    return float(eval_open(str(target), parsed))


def subject_folder(doc_id: str) -> str:
    """The folder of a doc's video: the subject between the first and last "_" of its id, by discipline."""
    subject = "_".join(doc_id.split("_")[1:-1])
    for folder, subjects in _FOLDERS.items():
        if subject in subjects:
            return folder
    raise ValueError(f"Video-MMMU subject {subject!r} (of id {doc_id!r}) not recognized")


def _options_text(options: Sequence[str]) -> str:
    """``parse_options``: the options as they are when each starts with its "X.", else "X. option" lines."""
    letters = _letters(options)
    if all(option.startswith(f"{letter}.") for option, letter in zip(options, letters, strict=False)):
        return "\n".join(options)
    return "\n".join(f"{letter}. {option}" for letter, option in zip(letters, options, strict=False))


def add_prompt_fields(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``video_folder`` (the discipline folder of the video), ``subject`` and ``options_text``."""
    for doc in docs:
        doc["video_folder"] = subject_folder(str(doc["id"]))
        doc["subject"] = "_".join(str(doc["id"]).split("_")[1:-1])
        doc["options_text"] = _options_text(list(doc.get("options") or []))
    return docs
