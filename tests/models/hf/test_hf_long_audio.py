"""Audio longer than the model's window is never cut silently: a chat model (Qwen2-Audio, 30 s
Whisper-style encoder) gets it as consecutive 30 s windows, each its own audio input in the prompt; a
Whisper model keeps every feature frame and decodes window after window. Each answer records the windows."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("transformers")

from tiny_models import FAMILIES as BUILDERS  # noqa: E402

from lmms_eval.core.types import AudioPart  # noqa: E402
from lmms_eval.engine.config import RunConfig  # noqa: E402
from lmms_eval.engine.evaluator import evaluate  # noqa: E402
from lmms_eval.media.audio import AudioClip, decode_audio, split_windows  # noqa: E402

RATE = 16000
SECONDS = (70.0, 12.0)  # 3 windows of 30 s (the last 10 s) and one


def _wav(path: Path, seconds: float, hz: float) -> None:
    t = np.arange(int(seconds * RATE)) / RATE
    data = (0.3 * np.sin(2 * np.pi * hz * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def _task(folder: Path) -> Path:
    folder.mkdir(parents=True)
    rows = []
    for i, seconds in enumerate(SECONDS):
        _wav(folder / f"clip{i}.wav", seconds, 300 + 50 * i)
        rows.append({"id": f"c{i}", "audio": f"clip{i}.wav", "text": "hello"})
    (folder / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "long_audio.yaml").write_text(
        "task: long_audio\n"
        "dataset: {local: {path: ./docs.jsonl}}\n"
        "doc_id: id\n"
        "prompt: {user: [{audio: {field: audio}}, {text: 'Transcribe the audio.'}]}\n"
        "target: '{{ text }}'\n"
        "metrics: [{name: wer}]\n"
    )
    return folder


def test_split_windows_keeps_every_sample() -> None:
    clip = AudioClip(np.arange(70 * RATE, dtype=np.float32), RATE)
    windows = split_windows(clip, 30.0)
    assert [len(w.samples) for w in windows] == [30 * RATE, 30 * RATE, 10 * RATE]
    assert np.array_equal(np.concatenate([w.samples for w in windows]), clip.samples)
    assert split_windows(clip, None) == [clip] and split_windows(clip, 0) == [clip]
    assert len(split_windows(AudioClip(clip.samples[: 30 * RATE], RATE), 30.0)) == 1


@pytest.mark.parametrize("family", ["qwen2_audio", "whisper"])
def test_long_audio_is_windowed_and_recorded(family: str, tmp_path: Path) -> None:
    model_dir = BUILDERS[family](tmp_path / "model")
    tasks = _task(tmp_path / "tasks")
    config = RunConfig(
        model=family,
        model_args={"pretrained": str(model_dir)},
        tasks=["long_audio"],
        include_path=[str(tasks)],
        output_path=str(tmp_path / "out"),
        gen_kwargs={"max_new_tokens": 4},
    )
    outcome = evaluate(config)
    result = outcome.results.results["long_audio"]
    assert (result.n_scored, result.n_errors) == (2, 0)
    lines = [json.loads(x) for x in (outcome.run_dir / "samples_long_audio.jsonl").read_text().splitlines()]
    media = {s["doc_id"]: s["media"] for s in lines}
    assert media["c0"] == [
        {"type": "audio", "path": str(tasks / "clip0.wav"), "duration_s": 70.0, "sampling_rate": RATE,
         "window_s": 30.0, "chunks": 3}
    ]  # fmt: skip
    assert media["c1"][0]["chunks"] == 1 and media["c1"][0]["duration_s"] == 12.0


def test_qwen2_audio_prompt_holds_one_audio_input_per_window(tmp_path: Path) -> None:
    from lmms_eval.core.types import Message, Request, TextPart
    from lmms_eval.models.hf.backend import HFModel

    model = HFModel.from_args({"pretrained": str(BUILDERS["qwen2_audio"](tmp_path / "model"))})
    _wav(tmp_path / "a.wav", 70.0, 300)
    part = AudioPart.model_validate({"ref": {"path": str(tmp_path / "a.wav")}, "sampling_rate": RATE})
    part.decoded = decode_audio(part)
    request = Request(
        messages=[Message(role="user", content=[part, TextPart(text="hi")])], task="t", doc_id="0"
    )
    conv, _, _, audios = model._conversation(request)
    assert [c["type"] for c in conv[0]["content"]] == ["audio", "audio", "audio", "text"]
    assert [round(a.duration_s) for a in audios] == [30, 30, 10]
    inputs = model._inputs([request])
    assert inputs["input_features"].shape[0] == 3  # three 30 s feature windows, none dropped
