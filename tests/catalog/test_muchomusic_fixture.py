"""muchomusic end to end: rows in the schema of lmms-lab-audio/muchomusic (test: context audio, instruction,
choices as one "(A) ... (B) ..." string, answer "(X) text"; tiny generated WAV clips), messy replayed answers,
MuChoMusic's official answer reading by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"context": datasets.Audio(sampling_rate=192000), "instruction": STR, "choices": STR, "answer": STR}
)
CHOICES = "(A) Jazz (B) Rock (C) Classical (D) Hip hop"
ROWS = [  # (answer, response, extracted, right)
    ("(B) Rock", "B", "B", True),
    ("(C) Classical", "The correct answer is: (C) Classical", "C", True),
    ("(D) Hip hop", "It sounds like hip hop to me.", "D", True),  # no capital A-D: the option's text
    ("(A) Jazz", "A or B", None, False),  # two capitals, no option text
    ("(A) Jazz", "Definitely rock", "D", False),  # the capital D of "Definitely" (an official quirk)
]


def test_muchomusic_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "context": [{"bytes": wav(hz=300 + 100 * i), "path": None} for i in range(len(ROWS))],
        "instruction": [f"Which genre is track {i}?" for i in range(len(ROWS))],
        "choices": [CHOICES] * len(ROWS),
        "answer": [r[0] for r in ROWS],
    }
    write_audio_split(root, "lmms-lab-audio/muchomusic", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "muchomusic", root, {str(i): r[1] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [r[2] for r in ROWS]
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(5)] == [r[3] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        f"Which genre is track 0?\n{CHOICES}\nAnswer with the option's letter from the given choices directly: "
    )
    (report,) = validate(["muchomusic"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
