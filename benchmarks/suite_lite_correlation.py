"""How well does a suite ``subset`` (the ``lite`` suite's settings) track full scores? Measured with SIMULATED
models on real benchmark items, through the real engine (``replay``), full runs against subset runs.

``python benchmarks/suite_lite_correlation.py [--data_root ../shared/data] [--models 16] [--seed 0]``

The generator (documented in docs/suites.md, where its numbers are):

* items: every doc of each task below, read from the data root (real ids, real strata, real answers);
* item difficulty ``b = s + e``: ``s`` a per-stratum offset ~ N(0, 0.7) (the stratum is the task's first
  breakdown column, so strata really differ in difficulty), ``e`` ~ N(0, 1) per doc, both seeded by a hash of
  (seed, task, stratum / doc id);
* models: ``--models`` abilities ``theta`` evenly spaced over [-1.5, 2.0];
* model m answers doc i right with probability ``sigmoid(theta_m - b_i)`` (a Rasch / 1PL item-response
  model), drawn from a generator seeded by (seed, model, task, doc id). A right answer is written as the task
  expects it (``\\boxed{answer}`` for MATH-Vision, the bare label or digit otherwise), a wrong one as another
  label or digit (``\\boxed{none}`` for MATH-Vision);
* every model's predictions go through ``lmms-eval --model replay`` twice: on every doc, and as a suite with
  the lite suite's ``subset`` settings (read from lmms_eval/tasks/suites/lite.yaml); the script reports the
  largest gap between a full run's scored accuracy and the generated share of right answers (a right answer
  the official matcher does not accept).

Printed: per task and for the mean over the tasks, Pearson and Spearman correlation of subset vs full
accuracy across the models, the mean and largest absolute difference (accuracy points), and the spread of the
full scores. Outputs go to benchmarks/.work/suite_lite/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work" / "suite_lite"
#: the catalog tasks over real local data (``--tasks`` adds mathvision_test, 3,040 docs, whose official
#: answer matching parses LaTeX: about a minute per full run on a 2-core machine)
TASKS = ("mathvision_testmini", "nlvr_dev", "fsdd_digits")


def _unit(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def right_and_wrong(task: str, target: Any) -> tuple[str, str]:
    """The response the task scores as right, and one it scores as wrong."""
    text = str(target).strip()
    if task.startswith("mathvision"):
        return f"The answer is \\boxed{{{text}}}", "The answer is \\boxed{none}"
    if task == "nlvr_dev":
        return text.lower(), "false" if text.lower() == "true" else "true"
    return text, str((int(text) + 1) % 10)  # fsdd_digits: a digit


def load_items(data_root: Path, tasks: list[str]) -> dict[str, list[tuple[str, str, Any]]]:
    """Per task: (doc id, stratum, target) of every doc."""
    from lmms_eval.engine.subset import column_text
    from lmms_eval.tasks.index import TaskIndex
    from lmms_eval.tasks.spec import TaskSpec
    from lmms_eval.tasks.task import Task
    from lmms_eval.tasks.yaml_loader import parse_spec

    index = TaskIndex.build((), data_root)
    out = {}
    for name in tasks:
        path = Path(index.get(name).path)
        spec = parse_spec(path)
        assert isinstance(spec, TaskSpec)
        task = Task(spec, path, data_root)
        docs = task.docs()
        strata = column_text(docs, spec.breakdown[0] if spec.breakdown else None, name, "stratify")
        out[name] = [(d.id, s, task.target(d)) for d, s in zip(docs, strata)]
    return out


def simulate(items: dict[str, list[tuple[str, str, Any]]], n_models: int, seed: int) -> list[dict[str, Any]]:
    """Each model's predictions (replay lines) and its generated accuracy per task."""
    thetas = [-1.5 + 3.5 * m / max(1, n_models - 1) for m in range(n_models)]
    models = []
    for m, theta in enumerate(thetas):
        lines, right = [], {}
        for task, docs in items.items():
            hits = 0
            for doc_id, stratum, target in docs:
                b = _unit(seed, "stratum", task, stratum).gauss(0, 0.7) + _unit(
                    seed, "doc", task, doc_id
                ).gauss(0, 1)
                p = 1 / (1 + math.exp(-(theta - b)))
                ok = _unit(seed, "answer", m, task, doc_id).random() < p
                hits += ok
                good, bad = right_and_wrong(task, target)
                lines.append({"task": task, "doc_id": doc_id, "response": good if ok else bad})
            right[task] = 100 * hits / len(docs)
        models.append({"theta": theta, "lines": lines, "generated": right})
    return models


def run(tasks: list[str], predictions: Path, data_root: Path, include: Path, out: Path) -> dict[str, float]:
    from lmms_eval.engine.config import RunConfig
    from lmms_eval.engine.evaluator import evaluate

    config = RunConfig(
        model="replay",
        model_args={"path": str(predictions)},
        tasks=tasks,
        data_root=str(data_root),
        include_path=[str(include)],
        output_path=str(out),
        log_samples=False,
        bootstrap_iters=0,
        verbosity="ERROR",
    )
    outcome = evaluate(config)
    assert outcome is not None
    return {name: r.metrics["accuracy"].value or 0.0 for name, r in outcome.results.results.items()}


def pearson(x: list[float], y: list[float]) -> float:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sx * sy) if sx and sy else float("nan")


def ranks(x: list[float]) -> list[float]:
    order = sorted(range(len(x)), key=lambda i: x[i])
    r = [0.0] * len(x)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r


def summarize(full: list[float], lite: list[float]) -> dict[str, float]:
    diffs = [abs(a - b) for a, b in zip(full, lite)]
    return {
        "pearson": pearson(full, lite),
        "spearman": pearson(ranks(full), ranks(lite)),
        "mad": sum(diffs) / len(diffs),
        "max_abs_diff": max(diffs),
        "full_min": min(full),
        "full_max": max(full),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data_root", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--models", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated local catalog tasks")
    args = parser.parse_args()
    tasks = args.tasks.split(",")
    from lmms_eval.tasks.yaml_loader import read_yaml

    data_root = Path(args.data_root)
    WORK.mkdir(parents=True, exist_ok=True)
    lite = read_yaml(ROOT / "lmms_eval" / "tasks" / "suites" / "lite.yaml")
    include = WORK / "suite"
    include.mkdir(exist_ok=True)
    suite = {"suite": "lite_local", "description": "lite's subset over local tasks", "tasks": tasks,
             "subset": dict(lite["subset"])}  # fmt: skip
    (include / "lite_local.yaml").write_text(json.dumps(suite))
    items = load_items(data_root, tasks)
    models = simulate(items, args.models, args.seed)
    scores: list[dict[str, dict[str, float]]] = []
    for m, model in enumerate(models):
        preds = WORK / f"model_{m:02d}.jsonl"
        preds.write_text("".join(json.dumps(line) + "\n" for line in model["lines"]))
        full = run(tasks, preds, data_root, include, WORK / "runs")
        sub = run(["suite:lite_local"], preds, data_root, include, WORK / "runs")
        scores.append({"full": full, "lite": sub, "generated": model["generated"]})
        print(f"model {m}: theta {model['theta']:.2f} full {full} subset {sub}", flush=True)
    report: dict[str, Any] = {"models": args.models, "seed": args.seed, "subset": lite["subset"], "tasks": {}}
    # the scored accuracy against the generated share of right answers (a right answer the official matcher
    # does not accept shows here)
    report["max_generated_vs_scored"] = max(
        abs(s["full"][t] - s["generated"][t]) for s in scores for t in tasks
    )
    for task in tasks:
        f = [s["full"][task] for s in scores]
        li = [s["lite"][task] for s in scores]
        report["tasks"][task] = {"n_full": len(items[task]), **summarize(f, li)}
    mean_full = [sum(s["full"].values()) / len(tasks) for s in scores]
    mean_lite = [sum(s["lite"].values()) / len(tasks) for s in scores]
    report["mean_over_tasks"] = summarize(mean_full, mean_lite)
    (WORK / "report.json").write_text(json.dumps(report, indent=2))
    print(f"generated vs scored accuracy, largest gap: {report['max_generated_vs_scored']:.3f} points")
    print("| task | docs | Pearson | Spearman | mean abs diff | max abs diff | full range |")
    print("|---|---:|---:|---:|---:|---:|---|")
    rows = [(t, str(r["n_full"]), r) for t, r in report["tasks"].items()]
    rows.append(("mean over tasks", str(sum(len(v) for v in items.values())), report["mean_over_tasks"]))
    for name, n, r in rows:
        print(f"| {name} | {n} | {r['pearson']:.3f} | {r['spearman']:.3f} | {r['mad']:.2f} | "
              f"{r['max_abs_diff']:.2f} | {r['full_min']:.1f}-{r['full_max']:.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
