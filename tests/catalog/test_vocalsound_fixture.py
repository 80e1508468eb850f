"""vocalsound_test and vocalsound_val end to end: rows in the columns lmms-eval 0.7.3 reads from
lmms-lab-audio/vocalsound (audio, answer, age_group, spk_id; tiny generated WAV clips), messy replayed answers,
lmms-eval 0.7.3's class reading by hand, overall and per age group."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"audio": datasets.Audio(), "answer": STR, "age_group": datasets.Value("int64"), "spk_id": STR}
)
ROWS = [  # (answer, age group, speaker, response, right)
    ("Laughter", 1, "f0001", "This is laughter.", True),
    ("Throat clearing", 1, "m0002", "Someone is clearing their throat", True),
    ("Cough", 2, "m0003", "a cough, then a sniff", False),  # Sniff comes first in the order
    ("Sneeze", 3, "f0004", "SNEEZES!", True),
    ("Sigh", 3, "f0005", "a laugh", False),  # "laugh" is not "laughter": no class
]


@pytest.mark.parametrize("task", ["vocalsound_test", "vocalsound_val"])
def test_vocalsound_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    root = tmp_path / "root"
    columns = {
        "audio": [{"bytes": wav(hz=300 + 100 * i), "path": None} for i in range(len(ROWS))],
        "answer": [r[0] for r in ROWS],
        "age_group": [r[1] for r in ROWS],
        "spk_id": [r[2] for r in ROWS],
    }
    write_audio_split(root, "lmms-lab-audio/vocalsound", task.removeprefix("vocalsound_"), columns, FEATURES)
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[3] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [
        "Laughter",
        "Throat clearing",
        "Sniff",
        "Sneeze",
        None,
    ]
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(5)] == [r[4] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "accuracy", "age_group", "1") == pytest.approx(100.0)
    assert value(results, "accuracy", "age_group", "2") == pytest.approx(0.0)
    assert value(results, "accuracy", "age_group", "3") == pytest.approx(50.0)
    assert (
        samples["0"]["prompt"][0]["content"][1]["text"]
        == "Classify the human vocal sound to VocalSound in English: "
    )
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
