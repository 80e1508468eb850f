"""Benchmark: peak memory of a 100k-row hub split with PNG bytes, read whole (``to_list``) or lazily.

Generates (once, into ``benchmarks/.work/hub_memory/``) a split of ``--rows`` rows in the layout of a Hugging
Face dataset repo (``repo/data/test-00000-of-00001.parquet``, HF's own Parquet encoding: a ``datasets.Image``
column of distinct ``--side`` x ``--side`` noise PNGs, a few KB each, in row groups of 100, next to
MathVision-like text columns), then builds the ``datasets`` Arrow cache once (the same for both ways, timed
apart), and measures in a fresh child process per cell, through lmms-eval's real hub source
(``datasets.load_dataset`` on the local repo, offline, private ``HF_HOME``):

* ``plan``: load the task and plan it through the engine's planning path (``plan_task``: select ``--limit``
  docs, render prompts, build requests with media references, hash media, cache keys), limit 100;
* ``ids``: load the task and make one pass over every doc's id.

The same workloads also run on the same Parquet file as a local source (``dataset.local``), which is read
without ``datasets`` (``--no-parquet`` skips them).

The ways: ``old``, the loaders as they were (``Dataset.to_list()``, ``pq.read_table().to_pylist()``: every
row a dict, image bytes included; the task held a list of every Doc), and ``new``, the lazy rows (ids read from the id column only; the ``ids``
workload also runs as ``new-iter``, iterating every Doc, which builds every row one chunk at a time).
``--old-tree DIR`` also runs the unpatched code of another checkout (``git archive <commit> | tar -x -C
DIR``) as ``tree``, to check that ``old`` reproduces it.

Each child reports its peak RSS (``VmHWM``), its RSS after the imports, and its resident anonymous (heap) and
file-backed (memory-mapped, reclaimable page cache) memory at the end.

Run from the repository root: ``python benchmarks/hub_memory.py [--rows 100000] [--side 32] [--limit 100]``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / ".work" / "hub_memory"
ROW_GROUP = 100  # what `datasets` writes for image datasets
TASK_YAML = """\
task: hub_memory
dataset:
  {source}
doc_id: id
prompt:
  user:
    - image: decoded_image
    - text: |-
        {{{{ question }}}}
        Options: {{{{ options | join(', ') }}}}
target: "{{{{ answer }}}}"
extractor: identity
metrics: [{{name: exact_match}}]
"""


# ---------------------------------------------------------------- data


def _features() -> Any:
    import datasets

    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "question": datasets.Value("string"),
            "options": datasets.Sequence(datasets.Value("string")),
            "decoded_image": datasets.Image(),
            "answer": datasets.Value("string"),
            "level": datasets.Value("int64"),
            "subject": datasets.Value("string"),
        }
    )


def _png(side: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        buf, format="PNG", compress_level=1
    )
    return buf.getvalue()


def generate(path: Path, rows: int, side: int) -> None:
    """Write the split with pyarrow in HF's encoding (the features travel in the schema metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _features().arrow_schema
    path.parent.mkdir(parents=True, exist_ok=True)
    subjects = ["algebra", "counting", "logic", "geometry", "statistics"]
    with pq.ParquetWriter(str(path) + ".tmp", schema) as writer:
        for start in range(0, rows, 1000):
            idx = range(start, min(rows, start + 1000))
            batch = {
                "id": [str(i) for i in idx],
                "question": [f"How many shapes are in picture {i}?\n<image1>" for i in idx],
                "options": [["A", "B", "C", "D", "E"] if i % 2 else [] for i in idx],
                "decoded_image": [{"bytes": _png(side), "path": None} for _ in idx],
                "answer": [str(i % 5) for i in idx],
                "level": [i % 5 + 1 for i in idx],
                "subject": [subjects[i % 5] for i in idx],
            }
            writer.write_table(pa.Table.from_pydict(batch, schema=schema), row_group_size=ROW_GROUP)
    os.replace(str(path) + ".tmp", path)


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "HF_HOME": str(WORK / "hf"),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
        "LMMS_EVAL_CACHE_DIR": str(WORK / "cache"),
    }


# ---------------------------------------------------------------- child


def _proc_status() -> dict[str, float]:
    """VmHWM (peak RSS), VmRSS, RssAnon, RssFile of this process, MiB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = int(value.split()[0]) / 1024
    return out


def child(source: str, mode: str, workload: str, limit: int, code: Path) -> dict[str, Any]:
    sys.path.insert(0, str(code))
    import datasets  # noqa: F401  (imported before the baseline: both ways need it)

    from lmms_eval.engine.plan import plan_task
    from lmms_eval.tasks.spec import TaskSpec
    from lmms_eval.tasks.task import Task
    from lmms_eval.tasks.yaml_loader import parse_spec

    if mode == "old" and source == "parquet":
        import pyarrow.parquet as pq

        from lmms_eval.tasks.sources import LoadedDocs, local

        def read_as_list(src: Any, path: Path, media_root: Path | None) -> LoadedDocs:  # local.py before
            rows = pq.read_table(path).to_pylist()
            root = media_root or path.parent
            return LoadedDocs(rows, local._fingerprint(path), media_root=root, columns=sorted(rows[0]))

        local.load_local = read_as_list  # type: ignore[assignment]
    elif mode == "old":
        from lmms_eval.tasks.sources import LoadedDocs, hub

        def load_as_list(source: Any) -> LoadedDocs:  # hub.py before lazy rows
            ds = hub.open_dataset(source)
            return LoadedDocs(
                docs=ds.to_list(),
                fingerprint=str(ds._fingerprint),
                revision=source.revision,
                columns=list(ds.column_names),
            )

        hub.load_hub = load_as_list
    baseline = _proc_status()["VmRSS"]
    start = time.perf_counter()
    yaml = WORK / f"{source}.yaml"
    spec = parse_spec(yaml)
    assert isinstance(spec, TaskSpec)
    task = Task(spec, yaml, WORK)
    held = list(task.docs()) if mode == "old" else None  # the old Task kept a list of every Doc
    if workload == "plan":
        samples = plan_task(
            task,
            model_identity={"m": 1},
            family=None,
            limit=limit,
            num_fewshot=None,
            gen_kwargs={},
            workers=2,
        )
        count = len(samples)
        assert all(s.request.key for s in samples)
    elif mode == "new":
        count = len(set(task.doc_ids()))
    else:  # old, tree, new-iter: every Doc in turn
        count = len({d.id for d in task.docs()})
    seconds = time.perf_counter() - start
    del held
    status = _proc_status()
    return {
        "source": source,
        "mode": mode,
        "workload": workload,
        "count": count,
        "seconds": round(seconds, 2),
        "baseline_mib": round(baseline, 1),
        "peak_mib": round(status["VmHWM"], 1),
        "end_anon_mib": round(status["RssAnon"], 1),
        "end_file_mib": round(status["RssFile"], 1),
    }


# ---------------------------------------------------------------- driver


def run_child(source: str, mode: str, workload: str, limit: int, code: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", source, mode, workload]
    cmd += ["--limit", str(limit), "--code", str(code)]
    out = subprocess.run(cmd, env=_env(), capture_output=True, text=True, cwd=WORK)
    if out.returncode != 0:
        raise SystemExit(f"child {source} {mode} {workload} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def prepare(rows: int, side: int) -> Path:
    repo = WORK / "repo"
    data = repo / "data" / "test-00000-of-00001.parquet"
    stamp = WORK / "generated.json"
    wanted = {"rows": rows, "side": side, "row_group": ROW_GROUP}
    if not data.exists() or not stamp.exists() or json.loads(stamp.read_text()) != wanted:
        import shutil

        shutil.rmtree(WORK, ignore_errors=True)
        start = time.perf_counter()
        generate(data, rows, side)
        stamp.write_text(json.dumps(wanted))
        print(f"generated {rows} rows in {time.perf_counter() - start:.1f} s", flush=True)
    (WORK / "hub.yaml").write_text(TASK_YAML.format(source=f"hub: {{path: {repo}, split: test}}"))
    (WORK / "parquet.yaml").write_text(TASK_YAML.format(source=f"local: {{path: {data}}}"))
    start = time.perf_counter()
    build = "import datasets, sys; print(len(datasets.load_dataset(sys.argv[1], split='test')))"
    subprocess.run([sys.executable, "-c", build, str(repo)], env=_env(), check=True, capture_output=True)
    print(f"datasets Arrow cache ready in {time.perf_counter() - start:.1f} s", flush=True)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--side", type=int, default=32, help="PNG width and height (noise: ~3 KB at 32)")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--no-parquet", action="store_true", help="only the hub source")
    parser.add_argument("--old-tree", type=Path, help="also run the unpatched code of this checkout")
    parser.add_argument("--child", nargs=3, metavar=("SOURCE", "MODE", "WORKLOAD"), help=argparse.SUPPRESS)
    parser.add_argument("--code", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        source, mode, workload = args.child
        print(json.dumps(child(source, mode, workload, args.limit, args.code)))
        return
    data = prepare(args.rows, args.side)
    arrow = sum(f.stat().st_size for f in (WORK / "hf").rglob("*.arrow"))
    print(f"parquet {data.stat().st_size / 2**20:.0f} MiB, Arrow cache {arrow / 2**20:.0f} MiB", flush=True)
    ways = [("old", "plan"), ("new", "plan"), ("old", "ids"), ("new-iter", "ids"), ("new", "ids")]
    if args.old_tree:
        ways += [("tree", "plan"), ("tree", "ids")]
    sources = ["hub"] if args.no_parquet else ["hub", "parquet"]
    header = "| source | workload | way | docs | s | peak RSS MiB | after imports | peak - imports | end anon | end file |"
    print(header + "\n" + "|---" * 10 + "|", flush=True)
    results = []
    for source in sources:
        for mode, workload in ways:
            r = run_child(source, mode, workload, args.limit, args.old_tree if mode == "tree" else REPO)
            results.append(r)
            cells = [source, workload, mode, r["count"], r["seconds"], r["peak_mib"], r["baseline_mib"]]
            cells += [round(r["peak_mib"] - r["baseline_mib"], 1), r["end_anon_mib"], r["end_file_mib"]]
            print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
    by = {(r["source"], r["mode"], r["workload"]): r for r in results}
    for source in sources:
        for workload, new in (("plan", "new"), ("ids", "new"), ("ids", "new-iter")):
            old, lazy = by[(source, "old", workload)], by[(source, new, workload)]
            grow_old = old["peak_mib"] - old["baseline_mib"]
            grow_new = lazy["peak_mib"] - lazy["baseline_mib"]
            print(
                f"{source} {workload} ({new}): peak RSS old/new {old['peak_mib'] / lazy['peak_mib']:.1f}x, "
                f"growth over imports old/new {grow_old / max(grow_new, 0.1):.1f}x"
            )
    (WORK / "results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
