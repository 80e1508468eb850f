#!/usr/bin/env python3
"""Throughput of the generic Hugging Face backend on tiny random-weight models, by batch size.

    python benchmarks/hf_throughput.py                  # ours only, in-process (~4-5 min on 2 cores)
    python benchmarks/hf_throughput.py --peer           # + whole-command llava_hf vs PyPI lmms-eval 0.7.3
    python benchmarks/hf_throughput.py --families llava_hf --batch-sizes 1,8 --repeats 1

What is measured
----------------
For each tiny family (``qwen2_vl``, ``llava_hf``, ``idefics3``, ``smolvlm`` on the bundled image task
``nlvr_dev``; ``qwen2_audio`` on the bundled audio task ``fsdd_digits``) the first 64 docs are evaluated
in-process with ``lmms_eval.engine.evaluator.evaluate`` at batch size 1, 4 and 8, greedy,
``max_new_tokens=8``: 1 warm-up run + 3 timed runs per batch size, each with a FRESH output folder (so the
journal never answers from cache). The figure is ``samples/s = 64 / timings.model_s``: the model phase
(media decode overlapped with generation, ``generate()`` itself and the journal commits), not model
loading, planning or scoring. The table shows the median of the timed runs.

Fair-measure settings, the same for every run: ``torch.set_num_threads(THREADS)`` (default 2 = the cores of
the development machine) in-process; ``OMP_NUM_THREADS=THREADS`` for every child command (ours and peer);
``prefetch_workers`` left at its default (4 decode threads); float32 on CPU.

The models
----------
Built once from config by ``tests/models/hf/tiny_models.py`` (``FAMILIES[alias](dir)``) into
``benchmarks/.work/tiny/<family>`` (git-ignored). As built, their weights are so small (init std 0.02)
that greedy decoding ignores the input and emits the same string for every doc ("::::::::" or ""), which
would make the "same outputs at every batch size" check vacuous. So every weight matrix (every parameter
with >= 2 dims; norms and biases untouched) is re-drawn once from N(0, REINIT_STD=0.2) with a fixed seed and
saved back (``--no-reinit`` keeps the stock weights). The re-drawn models give a different answer for
(almost) every doc, so padding/batching bugs become visible as mismatches. Shapes, and so compute per token,
are unchanged.

Greedy check: for every family the responses of every timed run (``samples_<task>.jsonl``, keyed by
``doc_id``) must be identical across all batch sizes and repeats.

Peer comparison (``--peer``)
----------------------------
PyPI lmms-eval 0.7.3 in $PEER_VENV (default .peer/venv; ``bash benchmarks/peer_setup.sh``), model ``llava_hf`` on the SAME
tiny llava_hf checkpoint, over the same 64 NLVR items through a minimal peer task written to
``benchmarks/.work/peer_tasks_img/`` (data: ``benchmarks/.work/peer_data/nlvr_dev.jsonl``, the four fields
of the bundled ``dev.json``; images read from the bundled PNGs). Both sides are timed as whole commands
(``time.perf_counter`` around ``subprocess.run``: interpreter start, imports, model load, data, generation,
scoring, writing), run from cwd ``benchmarks/.work`` (so our source tree cannot shadow the peer's package),
offline (HF_HUB_OFFLINE=1, HF_DATASETS_OFFLINE=1), 1 warm-up + ``--peer-repeats`` timed runs, fresh output
folder each. The peer exits 0 even when the evaluation fails, so success = a ``*_results.json`` exists.
The "model phase" column is what each side reports itself, NOT the same quantity: ours is
``timings.model_s`` (media decode + generate + journal), the peer's is its logged "Total elapsed time"
(the sum of its ``generate()`` calls only, without image loading or preprocessing).

The peer's documented command does not run as is on this setup; the script first records, once each:
  1. the plain command (``pretrained=<dir>,device=cpu``): the import of ``decord`` fails (the peer's
     llava_hf imports it at module level, for video only; decord is not installed in the peer venv);
  2. with a stub ``decord`` module on PYTHONPATH (``benchmarks/.work/peer_shims/decord.py``, images only):
     ``from_pretrained(device_map="")`` (the peer's default) is rejected by transformers 5;
then times the working variant (stub + ``device_map=cpu``) at each ``--peer-batch-sizes`` (default 1,8).
Its llava_hf asserts ``batch_size_per_gpu == 1`` in generate_until, so batch 8 fails; the error line is
reported instead of a time. Peer answers at batch 1 are compared doc by doc with ours (same checkpoint,
same prompt text through each side's chat template).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from peer_common import PEER_VENV

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"
TINY = WORK / "tiny"
RUNS = WORK / "hf_runs"
OURS_BIN = REPO / ".venv" / "bin" / "lmms-eval"
PEER_BIN = PEER_VENV / "bin" / "lmms-eval"
NLVR = REPO / "lmms_eval" / "data" / "sample" / "nlvr" / "dev"
PEER_TASK = "bench_nlvr_dev"

TASK_OF = {
    "qwen2_vl": "nlvr_dev",
    "llava_hf": "nlvr_dev",
    "idefics3": "nlvr_dev",
    "smolvlm": "nlvr_dev",
    "qwen2_audio": "fsdd_digits",
}
REINIT_STD = 0.2
REINIT_SEED = 0


# --------------------------------------------------------------------------- machine load
def _busy_s() -> float:
    """Busy CPU seconds of the whole machine so far (all cores, /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] if len(f) > 7 else 0)) / os.sysconf("SC_CLK_TCK")


def _own_s() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuMeter:
    """How many cores OTHER processes kept busy while we measured: (machine busy - our own CPU) / wall.

    Our own CPU includes this process's threads and every waited-for child (the whole-command runs).
    """

    def __init__(self) -> None:
        self.t, self.busy, self.own = time.perf_counter(), _busy_s(), _own_s()

    def foreign_cores(self) -> float:
        wall = time.perf_counter() - self.t
        return max(0.0, (_busy_s() - self.busy) - (_own_s() - self.own)) / wall if wall > 0 else 0.0


# --------------------------------------------------------------------------- tiny models
def build_tiny(family: str, reinit: bool) -> Path:
    """Build ``family`` once into benchmarks/.work/tiny/<family> (re-drawing its weights unless told not to)."""
    out = TINY / family
    marker = out / ".bench_weights.json"
    want = {"reinit_std": REINIT_STD if reinit else None, "seed": REINIT_SEED}
    if marker.exists() and json.loads(marker.read_text()) == want:
        return out
    sys.path.insert(0, str(REPO / "tests" / "models" / "hf"))
    import tiny_models  # noqa: E402  (tests/models/hf is not a package)

    if out.exists():
        shutil.rmtree(out)
    tiny_models.FAMILIES[family](out)
    if reinit:
        tiny_models.redraw_weights(out, family, std=REINIT_STD, seed=REINIT_SEED)
    marker.write_text(json.dumps(want))
    return out


# --------------------------------------------------------------------------- ours, in-process
@dataclass
class OursRun:
    model_s: float
    total_s: float
    output_tokens: int
    responses: dict[str, str]


def samples_file(run_dir: Path, task: str) -> Path:
    return run_dir / f"samples_{task}.jsonl"


def read_responses(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                if rec.get("error"):
                    raise RuntimeError(f"{path}: doc {rec['doc_id']} failed: {rec['error']}")
                out[str(rec["doc_id"])] = rec["response"]
    return out


def run_ours_inprocess(family: str, model_dir: Path, bs: int, n: int, max_new: int, tag: str) -> OursRun:
    from lmms_eval.engine.config import RunConfig
    from lmms_eval.engine.evaluator import evaluate

    task = TASK_OF[family]
    out = RUNS / "ours_inproc" / family / f"bs{bs}_{tag}"
    if out.exists():
        shutil.rmtree(out)
    outcome = evaluate(
        RunConfig(
            model=family,
            model_args={"pretrained": str(model_dir)},
            tasks=[task],
            limit=n,
            batch_size=bs,
            output_path=str(out),
            gen_kwargs={"max_new_tokens": max_new},
            verbosity="WARNING",
        )
    )
    res = outcome.results
    if res.status != "success" and res.results[task].n_errors:
        raise RuntimeError(f"{family} bs{bs}: {res.failure_reason}")
    responses = read_responses(samples_file(outcome.run_dir, task))
    if len(responses) != n:
        raise RuntimeError(f"{family} bs{bs}: {len(responses)} responses, expected {n}")
    return OursRun(res.timings.model_s, res.timings.total_s, res.usage.output_tokens, responses)


@dataclass
class FamilyResult:
    family: str
    task: str
    runs: dict[int, list[OursRun]] = field(default_factory=dict)
    load: tuple[float, float] = (0.0, 0.0)
    foreign: float = 0.0
    error: str | None = None

    def sps(self, bs: int, n: int) -> float:
        return n / statistics.median(r.model_s for r in self.runs[bs])

    def greedy_check(self) -> tuple[bool, str]:
        ref_bs = min(self.runs)
        ref = self.runs[ref_bs][0].responses
        bad: dict[str, tuple[int, str, str]] = {}
        for bs, runs in self.runs.items():
            for r in runs:
                for doc, text in r.responses.items():
                    if ref.get(doc) != text:
                        bad.setdefault(doc, (bs, ref.get(doc, "<missing>"), text))
        distinct = len(set(ref.values()))
        if not bad:
            return True, f"identical ({len(ref)} docs, {distinct} distinct answers)"
        doc, (bs, a, b) = next(iter(bad.items()))
        return False, f"{len(bad)}/{len(ref)} docs differ, e.g. doc {doc}: bs{ref_bs} {a!r} vs bs{bs} {b!r}"


def bench_ours(args: argparse.Namespace) -> list[FamilyResult]:
    import torch

    torch.set_num_threads(args.threads)
    results: list[FamilyResult] = []
    for family in args.families:
        fr = FamilyResult(family, TASK_OF[family])
        load0 = os.getloadavg()[0]
        meter = CpuMeter()
        try:
            model_dir = build_tiny(family, not args.no_reinit)
            for bs in args.batch_sizes:
                for i in range(args.warmup):
                    run_ours_inprocess(family, model_dir, bs, args.n, args.max_new_tokens, f"warm{i}")
                fr.runs[bs] = [
                    run_ours_inprocess(family, model_dir, bs, args.n, args.max_new_tokens, f"run{i}")
                    for i in range(args.repeats)
                ]
                times = ", ".join(f"{r.model_s:.2f}" for r in fr.runs[bs])
                print(
                    f"  {family:12s} bs{bs}: model_s [{times}] -> {fr.sps(bs, args.n):.1f} samples/s"
                    f" ({fr.runs[bs][0].output_tokens} output tokens)",
                    flush=True,
                )
        except Exception as exc:  # a family that breaks is a result, not a crash of the whole benchmark
            fr.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            print(f"  {family}: FAILED {fr.error}", flush=True)
        fr.load = (load0, os.getloadavg()[0])
        fr.foreign = meter.foreign_cores()
        results.append(fr)
    return results


def print_ours(results: list[FamilyResult], args: argparse.Namespace) -> None:
    bss = args.batch_sizes
    lo, hi = min(bss), max(bss)
    print(
        f"\n### Ours, in-process: samples/s = {args.n} / model_s (median of {args.repeats}, "
        f"{args.warmup} warm-up), torch threads {args.threads}, max_new_tokens {args.max_new_tokens}\n"
    )
    head = (
        ["family", "task"]
        + [f"bs{b} samples/s" for b in bss]
        + [f"bs{hi}/bs{lo}", "greedy outputs across bs", "load 1m (start/end)", "other procs, cores"]
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(["---"] * 2 + ["---:"] * (len(bss) + 1) + ["---", "---", "---:"]) + "|")
    for fr in results:
        load = f"{fr.load[0]:.2f} / {fr.load[1]:.2f} | {fr.foreign:.2f}"
        if fr.error or any(b not in fr.runs for b in bss):
            cells = [fr.family, fr.task] + ["-"] * (len(bss) + 1) + [f"FAILED: {fr.error}", load]
        else:
            ok, msg = fr.greedy_check()
            cells = [fr.family, fr.task] + [f"{fr.sps(b, args.n):.1f}" for b in bss]
            cells += [
                f"{fr.sps(hi, args.n) / fr.sps(lo, args.n):.2f}x",
                ("OK " if ok else "MISMATCH ") + msg,
                load,
            ]
        print("| " + " | ".join(cells) + " |")


# --------------------------------------------------------------------------- whole commands
def child_env(threads: int, extra_pythonpath: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HF_HOME=str(WORK / "hf_throughput_hf_home"),
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        WANDB_MODE="disabled",
        TOKENIZERS_PARALLELISM="false",
        OMP_NUM_THREADS=str(threads),
        PYTHONWARNINGS="ignore",
    )
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    if extra_pythonpath:
        env["PYTHONPATH"] = extra_pythonpath
    return env


@dataclass
class CmdRun:
    wall_s: float
    rc: int
    ok: bool
    error_line: str = ""
    log: Path | None = None
    inner_s: float | None = None  # ours: timings.model_s; peer: its logged generate() total
    foreign: float = 0.0  # cores kept busy by other processes during the run


_ERR = re.compile(r"^\s*(?:[\w.]+(?:Error|Exception)|AssertionError|KeyboardInterrupt)\b.*")


def last_error_line(log: Path) -> str:
    text = log.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    lines = [ln.strip() for ln in text.splitlines() if _ERR.match(ln)]
    return lines[-1][:300] if lines else "(no exception line; see log)"


def run_cmd(
    cmd: list[str], env: dict[str, str], out_dir: Path, log: Path, ok_glob: str, timeout: float
) -> CmdRun:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    log.parent.mkdir(parents=True, exist_ok=True)
    meter = CpuMeter()
    with open(log, "wb") as fh:
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd,
                cwd=WORK,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=timeout,
            )
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            rc = -9
        wall = time.perf_counter() - t0
    ok = bool(glob.glob(str(out_dir / ok_glob), recursive=True))
    run = CmdRun(wall, rc, ok, "" if ok else last_error_line(log), log, foreign=meter.foreign_cores())
    if ok:
        run.inner_s = inner_time(out_dir, log)
    return run


def inner_time(out_dir: Path, log: Path) -> float | None:
    """The model-phase time each side reports itself: ours ``timings.model_s`` (media decode + generate +
    journal), the peer's "Total elapsed time" metric (the sum of its ``generate()`` calls only)."""
    ours = glob.glob(str(out_dir / "**" / "results.json"), recursive=True)
    if ours:
        return float(json.loads(Path(ours[0]).read_text(encoding="utf-8"))["timings"]["model_s"])
    m = re.findall(r"Total elapsed time: ([0-9.]+)s", log.read_text(encoding="utf-8", errors="replace"))
    return float(m[-1]) if m else None


def write_peer_task() -> Path:
    """Minimal lmms-eval 0.7.3 task over the bundled NLVR dev items (same order, same prompt text)."""
    data = WORK / "peer_data" / "nlvr_dev.jsonl"
    data.parent.mkdir(parents=True, exist_ok=True)
    with open(NLVR / "dev.json", encoding="utf-8") as src, open(data, "w", encoding="utf-8") as dst:
        for line in src:
            if line.strip():
                d = json.loads(line)
                dst.write(
                    json.dumps({k: d[k] for k in ("sentence", "label", "identifier", "directory")}) + "\n"
                )
    tdir = WORK / "peer_tasks_img"
    tdir.mkdir(parents=True, exist_ok=True)
    (tdir / f"{PEER_TASK}.yaml").write_text(
        f"""task: {PEER_TASK}
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_visual: !function utils.doc_to_visual
doc_to_text: !function utils.doc_to_text
doc_to_target: label
generation_kwargs:
  max_new_tokens: 8
  temperature: 0
  do_sample: false
process_results: !function utils.process_results
metric_list:
  - metric: accuracy
    aggregation: mean
    higher_is_better: true
metadata:
  version: 0.0
""",
        encoding="utf-8",
    )
    (tdir / "utils.py").write_text(
        f"""from PIL import Image

ROOT = {str(NLVR)!r}


def doc_to_visual(doc):
    with Image.open(f"{{ROOT}}/images/{{doc['directory']}}/dev-{{doc['identifier']}}-0.png") as im:
        return [im.convert("RGB")]


def doc_to_text(doc):
    # the same text as our nlvr_dev prompt (lmms_eval/tasks/catalog/nlvr/nlvr_dev.yaml)
    return (f'Statement: "{{doc["sentence"]}}"\\n'
            "Is the statement true or false about the image? Answer with one word: true or false.")


def process_results(doc, results):
    return {{"accuracy": float(results[0].strip().lower().startswith(doc["label"]))}}
""",
        encoding="utf-8",
    )
    shims = WORK / "peer_shims"
    shims.mkdir(parents=True, exist_ok=True)
    (shims / "decord.py").write_text(
        '"""Stub for the peer\'s module-level `from decord import VideoReader, cpu` (used for video only)."""\n\n\n'
        "class VideoReader:\n"
        "    def __init__(self, *args, **kwargs):\n"
        '        raise RuntimeError("decord stub: video decoding is not available")\n\n\n'
        "def cpu(*args, **kwargs):\n"
        "    return None\n",
        encoding="utf-8",
    )
    return tdir


def peer_cmd(model_dir: Path, bs: int, n: int, out: Path, tdir: Path, device_map: bool) -> list[str]:
    margs = f"pretrained={model_dir},device=cpu" + (",device_map=cpu" if device_map else "")
    return [
        str(PEER_BIN),
        "--model",
        "llava_hf",
        "--model_args",
        margs,
        "--tasks",
        PEER_TASK,
        "--batch_size",
        str(bs),
        "--limit",
        str(n),
        "--include_path",
        str(tdir),
        "--output_path",
        str(out),
        "--log_samples",
    ]


def ours_cmd(model_dir: Path, bs: int, n: int, max_new: int, out: Path) -> list[str]:
    return [
        str(OURS_BIN),
        "run",
        "--model",
        "llava_hf",
        "--model_args",
        f"pretrained={model_dir}",
        "--tasks",
        "nlvr_dev",
        "--limit",
        str(n),
        "--batch_size",
        str(bs),
        "--gen_kwargs",
        f"max_new_tokens={max_new}",
        "--output_path",
        str(out),
    ]


def peer_responses(out: Path, n: int) -> dict[str, str]:
    """Peer samples keyed by our doc ids (the peer numbers docs 0..n-1 in file order)."""
    files = glob.glob(str(out / "**" / f"*_samples_{PEER_TASK}.jsonl"), recursive=True)
    ids = [
        json.loads(line)["identifier"]
        for line in (WORK / "peer_data" / "nlvr_dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    got: dict[str, str] = {}
    for line in Path(files[0]).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        resp = rec["filtered_resps"]
        while isinstance(resp, list):
            resp = resp[0] if resp else ""
        got[ids[int(rec["doc_id"])]] = resp
    return got


def ours_cmd_responses(out: Path) -> dict[str, str]:
    return read_responses(Path(glob.glob(str(out / "**" / "samples_nlvr_dev.jsonl"), recursive=True)[0]))


def bench_peer(args: argparse.Namespace) -> None:
    if not PEER_BIN.exists():
        print(f"\n!! peer not installed at {PEER_BIN}: run benchmarks/peer_setup.sh", file=sys.stderr)
        return
    model_dir = build_tiny("llava_hf", not args.no_reinit)
    tdir = write_peer_task()
    shim = str(WORK / "peer_shims")
    logs = RUNS / "logs"
    n = args.n
    timeout = args.cmd_timeout
    print(
        f"\n### Whole command, llava_hf on the same tiny checkpoint, {n} NLVR docs, "
        f"cwd {WORK}, OMP_NUM_THREADS={args.threads}\n",
        flush=True,
    )

    # 1-2: the peer as documented, then with the decord stub only: record why each fails
    diag: list[tuple[str, CmdRun]] = []
    for label, pp, dm in (
        ("peer, plain `pretrained=<dir>,device=cpu`", None, False),
        ("peer + decord stub", shim, False),
    ):
        out = RUNS / "peer_out" / f"diag{len(diag)}"
        r = run_cmd(
            peer_cmd(model_dir, 1, n, out, tdir, dm),
            child_env(args.threads, pp),
            out,
            logs / f"peer_diag{len(diag)}.log",
            "**/*_results.json",
            timeout,
        )
        diag.append((label, r))
        print(
            f"  {label} bs1: {'ok' if r.ok else 'FAILED'} in {r.wall_s:.1f}s rc={r.rc} {r.error_line}",
            flush=True,
        )

    rows: list[tuple[str, int, list[CmdRun]]] = []
    answers: dict[tuple[str, int], dict[str, str]] = {}
    for bs in args.peer_batch_sizes:
        for side in ("ours", "peer"):
            runs: list[CmdRun] = []
            for i in range(args.warmup + args.peer_repeats):
                out = RUNS / f"{side}_out" / f"bs{bs}_{i}"
                log = logs / f"{side}_bs{bs}_{i}.log"
                if side == "ours":
                    r = run_cmd(
                        ours_cmd(model_dir, bs, n, args.max_new_tokens, out),
                        child_env(args.threads),
                        out,
                        log,
                        "**/results.json",
                        timeout,
                    )
                else:
                    r = run_cmd(
                        peer_cmd(model_dir, bs, n, out, tdir, True),
                        child_env(args.threads, shim),
                        out,
                        log,
                        "**/*_results.json",
                        timeout,
                    )
                print(
                    f"  {side} bs{bs} run {i} [other procs {r.foreign:.2f} cores]{' (warm-up)' if i < args.warmup else ''}: "
                    f"{'ok' if r.ok else 'FAILED'} {r.wall_s:.1f}s rc={r.rc} {r.error_line}",
                    flush=True,
                )
                if r.ok and (side, bs) not in answers:
                    answers[(side, bs)] = (
                        ours_cmd_responses(out) if side == "ours" else peer_responses(out, n)
                    )
                if i >= args.warmup:
                    runs.append(r)
                if not r.ok:  # a deterministic failure: don't repeat it
                    runs = [r]
                    break
            rows.append((side, bs, runs))

    print(
        "\n| side | command | bs | wall s (median) | runs | model phase s (median) | other procs, cores | result |"
    )
    print("|---|---|---:|---:|---|---:|---:|---|")
    for label, r in diag:
        print(
            f"| peer | {label} | 1 | {r.wall_s:.1f} | 1 | - | {r.foreign:.2f} "
            f"| FAILED (rc={r.rc}): `{r.error_line}` |"
        )
    med: dict[tuple[str, int], float] = {}
    for side, bs, runs in rows:
        label = (
            "`lmms-eval run --model llava_hf`" if side == "ours" else "peer + decord stub + `device_map=cpu`"
        )
        if runs and all(r.ok for r in runs):
            med[(side, bs)] = statistics.median(r.wall_s for r in runs)
            walls = ", ".join(f"{r.wall_s:.1f}" for r in runs)
            inner = [r.inner_s for r in runs if r.inner_s is not None]
            inner_txt = f"{statistics.median(inner):.2f}" if inner else "?"
            print(
                f"| {side} | {label} | {bs} | {med[(side, bs)]:.1f} | {walls} | {inner_txt} "
                f"| {statistics.mean(r.foreign for r in runs):.2f} "
                f"| ok, {n / med[(side, bs)]:.2f} docs/s end to end |"
            )
        else:
            r = runs[-1]
            print(
                f"| {side} | {label} | {bs} | ({r.wall_s:.1f}) | 1 | - | {r.foreign:.2f} "
                f"| FAILED (rc={r.rc}): `{r.error_line}` |"
            )
    for bs in args.peer_batch_sizes:
        if ("ours", bs) in med and ("peer", bs) in med:
            print(f"\npeer/ours whole-command time at bs{bs}: {med[('peer', bs)] / med[('ours', bs)]:.1f}x")
    if ("ours", 1) in answers and ("peer", 1) in answers:
        a, b = answers[("ours", 1)], answers[("peer", 1)]
        same = sum(1 for d in a if b.get(d, None) is not None and b[d].strip() == a[d].strip())
        ex = next((d for d in a if b.get(d, "").strip() != a[d].strip()), None)
        print(
            f"answers ours vs peer at bs1 (same checkpoint, greedy): {same}/{len(a)} identical"
            + (f"; e.g. doc {ex}: ours {a[ex]!r} vs peer {b.get(ex)!r}" if ex else "")
        )
    print(f"logs: {logs}")


# --------------------------------------------------------------------------- main
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--families",
        default="qwen2_vl,llava_hf,idefics3,smolvlm,qwen2_audio",
        help=f"comma list from {sorted(TASK_OF)}",
    )
    ap.add_argument("--batch-sizes", default="1,4,8")
    ap.add_argument("--n", type=int, default=64, help="docs per run (--limit)")
    ap.add_argument("--max-new-tokens", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per batch size")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first, per batch size")
    ap.add_argument(
        "--threads", type=int, default=2, help="torch threads (in-process) / OMP_NUM_THREADS (children)"
    )
    ap.add_argument("--no-reinit", action="store_true", help="keep the stock tiny weights (constant outputs)")
    ap.add_argument(
        "--peer", action="store_true", help="also the whole-command llava_hf comparison with the peer"
    )
    ap.add_argument("--peer-only", action="store_true", help="skip the in-process table")
    ap.add_argument("--peer-batch-sizes", default="1,8")
    ap.add_argument("--peer-repeats", type=int, default=3)
    ap.add_argument("--cmd-timeout", type=float, default=300)
    args = ap.parse_args()
    args.families = [f for f in args.families.split(",") if f]
    unknown = [f for f in args.families if f not in TASK_OF]
    if unknown:
        ap.error(f"unknown families {unknown}; choose from {sorted(TASK_OF)}")
    args.batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    args.peer_batch_sizes = [int(b) for b in args.peer_batch_sizes.split(",")]

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    t0 = time.perf_counter()
    print(
        f"cpus {os.cpu_count()}, load avg at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    if not args.peer_only:
        results = bench_ours(args)
        print_ours(results, args)
    if args.peer or args.peer_only:
        bench_peer(args)
    print(
        f"\nload avg at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; total {time.perf_counter() - t0:.0f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
