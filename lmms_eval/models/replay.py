"""Answers from a JSONL of saved predictions: re-score external or earlier outputs without a model.

Each line: ``{"task": ..., "doc_id": ..., "response": "..."}`` (``"error"`` instead of ``"response"``
records a failure). A request with no saved prediction becomes an error naming the task and doc id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import Request, Response
from lmms_eval.models.base import Capabilities, Model, ModelArgs


class ReplayArgs(ModelArgs):
    path: str


class ReplayModel(Model):
    name = "replay"
    Args = ReplayArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text", "image", "video", "audio"}),
        batching=True,
        default_batch_size=256,
        needs_decoded_media=False,
    )
    args: ReplayArgs

    def __init__(self, args: ReplayArgs) -> None:
        super().__init__(args)
        self._file = Path(args.path).expanduser()
        self._answers = self._read(self._file)

    @staticmethod
    def _read(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
        if not path.exists():
            raise ConfigError(f"replay: predictions file not found: {path}")
        answers: dict[tuple[str, str], dict[str, Any]] = {}
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{path}:{lineno}: invalid JSON: {exc.msg}") from exc
                missing = [k for k in ("task", "doc_id") if k not in row]
                if missing or ("response" not in row and "error" not in row):
                    raise ConfigError(
                        f"{path}:{lineno}: each line needs task, doc_id and response (missing {missing or ['response']})"
                    )
                answers[(str(row["task"]), str(row["doc_id"]))] = row
        return answers

    def identity(self) -> dict[str, Any]:
        from lmms_eval.media.hashing import sha256_file

        return {"model": self.name, "predictions_sha256": sha256_file(self._file)}

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        out = []
        for r in requests:
            row = self._answers.get((r.task, r.doc_id))
            if row is None:
                out.append(
                    Response.failure(
                        f"replay: no prediction for task '{r.task}' doc_id '{r.doc_id}' in {self._file}"
                    )
                )
            elif row.get("response") is None:
                out.append(Response.failure(str(row.get("error") or "replay: recorded error")))
            else:
                out.append(Response(text=str(row["response"])))
        return out
