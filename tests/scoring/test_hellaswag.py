"""HellaSwag's doc preprocessing against lm-evaluation-harness's own code.

``fixtures/hellaswag_official_cases.jsonl`` was made by running, outside this repository, ``process_docs`` of
github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163
(``lm_eval/tasks/hellaswag/utils.py``) over a ``datasets.Dataset`` of 600 rows in HellaSwag's schema whose
contexts and endings were assembled at random from WikiHow markup (``[title]``, ``[header]``, ``[step]``,
unmatched brackets), double and triple spaces, capitals, newlines and accents; each line holds the row and
the official ``query``, ``choices`` and ``gold``.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.hellaswag import add_query_fields, preprocess

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "hellaswag_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_harness_on_every_case() -> None:
    assert len(CASES) == 600
    docs = add_query_fields([c["doc"] for c in CASES])
    got = [(d["query"], d["choices"], d["gold"]) for d in docs]
    assert got == [(c["query"], c["choices"], c["gold"]) for c in CASES]
    assert all(d["ind"] == c["doc"]["ind"] for d, c in zip(docs, CASES))  # the row's own columns stay


def test_examples() -> None:
    assert (
        preprocess(" How to tie a tie [title] Cross the ends. [step] Pull.  ")
        == "How to tie a tie. Cross the ends. Pull."
    )
    (doc,) = add_query_fields(
        [
            {
                "activity_label": "Baking",
                "ctx_a": "She mixes flour.",
                "ctx_b": "THEN she",
                "endings": ["a", "b"],
                "label": "1",
            }
        ]
    )
    assert (doc["query"], doc["choices"], doc["gold"]) == ("Baking: She mixes flour. Then she", ["a", "b"], 1)
