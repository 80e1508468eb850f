"""ScienceQA (Lu et al., 2022): the docs of the full test split, where text-only questions have no image.

Scoring is the catalog's ``mcq_letter`` over the option letters (as ``scienceqa_img``); this module only
turns the optional ``image`` column into a list, so one prompt serves questions with and without an image
(lmms-eval 0.7.3's ``sqa_doc_to_visual`` likewise shows no image when ``image`` is null).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def add_image_list(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``images``, ``[image]`` when it has one, else ``[]``."""
    return [{**doc, "images": [] if doc.get("image") is None else [doc["image"]]} for doc in docs]
