"""MM-Vet v2's multi-image questions: the images a question names, in order.

A question of MM-Vet v2 (``whyu/mm-vet-v2``) interleaves its images with the text as ``<image_k>`` marks
(``"<IMG><image_0>Which ... <IMG><image_1>?"``); the images are the columns ``image_0`` ... ``image_17``. As
lmms-eval 0.7.3's ``mmvetv2`` task (``doc_to_visual``) does, the images given to the model are the columns
of the marks, in the order they appear (a mark repeated gives its image again). The scoring itself is MM-Vet
v2's GPT-4 grader (github.com/yuweihao/MM-Vet@acde843e02dae30047bb456ee4a8ab28dee7e0ae,
``v2/mm-vet-v2_evaluator.py``), which comes with the judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

IMAGE_MARK = re.compile(r"<image_\d+>")


def question_images(doc: dict[str, Any]) -> list[Any]:
    """The image columns named by the question's ``<image_k>`` marks, in order of appearance."""
    return [doc[mark.strip("<>")] for mark in IMAGE_MARK.findall(str(doc["question"]))]


def add_question_images(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``images``, the list of the images its question names."""
    return [{**doc, "images": question_images(doc)} for doc in docs]
