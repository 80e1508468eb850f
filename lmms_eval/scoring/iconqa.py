"""IconQA (Lu et al., NeurIPS 2021 Datasets and Benchmarks, "IconQA: A New Benchmark for Abstract Diagram
Understanding and Visual Language Reasoning") as lmms-eval 0.7.3 asks it, over ``lmms-lab/ICON-QA``: the
prompt fields and the accuracy of each of the three sub-tasks.

The official code (https://github.com/lupantech/IconQA at commit 4b053f317e13bc75e77b3a32a68ffb79ad0c07db,
``run_*/eval.py``) scores classifiers: a question is right when the predicted choice (``choose_txt``,
``choose_img``) or the predicted answer (``fill_in_blank``) is the annotated one, and the metric is that
accuracy, overall and per sub-task. It has no reading of free text. lmms-eval 0.7.3 prompts generatively
(option letters for the two choice tasks) but scores ANLS against its ``doc_to_target: "answers"``, a column
``lmms-lab/ICON-QA`` does not have, so every response is compared with the literal word "answers" (a
copy of its DocVQA template); that number means nothing and is not reproduced.

Here, with 0.7.3's prompts, the official accuracy: :func:`prepare_docs` (``process_docs``) adds

- ``options``: ``choose_txt``: the ``choices`` string split at every ``,`` (0.7.3's split: no stripping, so a
  choice holding a comma becomes two options); ``choose_img``: "The first image.", "The second image." (0.7.3
  offers these two whatever the number of image choices; the dataset keeps the first two choice images);
  ``fill_in_blank``: none;
- ``target``: the letter of the annotated choice (``choose_txt``: the position of ``answer`` among the
  options; ``choose_img``: ``choice_<k>.png`` is letter k), or the ``answer`` itself (``fill_in_blank``); an
  answer that is not among the options gets the target ``""``, which nothing matches;
- ``images``: the query image, then each choice image present.

:func:`extract_iconqa_answer` (extractor ``iconqa``) reads a choice task's response with the ``mcq_letter``
rules over those options, and a ``fill_in_blank`` response as its text stripped and without a final period;
the task compares it with ``target`` ignoring case and surrounding space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lmms_eval.scoring.extractors import extract_mcq_letter

__all__ = ["IMAGE_OPTIONS", "extract_iconqa_answer", "prepare_docs"]

IMAGE_OPTIONS = ["The first image.", "The second image."]
_LETTERS = "ABCDEFGHIJ"
_IMAGE_ANSWER = re.compile(r"^choice_(\d+)\.png$")


def _options(doc: Mapping[str, Any]) -> list[str]:
    kind = doc.get("ques_type")
    if kind == "choose_txt":
        return str(doc.get("choices") or "").split(",")
    if kind == "choose_img":
        return list(IMAGE_OPTIONS)
    return []


def _target(doc: Mapping[str, Any], options: list[str]) -> str:
    answer = str(doc.get("answer") or "")
    kind = doc.get("ques_type")
    if kind == "choose_txt":
        return _LETTERS[options.index(answer)] if answer in options[: len(_LETTERS)] else ""
    if kind == "choose_img":
        found = _IMAGE_ANSWER.match(answer.strip())
        index = int(found.group(1)) if found else -1
        return _LETTERS[index] if 0 <= index < len(options) else ""
    return answer


def prepare_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: adds ``options``, ``target`` and ``images`` (module docstring)."""
    out = []
    for doc in docs:
        options = _options(doc)
        images = [doc[c] for c in ("query_image", *(f"choice_image_{i}" for i in range(5))) if doc.get(c)]
        out.append({**doc, "options": options, "target": _target(doc, options), "images": images})
    return out


def extract_iconqa_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``iconqa``: an option letter (choice tasks, ``mcq_letter`` over ``options``) or the stripped
    text without a final period (``fill_in_blank``)."""
    if doc.get("ques_type") in ("choose_txt", "choose_img"):
        return extract_mcq_letter(text, doc, options_field="options")
    answer = text.strip()
    return answer[:-1].strip() if answer.endswith(".") else answer
