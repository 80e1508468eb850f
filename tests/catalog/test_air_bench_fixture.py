"""air_bench_foundation_{sound,music,speech} end to end: rows in the schema of lmms-lab/AIR_Bench's Foundation
config (path, question, choice_a..d with nulls for two options, answer_gt as text, task_name, dataset_name,
uniq_id, 16 kHz audio; tiny generated WAV clips), messy replayed answers, AIR-Bench's official letter
reading by hand, overall and per task_name, with an unread response wrong (accuracy) or left out, as the
official score does (official_accuracy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "path": STR,
        "question": STR,
        **{f"choice_{c}": STR for c in "abcd"},
        "answer_gt": STR,
        "task_name": STR,
        "dataset_name": STR,
        "uniq_id": datasets.Value("int64"),
        "audio": datasets.Audio(sampling_rate=16000),
    }
)
ROWS = [  # (task_name, choices, answer_gt, response, right)
    ("Music_Genre", ["Jazz", "Rock", "Pop", "Folk"], "Pop", "C", True),
    (
        "Music_Genre",
        ["Jazz", "Rock", "Pop", "Folk"],
        "Jazz",
        "The answer is A.",
        True,
    ),  # second-to-last character
    ("Speaker_Gender", ["Male", "Female", None, None], "Female", "The answer is B", False),  # no final period
    (
        "Speaker_Gender",
        ["Male", "Female", None, None],
        "Male",
        "Bob is male",
        False,
    ),  # "B", the first character
    ("Speaker_Gender", ["Male", "Female", None, None], "Male", "A", True),
]


@pytest.mark.parametrize("split", ["sound", "music", "speech"])
def test_air_bench_foundation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: str) -> None:
    root = tmp_path / "root"
    n = len(ROWS)
    columns = {
        "path": [f"{i}.wav" for i in range(n)],
        "question": [f"Question {i}?" for i in range(n)],
        **{f"choice_{c}": [r[1][j] for r in ROWS] for j, c in enumerate("abcd")},
        "answer_gt": [r[2] for r in ROWS],
        "task_name": [r[0] for r in ROWS],
        "dataset_name": ["X"] * n,
        "uniq_id": [100 + i for i in range(n)],
        "audio": [{"bytes": wav(), "path": None} for _ in ROWS],
    }
    write_audio_split(root, "lmms-lab/AIR_Bench", split, columns, FEATURES, config="Foundation")
    task = f"air_bench_foundation_{split}"
    results, samples = replay(
        tmp_path, monkeypatch, task, root, {str(100 + i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(100 + i)]["target"] for i in range(n)] == ["C", "A", "B", "A", "A"]
    assert [samples[str(100 + i)]["scores"]["accuracy"] == 1.0 for i in range(n)] == [r[4] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "accuracy", "task_name", "Music_Genre") == pytest.approx(100.0)
    assert value(results, "accuracy", "task_name", "Speaker_Gender") == pytest.approx(100 / 3)
    # the official score leaves the unread "The answer is B" out: 3 right of 4 read
    assert [samples[str(100 + i)]["scores"]["official_accuracy"] for i in range(n)] == [
        1.0,
        1.0,
        -1.0,
        0.0,
        1.0,
    ]
    assert value(results, "official_accuracy") == pytest.approx(75.0)
    assert value(results, "official_accuracy", "task_name", "Speaker_Gender") == pytest.approx(50.0)
    assert samples["102"]["prompt"][0]["content"][1]["text"] == (
        "Question 2?\nA. Male\nB. Female\nC. None\nD. None\n\n"
        "Answer with the option's letter from the given choices directly."
    )
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


#: the tasks the parametrized tests above run, by name (scripts/gen_tasks_doc.py reads the names here)
TASK_NAMES = (
    "air_bench_foundation_music",
    "air_bench_foundation_sound",
    "air_bench_foundation_speech",
)


def test_the_parametrized_tasks_are_the_named_ones() -> None:
    assert sorted([f"air_bench_foundation_{s}" for s in ("sound", "music", "speech")]) == sorted(TASK_NAMES)
