"""Kill a run with SIGKILL midway; the same command finishes it without re-sending finished requests."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, write_text_task


def _logged(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_sigkill_midway_then_resume(tmp_path: Path) -> None:
    tasks = write_text_task(tmp_path / "tasks", n=120)
    out, log = tmp_path / "out", tmp_path / "calls.log"
    cmd = [
        sys.executable,
        "-m",
        "lmms_eval",
        "--model",
        "dummy",
        "--model_args",
        f"mode=echo,delay=0.02,call_log={log}",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(tasks),
        "--output_path",
        str(out),
        "--batch_size",
        "4",
    ]
    env = {**os.environ, "LMMS_EVAL_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while len(_logged(log)) < 40 and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first_calls = _logged(log)
    assert 40 <= len(first_calls) < 120, "the kill must land midway"

    with sqlite3.connect(out / "journal.sqlite") as db:
        committed = {k for (k,) in db.execute("SELECT key FROM responses WHERE ok=1")}
    assert 0 < len(committed) <= len(first_calls)
    log.unlink()

    second = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    second_calls = _logged(log)
    assert not committed & set(second_calls), "a finished request was sent again"
    assert len(second_calls) == len(set(second_calls)) == 120 - len(committed)

    results = json.loads(next(out.glob("dummy/*/results.json")).read_text())
    task = results["results"]["toy_qa"]
    assert task["n_docs"] == task["n_scored"] == 120 and task["n_errors"] == 0
    assert results["usage"]["requests_cached"] == len(committed)
    # the echo model repeats the question, whose only number is the answer: every sample is correct
    assert task["metrics"]["accuracy"]["value"] == 1.0
    samples = [json.loads(x) for x in next(out.glob("dummy/*/samples_toy_qa.jsonl")).read_text().splitlines()]
    assert sorted(s["doc_id"] for s in samples) == sorted(f"q{i}" for i in range(120))
