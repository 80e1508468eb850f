#!/usr/bin/env python3
"""Served-model throughput: N (default 1,000) requests to a local OpenAI-compatible server that answers
after a fixed latency (default 200 ms) with 256 slots, whole-command wall time against the physical limit
N x latency / concurrency, at concurrency 32, 64, 128 and 256. Ours (`--model openai_compat`, this repo's
.venv) side by side with lmms-eval 0.7.3's `openai` model ($PEER_VENV, default .peer/venv: benchmarks/peer_setup.sh).

    python benchmarks/api_throughput.py                     # both sides, 3 repeats, median reported
    python benchmarks/api_throughput.py --side ours --concurrency 32,256 --repeats 5
    python benchmarks/api_throughput.py --faults            # also the 5% persistent-failure comparison

The server is the project's fault-injecting server (lmms_eval/testing/fault_server.py), started once per
scenario in its own process; it answers "Reply with i" prompts with "i", so both sides must score 1.0.
Per run it reports (GET /stats) the request phase: first request received to last answer sent. The
whole command is timed from process start to exit. Everything else lives in benchmarks/.work/ (ignored).
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import glob
import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peer_common import PEER_BIN, offline_env, write_peer_text_task

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work" / "api"
OURS_PY = REPO / ".venv" / "bin" / "python"
TASK = "bench_api_reply"


def write_data(n: int) -> Path:
    path = WORK / "data" / f"{TASK}_{n}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"q{i}", "question": f"Item {i}. Reply with {i}", "answer": str(i)}) + "\n")
    return path


def write_ours_task(data: Path) -> Path:
    folder = WORK / "ours_tasks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{TASK}.yaml").write_text(
        f"""task: {TASK}
dataset:
  local: {{path: {json.dumps(str(data))}}}
doc_id: id
prompt:
  user:
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
generation: {{max_new_tokens: 16}}
extractor: identity
metrics: [{{name: exact_match}}]
"""
    )
    return folder


def write_peer_task(data: Path) -> Path:
    return write_peer_text_task(WORK / "peer_tasks", TASK, data, max_new_tokens=16)


class Server:
    """The fault server in its own process (our venv), on a free port."""

    def __init__(self, latency: float, slots: int, persistent_rate: float = 0.0) -> None:
        cmd = [str(OURS_PY), "-m", "lmms_eval.testing.fault_server", "--latency", str(latency),
               "--slots", str(slots), "--persistent_rate", str(persistent_rate)]  # fmt: skip
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = json.loads(self.proc.stdout.readline())["listening"]
        self.root = self.url.removesuffix("/v1")

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.root + "/reset", method="POST"), timeout=10).read()

    def stats(self) -> dict[str, Any]:
        return json.loads(urllib.request.urlopen(self.root + "/stats", timeout=10).read())

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def bench_env() -> dict[str, str]:
    return offline_env(WORK / "hf_home", OPENAI_API_KEY="EMPTY")


@dataclass
class Run:
    wall_s: float
    phase_s: float
    requests: int
    peak: int
    score: float | None
    errors: int | None


def ours_cmd(url: str, c: int, tasks: Path, out: Path) -> list[str]:
    return [str(OURS_PY), "-m", "lmms_eval", "--model", "openai_compat",
            "--model_args", f"base_url={url},model=bench,num_concurrent={c}",
            "--tasks", TASK, "--include_path", str(tasks), "--output_path", str(out),
            "--max_errors", "100%"]  # fmt: skip


def peer_cmd(url: str, c: int, tasks: Path, out: Path) -> list[str]:
    # adaptive_max_concurrency defaults to 128 and caps num_concurrent: raise it so each setting is honoured
    return [str(PEER_BIN), "--model", "openai",
            "--model_args", f"model_version=bench,base_url={url},api_key=EMPTY,num_concurrent={c},"
            f"adaptive_max_concurrency={c}",
            "--tasks", TASK, "--include_path", str(tasks), "--output_path", str(out), "--batch_size", "1"]  # fmt: skip


def ours_score(out: Path) -> tuple[float | None, int | None]:
    files = sorted(glob.glob(str(out / "**" / "results.json"), recursive=True))
    if not files:
        return None, None
    res = json.loads(Path(files[-1]).read_text())
    task = res["results"][TASK]
    return task["metrics"]["exact_match"]["value"], task.get("errors", res["usage"]["requests_failed"])


def peer_score(out: Path) -> tuple[float | None, int | None]:
    files = sorted(glob.glob(str(out / "**" / "*results.json"), recursive=True))
    if not files:
        return None, None
    res = json.loads(Path(files[-1]).read_text())
    return res["results"][TASK]["exact_match,none"], None  # the peer has no error count: failures are scored


def run(side: str, server: Server, c: int, tasks: Path, log: Path, baseline: Path | None = None) -> Run:
    """One whole command; side "base" is ours from another checkout (``baseline``, on PYTHONPATH)."""
    out = WORK / f"{side}_out"
    shutil.rmtree(out, ignore_errors=True)
    server.reset()
    ours = side in ("ours", "base")
    cmd = ours_cmd(server.url, c, tasks, out) if ours else peer_cmd(server.url, c, tasks, out)
    cwd = REPO if ours else WORK  # the peer runs outside the repo so ./lmms_eval cannot shadow it
    env = {**bench_env(), **({"PYTHONPATH": str(baseline)} if side == "base" and baseline else {})}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as fh:
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT).returncode
        wall = time.perf_counter() - t0
    stats = server.stats()
    score, errors = ours_score(out) if ours else peer_score(out)
    if rc not in (0, 1) or score is None:
        raise RuntimeError(f"{side} run failed (exit {rc}); see {log}")
    return Run(wall, stats["span_s"] or float("nan"), stats["requests"], stats["peak_in_flight"], score, errors)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--side", choices=["both", "ours", "peer"], default="both")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--slots", type=int, default=256)
    ap.add_argument("--concurrency", default="32,64,128,256")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--faults", action="store_true", help="also run both sides with 5%% persistent failures")
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="also run another checkout of ours (e.g. `git worktree add /tmp/base HEAD~1`) with the "
                         "same venv and PYTHONPATH=that folder, as side `base`: before/after a change")
    a = ap.parse_args()
    sides = ["ours", "peer"] if a.side == "both" else [a.side]
    if a.baseline_src is not None:
        sides.insert(1, "base")
    if "peer" in sides and not PEER_BIN.exists():
        print(f"peer not installed at {PEER_BIN}: run benchmarks/peer_setup.sh", file=sys.stderr)
        return 2
    data = write_data(a.n)
    tasks = {"ours": write_ours_task(data), "peer": write_peer_task(data)}
    tasks["base"] = tasks["ours"]
    server = Server(a.latency, a.slots)
    rows = []
    try:
        for c in [int(x) for x in a.concurrency.split(",")]:
            limit = a.n * a.latency / c
            for side in sides:
                runs = [run(side, server, c, tasks[side], WORK / "logs" / f"{side}_c{c}_{i}.log", a.baseline_src)
                        for i in range(a.repeats)]
                for r in runs:
                    if r.score != 1.0 or r.requests != a.n:
                        raise RuntimeError(f"{side} c={c}: score {r.score}, {r.requests} requests (want 1.0, {a.n})")
                wall = statistics.median(r.wall_s for r in runs)
                phase = statistics.median(r.phase_s for r in runs)
                rows.append((c, side, limit, wall, phase, max(r.peak for r in runs), [round(r.wall_s, 2) for r in runs]))
                print(f"c={c:<4} {side:<5} wall {wall:6.2f} s = {wall / limit:5.2f}x limit ({limit:.2f} s); "
                      f"request phase {phase:5.2f} s = {a.n / phase:6.0f} req/s ({phase / limit:4.2f}x); "
                      f"peak in flight {rows[-1][5]}; runs {rows[-1][6]}", flush=True)
    finally:
        server.close()

    if a.faults:
        server = Server(0.0, a.slots, persistent_rate=0.05)
        try:
            failing = None
            for side in sides:
                r = run(side, server, 32, tasks[side], WORK / "logs" / f"{side}_faults.log", a.baseline_src)
                print(f"5% persistent failures, {side}: score {r.score:.4f}, errors reported {r.errors}, "
                      f"requests sent {r.requests}", flush=True)
                failing = failing or sum(1 for i in range(a.n) if _persistent(str(i), 0.05))
            print(f"({failing} of {a.n} prompts fail on every attempt; a run that scores them would show "
                  f"{(a.n - (failing or 0)) / a.n:.4f})")
        finally:
            server.close()
    return 0


def _persistent(key: str, rate: float) -> bool:
    sys.path.insert(0, str(REPO))
    from lmms_eval.testing.fault_server import FaultConfig, FaultServer

    return FaultServer(FaultConfig(persistent_rate=rate)).persistent_failure(key)


if __name__ == "__main__":
    sys.exit(main())
