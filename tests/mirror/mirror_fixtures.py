"""Helpers for the mirror tests: tiny datasets in a Hub schema (real PNG bytes in an Image column), a hub
task YAML over them, ``datasets.load_dataset`` redirected to them, and a blocked network."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from typing import Any

import pytest

datasets = pytest.importorskip("datasets")


def png(color: str, size: int = 8) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buf, format="PNG")
    return buf.getvalue()


FEATURES = datasets.Features(
    {
        "id": datasets.Value("string"),
        "question": datasets.Value("string"),
        "options": datasets.Sequence(datasets.Value("string")),
        "decoded_image": datasets.Image(),
        "answer": datasets.Value("string"),
    }
)
COLORS = ("red", "green", "blue")


def toy_dataset(split: str = "test") -> Any:
    """Three rows whose ids carry the split name; each has a different one-colour PNG."""
    return datasets.Dataset.from_dict(
        {
            "id": [f"{split}-{i}" for i in range(3)],
            "question": [f"What colour is picture {i}?" for i in range(3)],
            "options": [[], ["A", "B"], []],
            "decoded_image": [{"bytes": png(c), "path": None} for c in COLORS],
            "answer": list(COLORS),
        },
        features=FEATURES,
    )


def write_hub_task(
    folder: Path,
    name: str = "toy_hub",
    path: str = "acme/toy",
    split: str = "test",
    revision: str | None = "abc123",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rev = f", revision: {revision}" if revision else ""
    (folder / f"{name}.yaml").write_text(
        f"""task: {name}
dataset:
  hub: {{path: {path}, split: {split}{rev}}}
doc_id: id
prompt:
  user:
    - image: decoded_image
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
extractor: identity
metrics: [exact_match]
"""
    )
    return folder


class FakeHub:
    """Stands in for ``datasets.load_dataset``: returns the registered local Dataset of (path, split) and
    records every call; an unregistered split raises as the Hub would without a network."""

    def __init__(self) -> None:
        self.splits: dict[tuple[str, str], Any] = {}
        self.calls: list[dict[str, Any]] = []

    def add(self, path: str, split: str, ds: Any) -> None:
        self.splits[(path, split)] = ds

    def __call__(self, path: str, name: str | None = None, split: str | None = None, **kw: Any) -> Any:
        self.calls.append({"path": path, "name": name, "split": split, **kw})
        if (path, str(split)) not in self.splits:
            raise ConnectionError(f"Couldn't reach '{path}' on the Hub (fake)")
        return self.splits[(path, str(split))]


def fake_hub(monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    hub = FakeHub()
    monkeypatch.setattr(datasets, "load_dataset", hub)
    return hub


def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection or name lookup fails at once (and says so)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def offline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
