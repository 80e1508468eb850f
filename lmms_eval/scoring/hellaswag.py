"""HellaSwag's preprocessing of contexts and endings, as lm-evaluation-harness (and lmms-eval 0.7.3, a copy
of its task) prepares each doc before scoring the four endings by log-likelihood.

Follows github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163,
``lm_eval/tasks/hellaswag/utils.py``, ``preprocess`` and ``process_docs``: the query is
``activity_label + ": " + ctx_a + " " + ctx_b.capitalize()`` and every ending is cleaned the same way:
stripped, `` [title]`` read as ``". "``, any other ``[...]`` (WikiHow's markup) removed, each double space
made single (one pass). Quirk kept: ``str.capitalize`` lower-cases the rest of ``ctx_b``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def preprocess(text: str) -> str:
    """The harness's ``preprocess`` of a context or an ending."""
    text = text.strip()
    text = text.replace(" [title]", ". ")
    text = re.sub(r"\[.*?\]", "", text)
    return text.replace("  ", " ")


def add_query_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc gains ``query`` (the cleaned context), ``choices`` (the cleaned endings) and
    ``gold`` (the label as an int), as the harness's ``process_docs``."""
    out = []
    for doc in docs:
        ctx = f"{doc['ctx_a']} {str(doc['ctx_b']).capitalize()}"
        out.append(
            {
                **doc,
                "query": preprocess(f"{doc['activity_label']}: {ctx}"),
                "choices": [preprocess(e) for e in doc["endings"]],
                "gold": int(doc["label"]),
            }
        )
    return out
