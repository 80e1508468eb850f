"""nextqa_mc_test end to end: rows in the schema of lmms-eval/NExTQA (config MC, split test; NExT-QA's csv
columns video, frame_count, width, height, question, answer, qid, type, a0..a4) in the mirror layout, tiny
generated videos as the zip extracts them (``NExTVideo/<video>.mp4``), messy replayed answers, and lmms-eval
0.7.3's verdicts by hand (a seeded guess for an unreadable answer), overall and per question type."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split
from test_videomme_fixture import tiny_mp4

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

STR, INT = datasets.Value("string"), datasets.Value("int64")
FEATURES = datasets.Features(
    {
        "video": INT,
        "frame_count": INT,
        "width": INT,
        "height": INT,
        "question": STR,
        "answer": INT,
        "qid": INT,
        "type": STR,
        **{f"a{i}": STR for i in range(5)},
    }
)
OPTIONS = ["the boy plays", "he falls down", "to get the ball", "the dog runs", "nothing happens"]
GUESS = fallback_choice("5002_1", list("ABCDE"))
ROWS = [  # (video, qid, type, answer, response, read)
    (5001, 0, "CW", 2, "C", "C"),
    (5001, 1, "TN", 0, "(B) he falls down", "B"),
    (5002, 0, "CW", 3, "The answer is D.", "D"),
    (5002, 1, "DC", 4, "no idea", GUESS),
    (5003, 0, "TN", 1, "I think that he falls down at the end of it", "B"),  # an option's text
]


def test_nextqa_mc_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "video": [r[0] for r in ROWS],
        "frame_count": [8] * len(ROWS),
        "width": [16] * len(ROWS),
        "height": [16] * len(ROWS),
        "question": [f"why did the boy move in clip {r[0]} ({r[1]}) " for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "qid": [r[1] for r in ROWS],
        "type": [r[2] for r in ROWS],
        **{f"a{i}": [OPTIONS[i] + " "] * len(ROWS) for i in range(5)},
    }
    write_split(root, "lmms-eval/NExTQA", "test", columns, FEATURES, config="MC")
    for i, video in enumerate((5001, 5002, 5003)):
        tiny_mp4(root / "hf" / "lmms-eval/NExTQA" / "media" / "NExTVideo" / f"{video}.mp4", gray=40 + 60 * i)
    (report,) = validate(["nextqa_mc_test"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(
        tmp_path, monkeypatch, "nextqa_mc_test", root, {str(i): r[4] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [r[5] for r in ROWS]
    right = [r[5] == "ABCDE"[r[3]] for r in ROWS]
    assert right[:3] + right[4:] == [True, False, True, True]
    assert value(results, "exact_match") == pytest.approx(100 * sum(right) / 5)
    assert value(results, "exact_match", "type", "CW") == pytest.approx(100.0)
    assert value(results, "exact_match", "type", "TN") == pytest.approx(50.0)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        "why did the boy move in clip 5001 (0)\nA. the boy plays\nB. he falls down\nC. to get the ball\n"
        "D. the dog runs\nE. nothing happens"
    )
