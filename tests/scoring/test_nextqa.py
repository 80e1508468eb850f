"""NExT-QA's multiple-choice parsing (lmms-eval 0.7.3's ``parse_multi_choice_response``) against the peer's code.

``fixtures/nextqa_official_cases.jsonl`` was made by running, outside this repository,
``parse_multi_choice_response`` of lmms-eval 0.7.3 (PyPI ``lmms-eval==0.7.3``, ``lmms_eval/tasks/nextqa/utils.py``;
the function loaded alone from the file, as the module downloads NLTK data at import, with ``random.choice``
replaced by a marker) on 544 messy responses (letters in many forms, answer phrases, option texts in long
sentences, reasoning, empty ones, 400 seeded random word salads) with one of two five-option lists: the letter
read, or null where the peer draws a random letter."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.scoring.nextqa import extract_nextqa_answer, parse_nextqa_response

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "nextqa_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def test_agrees_with_the_peer_code_on_every_case() -> None:
    assert (len(CASES), sum(c["parsed"] is None for c in CASES)) == (544, 113)
    wrong = [c for c in CASES if parse_nextqa_response(c["response"], c["options"]) != c["parsed"]]
    assert wrong == []


def test_the_extractor_reads_a0_to_a4_and_seeds_its_guess() -> None:
    doc = {"video": 4010069381, "qid": 6, **{f"a{i}": f"answer {i} " for i in range(5)}}
    assert extract_nextqa_answer("B. answer 1", doc) == "B"
    assert extract_nextqa_answer("I believe it is answer 3 in the clip", doc) == "D"
    assert extract_nextqa_answer("??", doc) == fallback_choice("4010069381_6", list("ABCDE"))
