"""people_speech_val end to end: rows in the columns of lmms-lab-audio/peoples_speech (default config, split
val: audio, gt, prompt, source, task; tiny generated WAV clips), messy replayed transcripts, and corpus WER
computed by hand as the Open ASR Leaderboard does: Whisper's English normalizer (openai/whisper@c0d2f62) on
both sides, clips whose normalized reference is empty left out (normalizer/data_utils.py
is_target_text_in_range), edits and reference words pooled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"audio": datasets.Audio(sampling_rate=16000), "gt": STR, "prompt": STR, "source": STR, "task": STR}
)
PROMPT = "Please recognize the speech and only output the recognized content:"
ROWS = [  # (gt, response, kept, edits, reference words)
    ("", "hello", False, 0, 0),  # an empty reference: left out (it would add an insertion over 0 words)
    ("we need to vote on the resolution", "We need to vote on the resolution now", True, 1, 7),
    ("the meeting is adjourned", "meeting adjourned", True, 2, 4),
]


def _mirror(root: Path) -> None:
    columns: dict[str, list[Any]] = {
        "audio": [{"bytes": wav(hz=300 + 25 * i), "path": f"ps-{i}.flac"} for i in range(len(ROWS))],
        "gt": [r[0] for r in ROWS],
        "prompt": [PROMPT] * len(ROWS),
        "source": ["peoples_speech"] * len(ROWS),
        "task": ["asr_en"] * len(ROWS),
    }
    write_audio_split(root, "lmms-lab-audio/peoples_speech", "val", columns, FEATURES)


def test_people_speech_corpus_wer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    kept = [r for r in ROWS if r[2]]  # without an id column a doc's id is its position among these
    results, samples = replay(
        tmp_path, monkeypatch, "people_speech_val", root, {str(i): r[1] for i, r in enumerate(kept)}
    )
    assert [samples[str(i)]["target"] for i in range(len(kept))] == [r[0] for r in kept]
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert value(results, "wer") == pytest.approx(
        100 * 3 / 11
    )  # pooled; the mean of rates would be 100 * 9 / 28
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    assert message["content"][1]["text"] == PROMPT
    (report,) = validate(["people_speech_val"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
