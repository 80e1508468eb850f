"""The TED-LIUM tasks end to end: rows in the columns of lmms-lab-audio/tedlium (configs tedlium_dev_test and
tedlium_long_form, split val: audio, gt, prompt, source, task; tiny generated WAV clips), TED-LIUM-style
references (<unk>, " 's", ignore_time_segment_in_scoring), messy replayed transcripts, and corpus WER computed
by hand as the Open ASR Leaderboard does: Whisper's English normalizer (openai/whisper@c0d2f62) on both sides,
segments whose normalized reference is empty or "ignore time segment in scoring" left out
(normalizer/data_utils.py is_target_text_in_range), edits and reference words pooled. The normalized words
below were checked against the official normalizer."""

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
CONFIGS = {  # task -> [(gt, response, kept, edits, reference words)]
    "tedlium_dev_test": [
        # <unk> is dropped as a bracketed span: "and so i asked him what he meant" (8 words)
        ("and so i asked him what <unk> he meant", "And so I asked him what he meant.", True, 0, 8),
        ("ignore_time_segment_in_scoring", "(applause)", False, 0, 0),  # left out, as on the leaderboard
        ("it 's a good idea", "It's a bad idea", True, 1, 5),  # both "it is a ... idea"
    ],
    "tedlium_long_form": [
        (
            "so today i want to talk about ideas",
            "So today I want to talk about ideas, thank you.",
            True,
            2,
            8,
        ),
    ],
}
EXPECTED = {"tedlium_dev_test": 100 * 1 / 13, "tedlium_long_form": 100 * 2 / 8}  # dev_test unfiltered: 6 / 18


def _mirror(root: Path) -> None:
    for config, rows in CONFIGS.items():
        n = len(rows)
        columns: dict[str, list[Any]] = {
            "audio": [{"bytes": wav(hz=180 + 20 * i), "path": f"{config}-{i}.wav"} for i in range(n)],
            "gt": [r[0] for r in rows],
            "prompt": [PROMPT] * n,
            "source": ["tedlium"] * n,
            "task": ["asr_en"] * n,
        }
        write_audio_split(root, "lmms-lab-audio/tedlium", "val", columns, FEATURES, config=config)


@pytest.mark.parametrize("task", list(CONFIGS))
def test_tedlium_corpus_wer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    root = tmp_path / "root"
    _mirror(root)
    kept = [r for r in CONFIGS[task] if r[2]]  # without an id column a doc's id is its position among these
    assert 100 * sum(r[3] for r in kept) / sum(r[4] for r in kept) == pytest.approx(EXPECTED[task])
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[1] for i, r in enumerate(kept)})
    assert [samples[str(i)]["target"] for i in range(len(kept))] == [r[0] for r in kept]
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (len(kept), len(kept), 0)
    assert value(results, "wer") == pytest.approx(EXPECTED[task])
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    assert message["content"][1]["text"] == PROMPT


def test_tedlium_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _mirror(root)
    reports = validate(list(CONFIGS), data_root=root)
    assert [(r.data, [f for f in r.findings if f.level == "error"]) for r in reports] == [("mirror", [])] * 2
