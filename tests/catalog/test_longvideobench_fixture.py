"""longvideobench_val_v end to end: rows in the schema of longvideobench/LongVideoBench (validation; the
features of its card: option0..option4 with "N/A" for missing options, correct_choice an int64) in the mirror
layout, tiny generated videos as the tar extracts them (``videos/<video_path>``), messy replayed answers, and
lmms-eval 0.7.3's verdicts by hand (a seeded guess for an unreadable answer), overall and per duration group
and question category."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split
from test_videomme_fixture import tiny_mp4

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

STR, INT, FLOAT = datasets.Value("string"), datasets.Value("int64"), datasets.Value("float64")
FEATURES = datasets.Features(
    {
        "video_id": STR,
        "id": STR,
        "video_path": STR,
        "subtitle_path": STR,
        "correct_choice": INT,
        "question": STR,
        **{f"option{i}": STR for i in range(5)},
        "duration": FLOAT,
        "duration_group": INT,
        "question_category": STR,
        "topic_category": STR,
        "starting_timestamp_for_subtitles": FLOAT,
    }
)
GUESS = fallback_choice("v3_0", ["A", "B", "C", "D"])
ROWS = [  # (id, video_id, duration_group, question_category, n options, correct_choice, response, read)
    ("v1_0", "v1", 15, "S2E", 5, 4, "E", "E"),
    ("v1_1", "v1", 15, "TOS", 5, 1, "The best answer is B.", "B"),
    ("v2_0", "v2", 600, "S2E", 4, 2, "Based on the video, C", "B"),  # "Based" gives B, as in the peer
    ("v3_0", "v3", 3600, "TOS", 4, 0, "none of them", GUESS),  # the peer guesses: the seeded guess here
]


def test_longvideobench_val_v(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    options = [[f"option {c} of {r[0]}" if i < r[4] else "N/A" for i, c in enumerate("ABCDE")] for r in ROWS]
    columns = {
        "video_id": [r[1] for r in ROWS],
        "id": [r[0] for r in ROWS],
        "video_path": [f"{r[1]}.mp4" for r in ROWS],
        "subtitle_path": [f"{r[1]}_en.json" for r in ROWS],
        "correct_choice": [r[5] for r in ROWS],
        "question": [f"What happens in {r[0]}?" for r in ROWS],
        **{f"option{i}": [o[i] for o in options] for i in range(5)},
        "duration": [float(r[2]) for r in ROWS],
        "duration_group": [r[2] for r in ROWS],
        "question_category": [r[3] for r in ROWS],
        "topic_category": ["NP-News-Programs"] * len(ROWS),
        "starting_timestamp_for_subtitles": [0.0] * len(ROWS),
    }
    write_split(root, "longvideobench/LongVideoBench", "validation", columns, FEATURES)
    for i, vid in enumerate(["v1", "v2", "v3"]):
        tiny_mp4(
            root / "hf" / "longvideobench/LongVideoBench" / "media" / "videos" / f"{vid}.mp4",
            gray=50 + 50 * i,
        )
    (report,) = validate(["longvideobench_val_v"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "longvideobench_val_v", root, {r[0]: r[6] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[r[0]]["extracted"] for r in ROWS] == [r[7] for r in ROWS]
    right = [r[7] == "ABCDE"[r[5]] for r in ROWS]
    assert right[:3] == [True, True, False]
    assert value(results, "lvb_acc") == pytest.approx(100 * sum(right) / 4)
    assert value(results, "lvb_acc", "duration_group", "15") == pytest.approx(100.0)
    assert value(results, "lvb_acc", "duration_group", "600") == pytest.approx(0.0)
    assert value(results, "lvb_acc", "question_category", "S2E") == pytest.approx(50.0)
    assert samples["v2_0"]["prompt"][0]["content"][1]["text"] == (
        "What happens in v2_0?\nA. option A of v2_0\nB. option B of v2_0\nC. option C of v2_0\n"
        "D. option D of v2_0\nAnswer with the option's letter from the given choices directly.\n"
    )
