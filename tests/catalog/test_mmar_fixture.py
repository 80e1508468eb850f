"""mmar end to end: rows in the columns lmms-eval 0.7.3 reads from ngqtrung/mmar (test: choices as "A. text"
lines, the answer as a letter; tiny generated WAV clips), messy replayed answers, MMAR's official
string_match by hand, overall and per modality and category."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "id": STR,
        "question": STR,
        "choices": datasets.Sequence(STR),
        "answer": STR,
        "modality": STR,
        "category": STR,
        "audio": datasets.Audio(),
    }
)
FOOD = [
    "Too little",
    "Just right, no opinion",
    "Too much, need to give some to others",
    "Too much, can't finish",
]
ROWS = [  # (modality, category, choices, answer letter, response, right)
    ("speech", "Semantic Layer", FOOD, "A", "A", True),
    ("speech", "Semantic Layer", FOOD, "A", "Too much", False),
    (
        "music",
        "Cultural Layer",
        ["Mountain Canyon", "Dense Forest", "Open Grassland"],
        "C",
        "open grassland",
        True,
    ),
    ("music", "Signal Layer", ["Rising", "Falling"], "B", "B) Falling", True),
    ("sound", "Perception Layer", ["Two", "Three", "Four", "Five"], "B", "The best answer is: B", False),
]


def test_mmar_string_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": [f"m{i}" for i in range(len(ROWS))],
        "question": [f"Question {i}?" for i in range(len(ROWS))],
        "choices": [[f"{'ABCD'[j]}. {c}" for j, c in enumerate(r[2])] for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "modality": [r[0] for r in ROWS],
        "category": [r[1] for r in ROWS],
        "audio": [{"bytes": wav(), "path": None} for _ in ROWS],
    }
    write_audio_split(root, "ngqtrung/mmar", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "mmar", root, {f"m{i}": r[4] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[f"m{i}"]["scores"]["accuracy"] == 1.0 for i in range(len(ROWS))] == [r[5] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "accuracy", "modality", "speech") == pytest.approx(50.0)
    assert value(results, "accuracy", "modality", "music") == pytest.approx(100.0)
    assert value(results, "accuracy", "category", "Perception Layer") == pytest.approx(0.0)
    assert samples["m3"]["prompt"][0]["content"][1]["text"] == (
        "Listen to the audio and answer the following multiple-choice question. Respond with only the letter "
        "(A, B, C, or D) of the correct option.\nQuestion 3?\nA. Rising\nB. Falling\nThe best answer is:"
    )
    (report,) = validate(["mmar"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
