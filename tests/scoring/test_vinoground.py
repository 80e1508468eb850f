"""Vinoground's text, video and group scores against lmms-eval 0.7.3's.

``fixtures/vinoground_official_cases.jsonl``: ``vinoground_process_results`` and
``vinoground_aggregate_results`` of lmms-eval 0.7.3 (``lmms_eval/tasks/vinoground/utils.py`` in the PyPI wheel
lmms_eval-0.7.3-py3-none-any.whl; its ``prep_data`` replaced by the answer letters of each set), run outside
this repository on 6 seeded sets of the benchmark's shape (500 pairs x 4 questions, answers A/B at random),
the replies the answer or one of 15 messy replies with a probability rising from 0.1 to 1 across the sets;
each line holds a set's 2000 (idx, kind, answer, reply) and the official (text, video, group) scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.scoring.vinoground import (
    add_question_fields,
    extract_vinoground_answer,
    vinoground_code,
    vinoground_group,
    vinoground_text,
    vinoground_video,
)

SETS = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "vinoground_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
FOLDERS = {"text": "vinoground_videos", "video": "vinoground_videos_concated"}


def _codes(questions: list[list[str]]) -> np.ndarray:
    docs = add_question_fields(
        [{"idx": q[0], "video_name": f"{FOLDERS[q[1]]}/{q[0]}.mp4"} for q in questions]
    )
    return np.array(
        [
            vinoground_code(extract_vinoground_answer(q[3], d), q[2], d)
            for q, d in zip(questions, docs, strict=True)
        ]
    )


def test_scores_agree_with_lmms_eval_on_every_set() -> None:
    assert len(SETS) == 6 and all(len(s["questions"]) == 2000 for s in SETS)
    for case in SETS:
        codes = _codes(case["questions"])
        ours = [f(codes)[0] * 100 for f in (vinoground_text, vinoground_video, vinoground_group)]
        assert ours == pytest.approx(case["official"], abs=1e-9)


def test_pairs_and_missing_questions() -> None:
    questions = [["3_pos", "text", "A", "a."], ["3_neg", "text", "B", "B"], ["3_pos", "video", "A", "B"]]
    codes = _codes(questions)
    assert list(codes) == [8 * 3 + 1, 8 * 3 + 2 + 1, 8 * 3 + 4]
    assert (vinoground_text(codes)[0], vinoground_video(codes)[0], vinoground_group(codes)[0]) == (
        1.0,
        0.0,
        0.0,
    )
    assert extract_vinoground_answer("", {}) is None
