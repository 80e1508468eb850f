"""lmms-eval's familiar flags: no subcommand, --tasks list, --config FILE, --limit, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_cli, write_text_task


def test_help_and_tasks_listing() -> None:
    r = run_cli("--help")
    assert r.returncode == 0 and "run" in r.stdout and "tasks" in r.stdout
    listing = run_cli("--tasks", "list")
    assert listing.returncode == 0
    for name in ("mathvision_testmini", "nlvr_dev", "fsdd_digits", "synthetic_video_qa"):
        assert name in listing.stdout
    assert re.search(r"^fsdd_digits +task +audio +120 ", listing.stdout, re.MULTILINE)  # name, kind, modality, size
    models = run_cli("models")
    assert "dummy" in models.stdout and "replay" in models.stdout


def test_describe_task() -> None:
    r = run_cli("tasks", "mathvision_testmini")
    assert r.returncode == 0
    assert (
        "mathvision_accuracy" in r.stdout and "Wang et al. 2024" in r.stdout and "size:       60" in r.stdout
    )


def test_config_file_and_limit(tmp_path: Path) -> None:
    tasks = write_text_task(tmp_path / "tasks", n=30)
    cfg = tmp_path / "run.yaml"
    cfg.write_text(
        f"model: dummy\nmodel_args: mode=echo\ntasks: [toy_qa]\ninclude_path: [{tasks}]\n"
        f"output_path: {tmp_path / 'out'}\nlimit: 10\n"
    )
    r = run_cli("run", "--config", str(cfg), "--gen_kwargs", "max_new_tokens=4")
    assert r.returncode == 0, r.stderr
    results = json.loads(next((tmp_path / "out").glob("dummy/*/results.json")).read_text())
    task = results["results"]["toy_qa"]
    assert task["n_docs"] == 10 and task["generation"]["max_new_tokens"] == 4
    assert results["config"]["model_args"] == {"mode": "echo"}


def test_replay_missing_file_and_predict_only(tmp_path: Path) -> None:
    tasks = write_text_task(tmp_path / "tasks", n=5)
    r = run_cli(
        "--model",
        "replay",
        "--model_args",
        f"path={tmp_path / 'none.jsonl'}",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(tasks),
    )
    assert r.returncode == 2 and "predictions file not found" in r.stderr
    preds = tmp_path / "p.jsonl"
    preds.write_text(
        "".join(
            json.dumps({"task": "toy_qa", "doc_id": f"q{i}", "response": str(i)}) + "\n" for i in range(5)
        )
    )
    r = run_cli(
        "--model",
        "replay",
        "--model_args",
        f"path={preds}",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(tasks),
        "--output_path",
        str(tmp_path / "out"),
        "--predict_only",
    )
    assert r.returncode == 0, r.stderr
    results = json.loads(next((tmp_path / "out").glob("replay/*/results.json")).read_text())
    assert results["results"]["toy_qa"]["metrics"] == {} and results["results"]["toy_qa"]["n_scored"] == 5
