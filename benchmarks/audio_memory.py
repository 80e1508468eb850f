"""Benchmark: peak memory of decoding one long recording to 16 kHz mono, whole-file vs streamed decoding.

Generates (once, into ``benchmarks/.work/audio_memory/``) a ``--minutes`` long 44.1 kHz stereo recording
(a slowly gliding tone with a little noise, so FLAC cannot shrink it to nothing) as FLAC, then, in a fresh
child process per cell, decodes it with ``lmms_eval.media.audio.decode_audio`` (``sampling_rate=16000``)
and reports the child's peak RSS (``VmHWM``) and RSS after the imports, and the decode time.

The ways: ``new``, the decoder of this checkout (streamed: block by block, each block mixed to mono and
resampled as it comes); ``old``, the decoder of ``--old-commit`` (default: the commit before streaming;
read with ``git show`` into a temporary module), which read the whole file at its source rate and channel
count, then mixed and resampled. Both paths: ``soundfile`` (FLAC) and ``pyav`` (the same audio as an AAC
``.m4a``, which libsndfile cannot read).

Run from the repository root: ``python benchmarks/audio_memory.py [--minutes 120] [--old-commit REV]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / ".work" / "audio_memory"
RATE = 44100

CHILD = r"""
import importlib.util, json, sys, time
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
module_path, audio_path = sys.argv[1], sys.argv[2]
if module_path == "-":
    from lmms_eval.media import audio as mod
else:
    spec = importlib.util.spec_from_file_location("old_audio", module_path)
    mod = importlib.util.module_from_spec(spec); sys.modules["old_audio"] = mod; spec.loader.exec_module(mod)
from lmms_eval.core.types import AudioPart
part = AudioPart.model_validate({"ref": {"path": audio_path}, "sampling_rate": 16000})
base = rss("VmRSS:")
t0 = time.perf_counter()
clip = mod.decode_audio(part)
dt = time.perf_counter() - t0
print(json.dumps({"peak_mib": rss("VmHWM:"), "base_mib": base, "seconds": dt, "samples": len(clip.samples),
                  "rate": clip.sampling_rate}))
"""


def make_audio(minutes: float) -> tuple[Path, Path]:
    """The FLAC and M4A recordings (made once per length)."""
    import av
    import numpy as np
    import soundfile as sf

    WORK.mkdir(parents=True, exist_ok=True)
    flac, m4a = WORK / f"tone_{minutes:g}min.flac", WORK / f"tone_{minutes:g}min.m4a"
    if flac.exists() and m4a.exists():
        return flac, m4a
    total = int(minutes * 60 * RATE)
    rng = np.random.default_rng(0)
    block = RATE * 10
    with sf.SoundFile(flac, "w", samplerate=RATE, channels=2, subtype="PCM_16") as out_flac, av.open(
        str(m4a), "w"
    ) as out_m4a:
        stream = out_m4a.add_stream("aac", rate=RATE, layout="stereo")
        for start in range(0, total, block):
            t = np.arange(start, min(total, start + block)) / RATE
            tone = 0.3 * np.sin(2 * np.pi * (300 + 100 * np.sin(t / 60)) * t)
            data = np.stack([tone, tone[::-1]], axis=1) + 0.01 * rng.standard_normal((len(t), 2))
            out_flac.write(data.astype(np.float32))
            frame = av.AudioFrame.from_ndarray(data.T.astype(np.float32).copy(), format="fltp", layout="stereo")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                out_m4a.mux(packet)
        for packet in stream.encode(None):
            out_m4a.mux(packet)
    return flac, m4a


def run_child(module: str, audio: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, module, str(audio)], capture_output=True, text=True, cwd=REPO)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=120.0)
    parser.add_argument("--old-commit", default="1e3f823")
    args = parser.parse_args()
    flac, m4a = make_audio(args.minutes)
    old_source = subprocess.run(
        ["git", "show", f"{args.old_commit}:lmms_eval/media/audio.py"], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        old_module = Path(tmp) / "old_audio.py"
        old_module.write_text(old_source)
        print(f"{args.minutes:g} min, 44.1 kHz stereo -> 16 kHz mono; peak RSS above the RSS after imports")
        print(f"{'file':<6} {'way':<4} {'peak MiB':>9} {'decode s':>9} {'samples':>12}")
        for path, label in ((flac, "flac"), (m4a, "m4a")):
            for way, module in (("old", str(old_module)), ("new", "-")):
                t0 = time.perf_counter()
                r = run_child(module, path)
                del t0
                print(f"{label:<6} {way:<4} {r['peak_mib'] - r['base_mib']:>9.0f} {r['seconds']:>9.1f} {r['samples']:>12}")


if __name__ == "__main__":
    main()
