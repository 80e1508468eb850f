#!/usr/bin/env python3
"""Start-up benchmark: ours (the repository's .venv) vs the peer (PyPI lmms-eval==0.7.3 in $PEER_VENV, default .peer/venv).

Each command is run in a fresh subprocess N times (after W untimed warm-up runs, so .pyc
compilation is not measured); we report median/min wall time and peak RSS (ru_maxrss of
that very child, taken from os.wait4, so no /usr/bin/time is needed).

    python benchmarks/startup.py               # both sides, 5 repeats
    python benchmarks/startup.py --repeats 3 --side peer

The peer venv is created by benchmarks/peer_setup.sh. Everything runs offline
(HF_HUB_OFFLINE=1 etc.); nothing talks to the network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from peer_common import PEER_BIN

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"
OURS_BIN = REPO / ".venv" / "bin" / "lmms-eval"

# (label, ours args, peer args). The peer (0.7.3) has `tasks list` as its subcommand form
# and the legacy flat `--tasks list`; ours has `tasks` and `--tasks list`.
CASES: list[tuple[str, list[str], list[str]]] = [
    ("--help", ["--help"], ["--help"]),
    ("tasks (list subcommand)", ["tasks"], ["tasks", "list"]),
    ("--tasks list", ["--tasks", "list"], ["--tasks", "list"]),
    ("run help", ["run", "--help"], ["eval", "--help"]),
]


def bench_env(hf_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HF_HOME=str(hf_home),
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        WANDB_MODE="disabled",
        TOKENIZERS_PARALLELISM="false",
        PYTHONWARNINGS="ignore",
    )
    # never let the repo's ./lmms_eval shadow the peer's installed package
    env.pop("PYTHONPATH", None)
    return env


@dataclass
class Run:
    wall_s: float
    maxrss_mb: float
    rc: int


def run_once(cmd: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float = 600) -> Run:
    """Run cmd in a fresh child; wall time and that child's own peak RSS via wait4."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, ru.ru_maxrss / 1024.0, proc.returncode)  # ru_maxrss is KiB on Linux


@dataclass
class Stats:
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)

    def med(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    def min(self) -> float:
        return min(r.wall_s for r in self.runs)

    def rss(self) -> float:
        return max(r.maxrss_mb for r in self.runs)


def measure(binary: Path, args: list[str], side: str, label: str, repeats: int, warmup: int) -> Stats:
    st = Stats()
    if not binary.exists():
        st.error = f"{binary} not found"
        return st
    cwd = WORK  # neutral cwd (not the repo root) for both sides
    env = bench_env(WORK / f"{side}_hf_home")
    safe = "".join(c if c.isalnum() else "_" for c in label).strip("_")
    for i in range(warmup + repeats):
        log = WORK / "logs" / f"startup_{side}_{safe}_{i}.log"
        r = run_once([str(binary), *args], cwd, env, log)
        if r.rc != 0:
            tail = log.read_text(errors="replace")[-600:]
            st.error = f"exit {r.rc} (log: {log})\n{tail}"
            return st
        if i >= warmup:
            st.runs.append(r)
    return st


def fmt(st: Stats, what: str) -> str:
    if not st.ok:
        return "FAIL" if st.error else "-"
    return {"med": f"{st.med():.3f}", "min": f"{st.min():.3f}", "rss": f"{st.rss():.0f}"}[what]


def ratio(peer: Stats, ours: Stats, what: str) -> str:
    if not (peer.ok and ours.ok):
        return "n/a"
    f = {"med": Stats.med, "min": Stats.min, "rss": Stats.rss}[what]
    o = f(ours)
    return f"{f(peer) / o:.1f}x" if o > 0 else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--side", choices=["both", "peer", "ours"], default="both")
    a = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    results: list[tuple[str, list[str], list[str], Stats, Stats]] = []
    for label, ours_args, peer_args in CASES:
        peer = (
            Stats(error="skipped")
            if a.side == "ours"
            else measure(PEER_BIN, peer_args, "peer", label, a.repeats, a.warmup)
        )
        ours = (
            Stats(error="skipped")
            if a.side == "peer"
            else measure(OURS_BIN, ours_args, "ours", label, a.repeats, a.warmup)
        )
        for side, st, args in (("peer", peer, peer_args), ("ours", ours, ours_args)):
            if st.error and st.error != "skipped":
                print(f"!! {side} `lmms-eval {' '.join(args)}` FAILED: {st.error}\n", file=sys.stderr)
        results.append((label, ours_args, peer_args, peer, ours))
        print(f"done: {label}", file=sys.stderr)

    load = "n/a" if not hasattr(os, "getloadavg") else ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nStart-up, {a.repeats} runs each after {a.warmup} warm-up; wall seconds; peak RSS MB "
        f"(max over runs); machine: {os.cpu_count()} cores; load avg at end: {load}\n"
    )
    print(
        "| command (peer / ours) | peer median s | peer min s | peer RSS MB | ours median s | ours min s "
        "| ours RSS MB | median peer/ours | min peer/ours | RSS peer/ours |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for _label, ours_args, peer_args, peer, ours in results:
        name = f"`{' '.join(peer_args)}` / `{' '.join(ours_args)}`"
        print(
            f"| {name} | {fmt(peer, 'med')} | {fmt(peer, 'min')} | {fmt(peer, 'rss')} | {fmt(ours, 'med')} "
            f"| {fmt(ours, 'min')} | {fmt(ours, 'rss')} | {ratio(peer, ours, 'med')} | {ratio(peer, ours, 'min')} "
            f"| {ratio(peer, ours, 'rss')} |"
        )
    if any(o.error and o.error != "skipped" for *_, o in results):
        print(
            f"\nNOTE: ours ({OURS_BIN}) failed on some commands -- see stderr above; peer numbers are still valid."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
