"""worldsense end to end: rows in the schema of lmms-lab/worldsense as lmms-eval 0.7.3 and other readers of the
split use it (test; index, video, video_path, subtitle_path, question, candidates, answer, task_type,
task_domain, domain, sub_category, duration, audio_class; the column types are assumptions),
tiny generated mp4 files with a video and an audio track laid out by hand in the mirror's media folder, the
prompt's video and audio parts both read from the mp4, messy replayed answers read with 0.7.3's WorldSense
parser, accuracy by hand overall and per domain, task type and duration."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.core.types import AudioPart, MediaRef
from lmms_eval.media.audio import decode_audio
from lmms_eval.tasks.validate import validate

REPO = "lmms-lab/worldsense"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "index": datasets.Value("int64"),
        "video": STR,
        "video_path": STR,
        "subtitle_path": STR,
        "question": STR,
        "candidates": datasets.Sequence(STR),
        "answer": STR,
        "task_type": STR,
        "task_domain": STR,
        "domain": STR,
        "sub_category": STR,
        "duration": STR,
        "audio_class": datasets.Sequence(STR),
    }
)
FOUR = ["A. A dog barks.", "B. A man sings.", "C. A car horn.", "D. Rain falls."]
THREE = ["A. once", "B. twice", "C. three times"]
ROWS = [  # (index, video, options, answer, task_type, domain, duration, response, parsed)
    (0, "videos/v1.mp4", FOUR, "B", "Audio Recognition", "Music", "<1min", "The answer is (B).", "B"),
    (1, "videos/v1.mp4", THREE, "C", "Audio Counting", "Music", "<1min", "c", "A"),  # no capital: guess A
    (2, "videos/v2.mp4", FOUR, "D", "Audio Recognition", "Sports", "1-2min", "Dog.", "D"),  # any capital
    (3, "videos/v2.mp4", FOUR, "A", "Causal Reasoning", "Sports", "1-2min",
     "the sound in this clip is clearly a dog barks", "A"),  # option text, no capital A-D
    (4, "videos/v2.mp4", FOUR, "C", "Causal Reasoning", "Sports", "1-2min", "(A) or (C)", "C"),
]  # fmt: skip


def tiny_av_mp4(path: Path, frames: int = 8, size: int = 16, fps: int = 4, rate: int = 16000) -> None:
    """Flat gray frames and a sine tone as an mp4 (mpeg4 video, aac audio), enough to decode both tracks."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out:
        video = out.add_stream("mpeg4", rate=fps)
        video.width = video.height = size
        video.pix_fmt = "yuv420p"
        audio = out.add_stream("aac", rate=rate)
        audio.layout = "mono"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((size, size, 3), 16 * i, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        n = rate * frames // fps
        tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(n) / rate)).astype(np.float32)[None, :]
        for start in range(0, n, 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(tone[:, start : start + 1024]), format="flt", layout="mono"
            )
            chunk.sample_rate, chunk.pts, chunk.time_base = rate, start, Fraction(1, rate)
            out.mux(audio.encode(chunk))
        out.mux(audio.encode(None))


def test_worldsense_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "index": [r[0] for r in ROWS],
        "video": [Path(r[1]).stem for r in ROWS],
        "video_path": [r[1] for r in ROWS],
        "subtitle_path": [r[1].replace("videos/", "subtitles/").replace(".mp4", ".srt") for r in ROWS],
        "question": [f"What is heard at moment {r[0]}?" for r in ROWS],
        "candidates": [r[2] for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "task_type": [r[4] for r in ROWS],
        "task_domain": [r[5] for r in ROWS],
        "domain": ["Music", "Music", "Sports", "Sports", "Daily Life"],
        "sub_category": ["Concert", "Concert", "Skiing", "Skiing", "Cooking"],
        "duration": [r[6] for r in ROWS],
        "audio_class": [["Music"], ["Music", "Speech"], ["Event"], ["Event"], ["Speech"]],
    }
    write_split(root, REPO, "test", columns, FEATURES)
    for name in ("v1", "v2"):
        tiny_av_mp4(root / "hf" / REPO / "media" / "videos" / f"{name}.mp4")
    (report,) = validate(["worldsense"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "worldsense", root, {str(r[0]): r[7] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[str(r[0])]["extracted"] for r in ROWS] == [r[8] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(100 * 4 / 5)  # all but row 1
    assert value(results, "accuracy", "task_domain", "Music") == pytest.approx(50.0)
    assert value(results, "accuracy", "task_domain", "Sports") == pytest.approx(100.0)
    assert value(results, "accuracy", "task_type", "Audio Counting") == pytest.approx(0.0)
    assert value(results, "accuracy", "task_type", "Causal Reasoning") == pytest.approx(100.0)
    assert value(results, "accuracy", "duration", "<1min") == pytest.approx(50.0)
    assert value(results, "accuracy", "domain", "Daily Life") == pytest.approx(100.0)
    prompt = samples["1"]["prompt"][0]["content"]
    assert [p["type"] for p in prompt] == ["video", "audio", "text"]
    assert prompt[0]["path"] == prompt[1]["path"] and prompt[1]["path"].endswith("media/videos/v1.mp4")
    clip = decode_audio(AudioPart(ref=MediaRef(path=prompt[1]["path"])))  # the mp4's own audio track
    assert clip.sampling_rate == 16000 and clip.duration_s == pytest.approx(2.0, abs=0.1)
    assert prompt[2]["text"] == (
        "Carefully watch this video and pay attention to every detail. Based on your observations, select the "
        "best option that accurately addresses the question.\nThese are the frames of a video and the "
        "corresponding audio. Select the best answer to the following multiple-choice question based on the "
        "video. Respond with only the letter (A, B, C, or D) of the correct option.\nWhat is heard at moment 1?"
        "\nA. once\nB. twice\nC. three times\n"
    )
