"""MME-RealWorld (Zhang et al., ICLR 2025, "MME-RealWorld: Could Your Multimodal LLM Challenge High-Resolution
Real-World Scenarios that are Difficult for Humans?"): the official choice extraction and accuracies,
re-implemented from ``evaluation/eval_your_results.py`` of https://github.com/yfzhang114/MME-RealWorld at
commit 87096fcf6a67ee5a0016b81cb1746ccf14e1dd68 (the file was last changed by commit 11af66f).

Reading an answer (:func:`mme_realworld_choice`, official ``extract_characters_regex``), in order:

1. the response is stripped, then every occurrence of each answer prefix is deleted, in this order: "The
   best answer is", "The correct answer is", "The answer is", "The answer", "The best option isThe correct
   option is", "Best answer:Best option:". The last two are what the official list holds: a missing comma
   joins two strings each time, so "The best option is", "The correct option is", "Best answer:" and "Best
   option:" are *not* removed on their own;
2. a text of more than ten words without any capital A-E reads as nothing;
3. else the first capital ``A``..``E`` anywhere in the text is the answer, even inside a word: "Based on
   the image, C" reads as ``B``, "Definitely C" as ``D``, "I think D" as ``D`` and "The best option is C"
   as ``C``;
4. else, when no capital A-E occurs, the first option (``"(A) ..."``) whose lower-cased text contains the
   lower-cased response gives its second character (its letter). An empty response is contained in every
   option, so it reads as the first option's letter (usually ``A``).

A response is right when its reading equals the answer letter exactly (``exact_match`` with no
normalization). lmms-eval 0.7.3 differs: its prefix list has the commas, it matches rule 4 against the fixed
strings "(A)".."(E)" instead of the doc's options, and it also counts a reading that merely contains the
answer; the official rules are followed here.

Accuracies (official): overall, per task (Perception, Reasoning), per subtask within a task (Monitoring,
Autonomous_Driving, OCR with Complex Context, Diagram and Table, Remote Sensing) and per category within a
subtask, each the share of right answers (a plain mean; nothing is averaged over groups). The category is
the lower-cased ``l2-category``, with every category containing "attribute" merged into ``<first part>/
attribute``. :func:`prepare_docs` (the task's ``process_docs``) writes these groupings into the columns
``task`` ("Perception" when the doc's ``category`` contains "perception", any case, else "Reasoning", as
lmms-eval 0.7.3 derives it), ``subtask`` (``<task>/<last part of category>``) and ``task_category``
(``<subtask>/<category>``), and decodes the base64 image of the ``bytes`` column into ``image``.

Memory: the datasets hold each image as base64 text, and a ``process_docs`` function receives every doc at
once, so the whole split is read into memory (the English set is ~35 GB of text; the lite set is small).
:func:`prepare_docs` replaces each doc's text by its decoded bytes as it goes, so the images are never held
twice, but a media option that decodes a base64 column lazily would be needed to run the full set on a
small host.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["ANSWER_PREFIXES", "extract_mme_realworld_answer", "mme_realworld_choice", "prepare_docs"]

#: the official list, with its two missing commas (adjacent strings joined)
ANSWER_PREFIXES = (
    "The best answer is",
    "The correct answer is",
    "The answer is",
    "The answer",
    "The best option isThe correct option is",
    "Best answer:Best option:",
)
_LETTER = re.compile(r"[ABCDE]")
OPTIONS_COLUMN = "multi-choice options"


def mme_realworld_choice(text: str, choices: Sequence[str]) -> str:
    """The official reading of ``text`` against the options ``choices`` (``"(A) ..."``): a letter A-E, or
    ``""`` when nothing is read (see the module doc)."""
    s = text.strip()
    for prefix in ANSWER_PREFIXES:
        s = s.replace(prefix, "")
    if len(s.split()) > 10 and not _LETTER.search(s):
        return ""
    found = _LETTER.search(s)
    if found is not None:
        return found.group(0)
    for choice in choices:
        if s.lower() in choice.lower():
            return choice[1]
    return ""


def extract_mme_realworld_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``mme_realworld``: the letter read against the doc's ``multi-choice options``; None when the
    official reading is empty."""
    return mme_realworld_choice(text, list(doc.get(OPTIONS_COLUMN) or [])) or None


def _category(l2_category: str) -> str:
    category = l2_category.lower()
    if "attribute" in category:
        category = category.split("/")[0] + "/attribute"
    return category


def prepare_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: decode ``bytes`` (base64) into ``image`` (dropping the base64 text, so the decoded
    docs do not hold the image twice) and add ``task``, ``subtask`` and ``task_category``."""
    out = []
    for doc in docs:
        encoded = doc.pop("bytes", None)
        task = "Perception" if "perception" in str(doc["category"]).lower() else "Reasoning"
        subtask = f"{task}/{str(doc['category']).split('/')[-1]}"
        doc.update(
            image=base64.b64decode(encoded) if encoded else None,
            task=task,
            subtask=subtask,
            task_category=f"{subtask}/{_category(str(doc['l2-category']))}",
        )
        out.append(doc)
    return out
