#!/usr/bin/env python3
"""Framework-overhead benchmark: N (default 20,000) short text-only docs through the `dummy`
model, end to end, whole-command wall time. Ours (the repository's .venv) vs the peer (PyPI
lmms-eval==0.7.3 in $PEER_VENV, default .peer/venv, created by benchmarks/peer_setup.sh).

    python benchmarks/overhead.py                    # both sides, 5 repeats
    python benchmarks/overhead.py --side peer --repeats 3 --batch-sizes 1,64

Everything is generated under benchmarks/.work/ (git-ignored):
    data/bench_overhead_text.jsonl   N rows {"id", "question", "answer"}; every 4th answer is "A"
    peer_tasks/bench_overhead_text.yaml + utils.py     peer task (lmms-eval 0.7.3 schema)
    ours_tasks/bench_overhead_text.yaml                OUR task -- see write_ours_task()
    {peer,ours}_out/                 output dirs, deleted before every run (no result/cache reuse)
    {peer,ours}_hf_home/             HF_HOME, deleted before every run by default (the peer's
                                     `datasets` JSON->Arrow cache is NOT reused; --warm-hf-cache keeps it)
    logs/                            stdout+stderr of every run

Verification: after each run the results JSON is read. For the peer, n-samples.effective must
equal N, and exact_match must equal the share of answers equal to the dummy's reply "A"
(0.25). The `--log_samples` peer variant additionally counts lines in its samples file.
All runs are offline (HF_*_OFFLINE=1); nothing talks to the network.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from peer_common import PEER_BIN, offline_env, write_peer_text_task

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"
OURS_BIN = REPO / ".venv" / "bin" / "lmms-eval"
TASK = "bench_overhead_text"
DUMMY_REPLY = "A"  # what the peer's dummy model returns for every generate_until request


# --------------------------------------------------------------------------- data
def write_dataset(workdir: Path, n: int) -> Path:
    """N short question/answer rows; every 4th answer is "A" so the dummy scores exactly 0.25."""
    path = workdir / "data" / f"{TASK}.jsonl"
    meta = path.with_suffix(".meta.json")
    if path.exists() and meta.exists() and json.loads(meta.read_text()).get("n") == n:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            a, b = i % 97, i % 13
            answer = DUMMY_REPLY if i % 4 == 0 else str(a + b)
            fh.write(json.dumps({"id": i, "question": f"Q{i}: what is {a} plus {b}?", "answer": answer}) + "\n")
    meta.write_text(json.dumps({"n": n}))
    return path


def expected_exact_match(n: int) -> float:
    return sum(1 for i in range(n) if i % 4 == 0) / n


# --------------------------------------------------------------------------- peer task
def write_peer_task(workdir: Path, data: Path) -> Path:
    return write_peer_text_task(workdir / "peer_tasks", TASK, data, max_new_tokens=16, until="\\n")


# --------------------------------------------------------------------------- OUR task
def write_ours_task(workdir: Path, data: Path | None = None) -> Path:
    """Write OUR task YAML for `bench_overhead_text`; return the --include_path directory."""
    data = data or (workdir / "data" / f"{TASK}.jsonl")
    tdir = workdir / "ours_tasks"
    tdir.mkdir(parents=True, exist_ok=True)
    (tdir / f"{TASK}.yaml").write_text(
        f"""task: {TASK}
dataset:
  local: {{path: {json.dumps(str(data.resolve()))}}}   # absolute; relative would resolve against this YAML
prompt:
  user:
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
generation: {{max_new_tokens: 16}}
extractor: identity
metrics: [{{name: exact_match}}]
""",
        encoding="utf-8",
    )
    return tdir


# --------------------------------------------------------------------------- running
def bench_env(hf_home: Path) -> dict[str, str]:
    return offline_env(hf_home)


@dataclass
class Run:
    wall_s: float
    maxrss_mb: float
    rc: int
    check: str = ""


@dataclass
class Variant:
    side: str
    label: str
    cmd: list[str]
    out_dir: Path
    hf_home: Path
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)


def run_once(cmd: list[str], cwd: Path, env: dict[str, str], log: Path, timeout: float = 1800) -> Run:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
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
    return Run(wall, ru.ru_maxrss / 1024.0, proc.returncode)


def count_lines(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def verify_peer(out_dir: Path, n: int, want_samples: bool) -> str:
    files = sorted(glob.glob(str(out_dir / "**" / "*results.json"), recursive=True))
    if not files:
        raise RuntimeError(f"no *results.json under {out_dir}")
    res = json.loads(Path(files[-1]).read_text())
    ns = res["n-samples"][TASK]
    em = res["results"][TASK]["exact_match,none"]
    if ns["effective"] != n or ns["original"] != n:
        raise RuntimeError(f"n-samples {ns} != {n}")
    if abs(em - expected_exact_match(n)) > 1e-9:
        raise RuntimeError(f"exact_match {em} != expected {expected_exact_match(n)}")
    msg = f"n-samples={ns['effective']} exact_match={em:.4f}"
    if want_samples:
        sfiles = glob.glob(str(out_dir / "**" / f"*samples_{TASK}*.jsonl"), recursive=True)
        lines = sum(count_lines(f) for f in sfiles)
        if lines != n:
            raise RuntimeError(f"samples files {sfiles} hold {lines} lines, want {n}")
        resps = set()
        with open(sfiles[0], encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                resps.update(map(str, row.get("filtered_resps", [])))
        msg += f" sample-lines={lines} responses={sorted(resps)[:3]}"
    return msg


def verify_ours(out_dir: Path, n: int) -> str:
    """Our run must have scored all N docs with no error, written N sample lines, and (answering "A" like
    the peer's dummy) reached exactly the same exact_match."""
    files = sorted(glob.glob(str(out_dir / "**" / "results.json"), recursive=True))
    if not files:
        raise RuntimeError(f"no results.json under {out_dir}")
    r = json.loads(Path(files[-1]).read_text())["results"][TASK]
    em = r["metrics"]["exact_match"]["value"]
    if (r["n_docs"], r["n_scored"], r["n_errors"]) != (n, n, 0):
        raise RuntimeError(f"ours: n_docs={r['n_docs']} n_scored={r['n_scored']} n_errors={r['n_errors']}, want {n}")
    if abs(em - expected_exact_match(n)) > 1e-9:
        raise RuntimeError(f"ours: exact_match {em} != expected {expected_exact_match(n)}")
    sample_lines = sum(count_lines(f) for f in glob.glob(str(out_dir / "**" / f"samples_{TASK}.jsonl"), recursive=True))
    if sample_lines != n:
        raise RuntimeError(f"ours: {sample_lines} sample lines, want {n}")
    return f"n_scored={r['n_scored']} exact_match={em:.4f} sample-lines={sample_lines}"


def measure(v: Variant, n: int, repeats: int, warmup: int, fresh_hf: bool) -> None:
    safe = "".join(c if c.isalnum() else "_" for c in v.label).strip("_")
    for i in range(warmup + repeats):
        shutil.rmtree(v.out_dir, ignore_errors=True)
        if fresh_hf:
            shutil.rmtree(v.hf_home, ignore_errors=True)
        log = WORK / "logs" / f"overhead_{v.side}_{safe}_{i}.log"
        r = run_once(v.cmd, v.cwd, {**bench_env(v.hf_home), **v.env}, log)
        if r.rc != 0:
            v.error = f"exit {r.rc} (log: {log})\n" + log.read_text(errors="replace")[-1500:]
            return
        try:
            r.check = (verify_peer(v.out_dir, n, "--log_samples" in v.cmd) if v.side == "peer"
                       else verify_ours(v.out_dir, n))
        except Exception as e:  # noqa: BLE001
            if v.side == "peer":
                v.error = f"verification failed: {e} (log: {log})"
                return
            r.check = f"verification: {e}"
        tag = "warm-up" if i < warmup else f"run {i - warmup + 1}/{repeats}"
        print(f"  {v.side:4} {v.label:34} {tag:9} {r.wall_s:7.2f}s  RSS {r.maxrss_mb:5.0f} MB  {r.check}",
              file=sys.stderr, flush=True)
        if i >= warmup:
            v.runs.append(r)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000, help="docs in the dataset")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (pyc compile, page cache)")
    ap.add_argument("--side", choices=["both", "peer", "ours"], default="both")
    ap.add_argument("--batch-sizes", default="1,64", help="peer batch sizes (ours always uses 64)")
    ap.add_argument("--peer-log-samples", action="store_true",
                    help="also time the peer with --log_samples (ours writes samples by default)")
    ap.add_argument("--warm-hf-cache", action="store_true",
                    help="keep the peer's HF datasets cache between runs (default: fresh each run)")
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="also time another checkout of ours (e.g. `git worktree add /tmp/base HEAD~1`), run with "
                         "the same venv and PYTHONPATH=that folder: before/after a change, side by side")
    a = ap.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    data = write_dataset(WORK, a.n)
    peer_tasks = write_peer_task(WORK, data)
    ours_tasks = write_ours_task(WORK, data)

    variants: list[Variant] = []
    if a.side in ("both", "peer"):
        if not PEER_BIN.exists():
            print(f"!! peer not installed at {PEER_BIN}: run benchmarks/peer_setup.sh", file=sys.stderr)
        else:
            bss = [b.strip() for b in a.batch_sizes.split(",") if b.strip()]
            extra = [(bs, []) for bs in bss]
            if a.peer_log_samples:
                extra.append((bss[-1], ["--log_samples"]))
            for bs, more in extra:
                out = WORK / "peer_out"
                cmd = [str(PEER_BIN), "--model", "dummy", "--tasks", TASK, "--include_path", str(peer_tasks),
                       "--output_path", str(out), "--batch_size", bs, *more]
                # cwd = .work so the repo's ./lmms_eval can never shadow the peer package
                variants.append(Variant("peer", f"--batch_size {bs} {' '.join(more)}".strip(), cmd, out,
                                        WORK / "peer_hf_home", WORK))
    if a.side in ("both", "ours"):
        out = WORK / "ours_out"
        cmd = [str(OURS_BIN), "run", "--model", "dummy", "--model_args", "mode=constant,response=A", "--tasks", TASK,
               "--include_path", str(ours_tasks.relative_to(REPO)),
               "--output_path", str(out.relative_to(REPO)), "--batch_size", "64"]
        variants.append(Variant("ours", "run --batch_size 64", cmd, out, WORK / "ours_hf_home", REPO))
        if a.baseline_src is not None:
            src = a.baseline_src.resolve()
            rev = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip() or src.name
            variants.append(Variant("base", f"run --batch_size 64 @ {rev}", cmd, out, WORK / "ours_hf_home", REPO,
                                    env={"PYTHONPATH": str(src)}))

    for v in variants:
        if v.side == "ours" and not OURS_BIN.exists():
            v.error = f"{OURS_BIN} not found"
        else:
            print(f"[{v.side}] {' '.join(v.cmd)}", file=sys.stderr, flush=True)
            measure(v, a.n, a.repeats, a.warmup, fresh_hf=not a.warm_hf_cache)
        if v.error:
            print(f"!! {v.side} `{v.label}` FAILED: {v.error}\n", file=sys.stderr, flush=True)

    ours = next((v for v in variants if v.side == "ours"), None)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nOverhead: {a.n} text docs through `dummy`, whole command, {a.repeats} runs after {a.warmup} "
          f"warm-up; fresh output dir{'' if a.warm_hf_cache else ' and HF cache'} each run; "
          f"{os.cpu_count()} cores; load avg at end: {load}\n")
    print("| side | variant | median s | min s | peak RSS MB | docs/s (median) | median vs ours | min vs ours |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for v in variants:
        if not v.ok:
            print(f"| {v.side} | {v.label} | FAIL | FAIL | - | - | n/a | n/a |")
            continue
        med = statistics.median(r.wall_s for r in v.runs)
        mn = min(r.wall_s for r in v.runs)
        rss = max(r.maxrss_mb for r in v.runs)
        if ours is not None and ours.ok and v is not ours:
            omed = statistics.median(r.wall_s for r in ours.runs)
            omin = min(r.wall_s for r in ours.runs)
            rmed, rmin = f"{med / omed:.1f}x", f"{mn / omin:.1f}x"
        else:
            rmed = rmin = "1.0x" if v is ours else "n/a"
        print(f"| {v.side} | {v.label} | {med:.2f} | {mn:.2f} | {rss:.0f} | {a.n / med:,.0f} | {rmed} | {rmin} |")
    if ours is not None and not ours.ok:
        print(f"\nNOTE: ours failed ({(ours.error or '').splitlines()[0]}); peer numbers above are still valid.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
