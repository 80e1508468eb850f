"""Breakdowns, macro means, cluster-robust stderr and group combination, end to end through evaluate()."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import write_text_task

from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.evaluator import evaluate
from lmms_eval.results.writer import load_results, read_samples


def test_breakdown_macro_cluster_and_group(tmp_path: Path) -> None:
    # docs answered by "echo" are right; the replay of half the odd docs as wrong answers makes categories differ
    tasks = write_text_task(
        tmp_path / "t",
        name="part_a",
        n=40,
        extra=(
            "breakdown: [category]\ncluster_key: category\n"
            "metrics:\n  - {name: accuracy, scale: 100}\n"
            "  - {name: accuracy, key: acc_macro, aggregation: macro_mean, aggregation_args: {by: category}}\n"
        ),
    )
    text = (tasks / "part_a.yaml").read_text().replace("metrics:\n  - {name: accuracy}\n", "", 1)
    (tasks / "part_a.yaml").write_text(text)
    write_text_task(tasks, name="part_b", n=20)
    (tasks / "both.yaml").write_text("group: both\ntasks: [part_a, part_b]\naggregate: macro\n")
    preds = tmp_path / "p.jsonl"
    with preds.open("w") as fh:
        for task, n in (("part_a", 40), ("part_b", 20)):
            for i in range(n):
                wrong = i % 4 == 1  # half of the odd docs
                fh.write(
                    json.dumps({"task": task, "doc_id": f"q{i}", "response": "no idea" if wrong else str(i)})
                    + "\n"
                )
    config = RunConfig(
        model="replay",
        model_args={"path": str(preds)},
        tasks=["part_a", "both"],
        include_path=[str(tasks)],
        output_path=str(tmp_path / "out"),
        bootstrap_iters=500,
    )
    outcome = evaluate(config)
    a = outcome.results.results["part_a"]
    acc = a.metrics["accuracy"]
    assert acc.value == pytest.approx(75.0) and acc.scale == 100 and acc.method == "clustered"
    scores = np.array([0.0 if i % 4 == 1 else 1.0 for i in range(40)])
    cats = np.array([i % 2 for i in range(40)])
    resid_sums = [float((scores[cats == c] - scores.mean()).sum()) for c in (0, 1)]
    cr1 = np.sqrt(2 / 1 * sum(r * r for r in resid_sums)) / 40
    assert acc.stderr == pytest.approx(100 * cr1)
    assert a.breakdown["category"]["even"]["accuracy"].value == pytest.approx(100.0)
    assert a.breakdown["category"]["odd"]["accuracy"].value == pytest.approx(50.0)
    macro = a.metrics["acc_macro"]
    assert macro.value == pytest.approx(0.75) and macro.method == "clustered_bootstrap"
    group = outcome.results.groups["both"]
    assert group.subtasks == ["part_a", "part_b"] and group.aggregate == "macro"
    b_acc = outcome.results.results["part_b"].metrics["accuracy"]
    assert b_acc.value == pytest.approx(0.75) and b_acc.method == "wilson"
    assert "accuracy" not in group.metrics, "75 (percent) and 0.75 (fraction) must not be averaged"
    # with the same units the group combines: macro = plain mean of the two values, stderr from both
    b_yaml = tasks / "part_b.yaml"
    b_yaml.write_text(b_yaml.read_text().replace("  - {name: accuracy}", "  - {name: accuracy, scale: 100}"))
    again = evaluate(config.model_copy(update={"tasks": ["both"]})).results
    g = again.groups["both"].metrics["accuracy"]
    a2, b2 = again.results["part_a"].metrics["accuracy"], again.results["part_b"].metrics["accuracy"]
    assert g.value == pytest.approx(75.0) and g.n == 60
    assert g.stderr == pytest.approx(np.sqrt(a2.stderr**2 + b2.stderr**2) / 2)
    # the files round-trip through the documented schema
    assert load_results(outcome.run_dir).results["part_a"].metrics["accuracy"].value == pytest.approx(75.0)
    rows = read_samples(outcome.run_dir / "samples_part_a.jsonl")
    assert len(rows) == 40 and {r.scores["accuracy"] for r in rows} == {0.0, 1.0}
