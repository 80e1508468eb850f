"""Benchmark: sample 32 frames from a 10-minute video by seeking, and show that memory stays bounded.

Generates (with PyAV, in a child process, into a temp dir) a 10-minute 320x240 25 fps h264 video with a
keyframe every 2 s, then times ``decode_video`` for 32 frames and prints the peak RSS increase and the peak
of Python allocations (tracemalloc), next to the memory a full decode into RGB frames would need.

Run from the repository root: ``python benchmarks/video_sampling.py [--minutes 10] [--frames 32] [--repeat 5] [--full]`` (``--full`` also times a
sequential decode of every frame, discarding them, for comparison).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from lmms_eval.core.types import MediaRef, VideoPart  # noqa: E402
from lmms_eval.media.video import decode_video, decord_available  # noqa: E402

WIDTH, HEIGHT, FPS, GOP_S = 320, 240, 25, 2


def generate(path: str, minutes: float) -> None:
    """Encode a moving-gradient test video: libx264 ultrafast, low bitrate, a keyframe every ``GOP_S`` s."""
    total = round(minutes * 60 * FPS)
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    base = ((xs + ys) % 256).astype(np.uint8)
    chroma = np.full((HEIGHT // 2, WIDTH), 128, dtype=np.uint8)
    with av.open(path, mode="w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.gop_size = GOP_S * FPS
        stream.bit_rate = 200_000
        stream.options = {"preset": "ultrafast", "keyint_min": str(GOP_S * FPS), "sc_threshold": "0"}
        for i in range(total):
            plane = np.concatenate([base + np.uint8(i % 256), chroma])
            frame = av.VideoFrame.from_ndarray(plane, format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def full_decode_s(path: str) -> tuple[float, int]:
    """Seconds to decode every frame sequentially (frames discarded at once), and the frame count."""
    start, count = time.perf_counter(), 0
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            count += 1
    return time.perf_counter() - start, count


def _timed(part: VideoPart, backend: str) -> float:
    start = time.perf_counter()
    decode_video(part, backend=backend)
    return time.perf_counter() - start


def measure(part: VideoPart, backend: str, repeat: int) -> None:
    rss_before = peak_rss_mib()
    tracemalloc.start()
    start = time.perf_counter()
    result = decode_video(part, backend=backend)
    wall = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kept = sum(im.width * im.height * 3 for im in result.frames)
    rss_increase = peak_rss_mib() - rss_before
    walls = [wall] + [_timed(part, backend) for _ in range(repeat - 1)]
    times = ", ".join(f"{w:.3f}" for w in walls)
    print(
        f"[{backend}] sampled {len(result)} frames: median {sorted(walls)[len(walls) // 2]:.3f} s ({times})"
    )
    print(f"[{backend}] first timestamps: {[round(t, 2) for t in result.timestamps_s[:4]]} ...")
    print(f"[{backend}] peak RSS increase: {rss_increase:.1f} MiB (ru_maxrss, first run)")
    print(f"[{backend}] peak Python allocations: {traced_peak / (1 << 20):.1f} MiB (tracemalloc, first run)")
    print(f"[{backend}] RGB frames kept: {kept / (1 << 20):.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--frames", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per backend (median printed)")
    parser.add_argument("--full", action="store_true", help="also time a sequential decode of every frame")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "long.mp4")
        start = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(target=generate, args=(path, args.minutes))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("video generation failed")
        size_mib = Path(path).stat().st_size / (1 << 20)
        print(
            f"generated {args.minutes:g} min {WIDTH}x{HEIGHT} {FPS} fps h264, keyframe every {GOP_S} s: "
            f"{size_mib:.1f} MiB in {time.perf_counter() - start:.1f} s"
        )
        total_frames = round(args.minutes * 60 * FPS)
        print(
            f"a full decode to RGB would hold {total_frames} x {WIDTH}x{HEIGHT}x3 = "
            f"{total_frames * WIDTH * HEIGHT * 3 / (1 << 30):.2f} GiB"
        )
        part = VideoPart(ref=MediaRef(path=path), num_frames=args.frames)
        decode_video(VideoPart(ref=MediaRef(path=path), num_frames=1))  # warm up imports and codec init
        measure(part, "pyav", args.repeat)
        if decord_available():
            measure(part, "decord", args.repeat)
        if args.full:
            seconds, count = full_decode_s(path)
            print(f"sequential decode of all {count} frames (discarded): {seconds:.2f} s")


if __name__ == "__main__":
    main()
