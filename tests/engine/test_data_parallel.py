"""Two CPU processes (torchrun, gloo) shard the requests and give the same results as one process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, write_text_task

pytest.importorskip("torch.distributed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(nproc: int, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    launcher = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        f"--nproc_per_node={nproc}",
        "--master_addr=127.0.0.1",
        f"--master_port={_free_port()}",
        "-m",
        "lmms_eval",
    ]
    cmd = launcher + args if nproc > 1 else [sys.executable, "-m", "lmms_eval", *args]
    env = {**os.environ, "LMMS_EVAL_CACHE_DIR": str(tmp_path / "cache"), "OMP_NUM_THREADS": "1"}
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)


def _results(out: Path, model: str) -> dict:  # type: ignore[type-arg]
    return json.loads(next(out.glob(f"{model}/*/results.json")).read_text())


def _responses(out: Path, model: str, task: str) -> dict[str, str]:
    path = next(out.glob(f"{model}/*/samples_{task}.jsonl"))
    return {r["doc_id"]: r["response"] for r in map(json.loads, path.read_text().splitlines())}


def test_two_ranks_match_one_process_and_send_each_request_once(tmp_path: Path) -> None:
    tasks = write_text_task(tmp_path / "tasks", n=60)
    log2 = tmp_path / "calls2.log"
    common = [
        "run",
        "--model",
        "dummy",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(tasks),
        "--batch_size",
        "4",
    ]
    one = _run(
        1,
        [*common, "--model_args", "mode=choice,choices=0|1|2|3", "--output_path", str(tmp_path / "o1")],
        tmp_path,
    )
    assert one.returncode == 0, one.stderr
    two = _run(
        2,
        [
            *common,
            "--model_args",
            f"mode=choice,choices=0|1|2|3,call_log={log2}",
            "--output_path",
            str(tmp_path / "o2"),
        ],
        tmp_path,
    )
    assert two.returncode == 0, two.stderr
    calls = log2.read_text().split()
    assert len(calls) == len(set(calls)) == 60, "each request sent once, by one of the two ranks"
    assert len(list((tmp_path / "o2").glob("dummy/*/results.json"))) == 1, "only rank 0 writes results"
    assert sorted(p.name for p in (tmp_path / "o2").glob("journal*.sqlite")) == [
        "journal.rank1.sqlite",
        "journal.sqlite",
    ]
    r1, r2 = _results(tmp_path / "o1", "dummy"), _results(tmp_path / "o2", "dummy")
    assert r1["results"]["toy_qa"]["metrics"] == r2["results"]["toy_qa"]["metrics"]
    assert _responses(tmp_path / "o1", "dummy", "toy_qa") == _responses(tmp_path / "o2", "dummy", "toy_qa")
    assert r2["usage"]["requests_sent"] == 60
    # a single-process rerun finds every answer in the two ranks' journals
    again = _run(
        1,
        [*common, "--model_args", "mode=choice,choices=0|1|2|3", "--output_path", str(tmp_path / "o2")],
        tmp_path,
    )
    assert again.returncode == 0 and "0 sent, 60 from the journal" in again.stdout


def test_two_ranks_with_a_tiny_hf_model(tmp_path: Path) -> None:
    pytest.importorskip("transformers")
    sys.path.insert(0, str(REPO / "tests" / "models" / "hf"))
    from tiny_models import FAMILIES, redraw_weights

    model_dir = redraw_weights(FAMILIES["llava_hf"](tmp_path / "llava"), "llava_hf")
    common = [
        "run",
        "--model",
        "llava_hf",
        "--model_args",
        f"pretrained={model_dir}",
        "--tasks",
        "nlvr_dev",
        "--limit",
        "10",
        "--batch_size",
        "2",
        "--gen_kwargs",
        "max_new_tokens=4",
    ]
    one = _run(1, [*common, "--output_path", str(tmp_path / "o1")], tmp_path)
    two = _run(2, [*common, "--output_path", str(tmp_path / "o2")], tmp_path)
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    answers = _responses(tmp_path / "o1", "llava_hf", "nlvr_dev")
    assert len(set(answers.values())) > 1, (
        "answers must differ between docs for the comparison to mean anything"
    )
    assert answers == _responses(tmp_path / "o2", "llava_hf", "nlvr_dev")
    assert (
        _results(tmp_path / "o1", "llava_hf")["results"]["nlvr_dev"]["metrics"]
        == _results(tmp_path / "o2", "llava_hf")["results"]["nlvr_dev"]["metrics"]
    )
