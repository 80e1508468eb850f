"""TempCompass's matching rules against lmms-eval 0.7.3's (which keep the official TempCompass rules).

``fixtures/tempcompass_official_cases.jsonl``: ``tempcompass_process_results_multi_choice``, ``..._yes_no`` and
``..._caption_matching`` of lmms-eval 0.7.3 (``lmms_eval/tasks/tempcompass/utils.py`` in the PyPI wheel
lmms_eval-0.7.3-py3-none-any.whl), run outside this repository with its ChatGPT call replaced by a marker
("judge": the rules read nothing), on 3 multi-choice questions x 36 replies, 2 yes/no answers x 22 replies and
3 caption-matching questions (Caption/Sentence/Option labels) x 26 replies (whole lines, sentences, labels,
letters, bracketed letters, padded, empty): 242 cases, 56 right, 84 wrong, 102 left to the judge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.tempcompass import (
    extract_tempcompass_caption_matching,
    extract_tempcompass_multi_choice,
    extract_tempcompass_yes_no,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "tempcompass_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def _verdict(case: dict) -> int | str:
    """Ours in the fixture's terms: 1 right, 0 wrong, "judge" when the rules read nothing."""
    doc = {"question": case["question"], "answer": case["answer"]}
    fmt, reply = case["format"], case["reply"]
    if fmt == "multi-choice":
        read, target = extract_tempcompass_multi_choice(reply, doc), case["answer"][0]
    elif fmt == "yes_no":
        read, target = extract_tempcompass_yes_no(reply, doc), case["answer"]
    else:
        read, target = extract_tempcompass_caption_matching(reply, doc), case["answer"]
    return "judge" if read is None else int(read == target)


def test_agrees_with_lmms_eval_on_every_case() -> None:
    verdicts = [c["official"] for c in CASES]
    assert (len(CASES), verdicts.count(1), verdicts.count(0), verdicts.count("judge")) == (242, 56, 84, 102)
    assert [c for c in CASES if _verdict(c) != c["official"]] == []


@pytest.mark.parametrize(
    ("reply", "read"),
    [("B", "B"), ("B. right", "B"), ("C) up", "C"), (" B", None), ("(B)", None), ("The answer is B.", None)],
)
def test_multi_choice(reply: str, read: str | None) -> None:
    assert extract_tempcompass_multi_choice(reply, {"answer": "B. right"}) == read


def test_caption_matching_reads_labels_and_sentences() -> None:
    doc = {
        "question": "Which caption?\nCaption A: It walks.\nCaption B: It runs.",
        "answer": "Caption B: It runs.",
    }
    for reply in ("Caption B", "B", "B.", "It runs.", "(B) It runs.", "Caption B: It runs."):
        assert extract_tempcompass_caption_matching(reply, doc) == doc["answer"]
    assert extract_tempcompass_caption_matching("Caption A", doc) == "Caption A"
    assert extract_tempcompass_caption_matching("caption b", doc) is None
