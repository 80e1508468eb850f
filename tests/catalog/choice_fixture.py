"""A replay model for the catalog tasks scored by log-likelihood (``output_type: choice_loglikelihood``):
the saved prediction of a doc names the position of the option the model finds most likely; the model
reports one log-probability per option (0 for that one, -1 for the others) as the ``hf`` backend does, and
records the options each request carried so a test can check how its choices rendered."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from lmms_eval.cli.main import main
from lmms_eval.core.types import Request, Response
from lmms_eval.models import MODELS
from lmms_eval.models.base import Capabilities
from lmms_eval.models.replay import ReplayModel


class ChoiceReplayModel(ReplayModel):
    name = "replay_choices"
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text"}), batching=True, default_batch_size=64, loglikelihood=True
    )
    seen: ClassVar[dict[tuple[str, str], list[str]]] = {}

    def score_choices(self, requests: Sequence[Request]) -> list[Response]:
        out = []
        for r in requests:
            ChoiceReplayModel.seen[(r.task, r.doc_id)] = list(r.choices)
            row = self._answers.get((r.task, r.doc_id))
            if row is None:
                out.append(Response.failure(f"no prediction for {r.task} {r.doc_id}"))
                continue
            pick = int(row["response"])
            logprobs = [0.0 if i == pick else -1.0 for i in range(len(r.choices))]
            out.append(Response(text=r.choices[pick], logprobs=logprobs, finish_reason="choice"))
        return out


def replay_choices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, root: Path, picks: dict[str, int]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Run ``task`` (a task, a group, or several, comma-separated) over the mirror under ``root``, the model
    picking option ``picks[doc_id]`` (0-based; ``"task/doc_id"`` keys for several tasks); returns the results
    of the tasks and requested groups by name, and the samples by (task, doc id)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setitem(MODELS._loaded, "replay_choices", ChoiceReplayModel)
    ChoiceReplayModel.seen.clear()
    preds = tmp_path / "picks.jsonl"
    lines = []
    for key, pick in picks.items():
        name, _, doc_id = key.rpartition("/") if "/" in key else (task, "", key)
        lines.append(json.dumps({"task": name, "doc_id": doc_id, "response": str(pick)}) + "\n")
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay_choices", "--model_args", f"path={preds}", "--tasks", task, "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    run_dir = next(out.glob("replay_choices/*/"))
    data = json.loads((run_dir / "results.json").read_text())
    results: dict[str, Any] = {**data["results"], **(data.get("groups") or {})}
    samples = {}
    for file in run_dir.glob("samples_*.jsonl"):
        for line in file.read_text(encoding="utf-8").splitlines():
            s = json.loads(line)
            samples[(s["task"], s["doc_id"])] = s
    return results, samples
