"""A failed request is recorded, counted, never scored, and the next run retries only the failures."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_text_task


def test_failures_not_scored_and_retried_next_run(tmp_path: Path) -> None:
    tasks = write_text_task(tmp_path / "tasks", n=200)
    out, log = tmp_path / "out", tmp_path / "calls.log"
    base = ("--model", "dummy", "--tasks", "toy_qa", "--include_path", str(tasks), "--output_path", str(out))
    first = run_cli(*base, "--model_args", f"mode=echo,fail_rate=0.1,call_log={log}")
    assert first.returncode == 1 and "samples failed (allowed: 0" in first.stderr
    res = json.loads(sorted(out.glob("dummy/*/results.json"))[-1].read_text())
    task = res["results"]["toy_qa"]
    n_err = task["n_errors"]
    assert 5 < n_err < 40 and task["n_scored"] == 200 - n_err
    # the echo model answers every request correctly: failures were left out, not scored as wrong
    assert task["metrics"]["accuracy"]["value"] == 1.0 and task["metrics"]["accuracy"]["n"] == 200 - n_err
    assert res["errors"][0]["count"] == n_err and "injected failure" in res["errors"][0]["reason"]
    assert len(log.read_text().split()) == 200
    log.unlink()

    second = run_cli(*base, "--model_args", f"mode=echo,call_log={log}")
    assert second.returncode == 0, second.stderr
    assert len(log.read_text().split()) == n_err, "only the failed requests are sent again"
    res2 = json.loads(sorted(out.glob("dummy/*/results.json"))[-1].read_text())
    assert res2["results"]["toy_qa"]["n_scored"] == 200 and res2["status"] == "success"


def test_max_errors_fraction_lets_the_run_pass(tmp_path: Path) -> None:
    tasks = write_text_task(tmp_path / "tasks", n=100)
    r = run_cli(
        "--model",
        "dummy",
        "--model_args",
        "mode=echo,fail_rate=0.05",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(tasks),
        "--output_path",
        str(tmp_path / "out"),
        "--max_errors",
        "0.2",
    )
    assert r.returncode == 0, r.stderr
