"""Served evaluation end to end through the CLI against the fault-injecting server: faults never lose or
score a sample, persistent failures are errors retried on the next run, a crash loses nothing answered."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli, write_reply_task


def _args(url: str, tasks: Path, out: Path, *extra: str, concurrent: int = 16) -> list[str]:
    return [
        "--model", "openai_compat",
        "--model_args", f"base_url={url},model=fault,num_concurrent={concurrent},backoff_initial=0.02,backoff_max=0.2",
        "--tasks", "reply_qa", "--include_path", str(tasks), "--output_path", str(out), *extra,
    ]  # fmt: skip


def _results(out: Path) -> dict[str, Any]:
    paths = sorted(out.glob("openai_compat/*/results.json"))
    return json.loads(paths[-1].read_text())


def _samples(out: Path) -> list[dict[str, Any]]:
    path = sorted(out.glob("openai_compat/*/samples_reply_qa.jsonl"))[-1]
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_five_percent_transient_faults_lose_and_score_nothing(fault_server: Any, tmp_path: Path) -> None:
    s, url = fault_server(fault_rate=0.05, faults=("429", "500"), retry_after=0.02, seed=1)
    tasks, out = write_reply_task(tmp_path / "tasks", 200), tmp_path / "out"
    proc = run_cli(*_args(url, tasks, out))
    assert proc.returncode == 0, proc.stderr
    metric = _results(out)["results"]["reply_qa"]["metrics"]["accuracy"]
    assert metric["value"] == 1.0 and metric["n"] == 200
    assert sum(s.counters.faults.values()) >= 3 and s.counters.answered == 200
    assert "retries" in proc.stderr and "in flight" in proc.stderr  # the live counters on the progress bar


def test_persistent_failures_are_errors_and_only_they_are_retried(fault_server: Any, tmp_path: Path) -> None:
    s, url = fault_server(persistent_rate=0.05, seed=3)
    tasks, out = write_reply_task(tmp_path / "tasks", 200), tmp_path / "out"
    failing = {str(i) for i in range(200) if s.persistent_failure(str(i))}
    assert 3 <= len(failing) <= 25

    proc = run_cli(*_args(url, tasks, out, "--max_errors", "20%"))
    assert proc.returncode == 0, proc.stderr
    result = _results(out)
    metric = result["results"]["reply_qa"]["metrics"]["accuracy"]
    # the failures are not wrong answers: accuracy over the answered samples stays 1.0
    assert metric["value"] == 1.0 and metric["n"] == 200 - len(failing)
    assert result["usage"]["requests_failed"] == len(failing)
    errors = {row["doc_id"] for row in _samples(out) if row.get("error")}
    assert errors == {f"q{i}" for i in failing}

    # without an error budget the same state is a failed run (exit 1), and it resends only the failures
    before = dict(s.counters.attempts)
    proc = run_cli(*_args(url, tasks, out))
    assert proc.returncode == 1 and "failed" in proc.stderr
    resent = {k: n - before.get(k, 0) for k, n in s.counters.attempts.items() if n - before.get(k, 0)}
    assert set(resent) == failing


def _journal_answered(path: Path) -> set[str]:
    """Doc ids answered in the journal (read after the run's process has ended)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("SELECT doc_id FROM responses WHERE ok = 1")}
    finally:
        db.close()


def _wait_for_answers(s: Any, n: int, proc: subprocess.Popen[bytes]) -> None:
    """Until the server has answered ``n`` requests (the run must still be going: it sends more)."""
    deadline = time.monotonic() + 60
    while s.counters.answered < n and time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"


def _default_sigint() -> None:
    """Children of a shell's background job inherit SIGINT ignored; the test needs Python's handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_a_killed_run_resumes_without_resending_answered_requests(fault_server: Any, tmp_path: Path) -> None:
    s, url = fault_server(latency=0.05)
    tasks, out = write_reply_task(tmp_path / "tasks", 400), tmp_path / "out"
    cmd = [sys.executable, "-m", "lmms_eval", *_args(url, tasks, out, concurrent=8)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    journal = out / "journal.sqlite"
    _wait_for_answers(s, 150, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed = _journal_answered(journal)
    assert 100 <= len(committed) < 400, "the kill must land mid-run"
    time.sleep(0.3)  # the server finishes what was in flight when the client died
    answered_at_kill = s.counters.answered

    proc2 = run_cli(*_args(url, tasks, out, concurrent=8))
    assert proc2.returncode == 0, proc2.stderr
    assert _results(out)["results"]["reply_qa"]["metrics"]["accuracy"]["value"] == 1.0
    # nothing committed before the kill was sent again
    for doc in committed:
        assert s.counters.answers[doc.removeprefix("q")] == 1, doc
    # what was answered but not yet committed (the last 0.2 s, in flight) is the only repeated work
    repeated = sum(n - 1 for n in s.counters.answers.values())
    assert repeated <= answered_at_kill - len(committed)
    assert f"{len(committed)} already in the journal" in proc2.stderr


def test_the_api_key_never_reaches_the_output_files(
    fault_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s, url = fault_server()
    tasks, out = write_reply_task(tmp_path / "tasks", 10), tmp_path / "out"
    secret = "sk-test-0123456789abcdef"
    proc = run_cli(*_args(url, tasks, out), env={"OPENAI_API_KEY": secret})
    assert proc.returncode == 0, proc.stderr
    assert s.counters.authorized == 10
    for path in out.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    # a key given as a model arg is redacted in results.json as well
    proc = run_cli(
        "--model", "openai_compat", "--model_args", f"base_url={url},model=fault,api_key={secret}",
        "--tasks", "reply_qa", "--include_path", str(tasks), "--output_path", str(tmp_path / "out2"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for path in (tmp_path / "out2").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in proc.stdout + proc.stderr


def test_ctrl_c_commits_every_answer_already_received(fault_server: Any, tmp_path: Path) -> None:
    s, url = fault_server(latency=0.05)
    tasks, out = write_reply_task(tmp_path / "tasks", 600), tmp_path / "out"
    cmd = [sys.executable, "-m", "lmms_eval", *_args(url, tasks, out, concurrent=8)]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ), preexec_fn=_default_sigint
    )
    journal = out / "journal.sqlite"
    _wait_for_answers(s, 150, proc)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 130
    time.sleep(0.3)
    committed = _journal_answered(journal)
    assert 100 <= len(committed) < 600
    # only what was still in flight (8 slots) can be missing; the 0.2 s commit buffer was flushed
    assert s.counters.answered - len(committed) <= 8


@pytest.mark.parametrize("concurrency,n", [(16, 300), (64, 640)])
def test_a_hard_kill_re_pays_at_most_the_requests_in_flight(
    fault_server: Any, tmp_path: Path, concurrency: int, n: int
) -> None:
    """SIGKILL at a quarter, half and three quarters of the run, then the same command again: across both
    runs the server answers at most N + the requests in flight at the kill (sent, not yet committed; the
    backend holds a request's slot until its answer is committed, so never more than ``concurrency``),
    and the results show every sample, no errors. With the old timer-based commit (every 0.2 s) the
    answers of the last 0.2 s were paid again on top: 16 + 32 here at concurrency 16."""
    for moment in (0.25, 0.5, 0.75):
        s, url = fault_server(latency=0.1)
        run = tmp_path / f"kill_at_{moment}"
        tasks, out = write_reply_task(run / "tasks", n), run / "out"
        cmd = [sys.executable, "-m", "lmms_eval", *_args(url, tasks, out, concurrent=concurrency)]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while s.counters.answered < moment * n and time.monotonic() < deadline:
            assert proc.poll() is None, "the run ended before the kill"
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        in_server = s.counters.in_flight  # still being answered: the server sleeps 0.1 s per request
        while s.counters.in_flight:
            time.sleep(0.01)
        committed = _journal_answered(out / "journal.sqlite")
        sent_not_committed = s.counters.requests - len(committed)
        assert in_server <= sent_not_committed <= concurrency, (moment, in_server, sent_not_committed)

        again = run_cli(*_args(url, tasks, out, concurrent=concurrency))
        assert again.returncode == 0, again.stderr
        assert s.counters.answered <= n + sent_not_committed, moment
        for doc in committed:  # nothing committed was sent again
            assert s.counters.answers[doc.removeprefix("q")] == 1, doc
        task = _results(out)["results"]["reply_qa"]
        assert task["n_scored"] == n and task["n_errors"] == 0
        assert task["metrics"]["accuracy"]["value"] == 1.0
