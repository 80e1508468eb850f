"""Shared fixtures: an isolated cache dir, a scratch task folder, and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from lmms_eval.testing.fault_server import FaultServer

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMMS_EVAL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("LMMS_EVAL_DATA_ROOT", raising=False)


def write_text_task(
    folder: Path,
    name: str = "toy_qa",
    n: int = 50,
    extra: str = "",
    question: str = "What is {i} plus zero?",
) -> Path:
    """A text task over ``n`` generated docs (answer = the doc's number) in ``folder``; ``question`` is
    formatted with the doc's number ``i``."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.jsonl").open("w") as fh:
        for i in range(n):
            fh.write(
                json.dumps(
                    {
                        "qid": f"q{i}",
                        "question": question.format(i=i),
                        "answer": str(i),
                        "category": "even" if i % 2 == 0 else "odd",
                    }
                )
                + "\n"
            )
    (folder / f"{name}.yaml").write_text(
        f"""task: {name}
dataset:
  local: {{path: ./{name}.jsonl}}
doc_id: qid
prompt:
  user:
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
generation: {{max_new_tokens: 8}}
extractor: number
metrics:
  - {{name: accuracy}}
{extra}"""
    )
    return folder


def write_reply_task(folder: Path, n: int, name: str = "reply_qa") -> Path:
    """Docs "Item i. Reply with i" with target i: the fault server (lmms_eval.testing) answers each right."""
    return write_text_task(folder, name=name, n=n, question="Item {i}. Reply with {i}")


@pytest.fixture
def fault_server() -> Iterator[Callable[..., tuple[FaultServer, str]]]:
    """Start fault-injecting servers on 127.0.0.1 (``start(**FaultConfig fields) -> (server, base_url)``);
    all are stopped after the test."""
    from lmms_eval.testing.fault_server import FaultConfig, FaultServer

    servers: list[FaultServer] = []

    def start(**config: Any) -> tuple[FaultServer, str]:
        server = FaultServer(FaultConfig(**config))
        url = server.start_in_thread()
        servers.append(server)
        return server, url

    yield start
    for server in servers:
        server.stop_thread()


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "lmms_eval", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )
