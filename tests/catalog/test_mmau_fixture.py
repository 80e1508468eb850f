"""mmau_test_mini end to end: rows in the columns lmms-eval 0.7.3 reads from lmms-lab-audio/mmau (test_mini:
choices as a JSON list in a string, the answer as the option's text; tiny generated WAV clips), messy
replayed answers, MMAU's official string_match by hand, overall and per task and difficulty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
COLUMNS = ["id", "audio_id", "question", "choices", "answer", "dataset", "task", "split", "category"]
FEATURES = datasets.Features(
    {**{c: STR for c in COLUMNS}, "sub-category": STR, "difficulty": STR, "audio": datasets.Audio()}
)
VOICES = ["Man", "Woman", "Child", "Robot"]
ROWS = [  # (task, difficulty, choices, answer, response, right)
    ("sound", "easy", VOICES, "Man", "A", True),  # a bare letter: that option's text
    ("sound", "hard", ["A child", "A woman", "An adult man", "A teenager"], "A woman", "B. A woman", True),
    ("music", "easy", ["Jazz", "Rock", "Pop", "Folk"], "Rock", "The answer is B.", False),  # no answer word
    ("music", "hard", ["Piano", "Guitar", "Violin", "Drums"], "Violin", "violin, not guitar", False),
    ("speech", "easy", ["Happy", "Sad", "Angry", "Neutral"], "Sad", "The speaker sounds sad.", True),
]


def test_mmau_test_mini_string_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    n = len(ROWS)
    columns = {
        "id": [f"q{i}" for i in range(n)],
        "audio_id": [f"./test-mini-audios/q{i}.wav" for i in range(n)],
        "question": [f"Question {i}?" for i in range(n)],
        "choices": [json.dumps(r[2]) for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "dataset": ["AudioSet"] * n,
        "task": [r[0] for r in ROWS],
        "split": ["test-mini"] * n,
        "category": ["Reasoning"] * n,
        "sub-category": ["Acoustic Source Inference"] * n,
        "difficulty": [r[1] for r in ROWS],
        "audio": [{"bytes": wav(), "path": None} for _ in ROWS],
    }
    write_audio_split(root, "lmms-lab-audio/mmau", "test_mini", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "mmau_test_mini", root, {f"q{i}": r[4] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert samples["q0"]["extracted"] == "Man"
    assert [samples[f"q{i}"]["scores"]["accuracy"] == 1.0 for i in range(n)] == [r[5] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "accuracy", "task", "sound") == pytest.approx(100.0)
    assert value(results, "accuracy", "task", "music") == pytest.approx(0.0)
    assert value(results, "accuracy", "difficulty", "easy") == pytest.approx(200 / 3)
    assert samples["q0"]["prompt"][0]["content"][1]["text"] == (
        "Question 0?\nA. Man\nB. Woman\nC. Child\nD. Robot\n"
        "Answer with the option's letter from the given choices directly."
    )
    (report,) = validate(["mmau_test_mini"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
