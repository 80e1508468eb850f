"""Helpers for the catalog fixture tests: a few rows in a Hub dataset's real schema (tiny generated PNGs in
its Image column), written where the offline mirror keeps a split
(``DATA_ROOT/hf/<path>/<config or "default">/<split>.parquet``), and a run of a catalog task over them through
the CLI with the ``replay`` model (no network, Hugging Face offline).

A module of its own rather than a ``conftest.py``: the tests elsewhere import the root ``tests/conftest.py``
as ``conftest``, which a second ``conftest.py`` here would shadow for the folders collected after this one.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.cli.main import main

datasets = pytest.importorskip("datasets")


def png(color: str, size: int = 8) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buf, format="PNG")
    return buf.getvalue()


def image(color: str) -> dict[str, Any]:
    """A value of an HF ``Image`` column: ``{bytes, path}``."""
    return {"bytes": png(color), "path": None}


def write_split(
    root: Path, path: str, split: str, columns: dict[str, list[Any]], features: Any, config: str | None = None
) -> Path:
    """Write the rows (``columns``, typed by ``features``) as the mirrored Parquet file of one split."""
    file = root / "hf" / path / (config or "default") / f"{split}.parquet"
    file.parent.mkdir(parents=True, exist_ok=True)
    datasets.Dataset.from_dict(columns, features=features).to_parquet(str(file))
    return file


def replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, root: Path, predictions: dict[str, str]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Run ``task`` over the mirror under ``root`` with the replay model answering ``predictions``
    (``doc_id -> response``); returns the task's results and its samples by doc id."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / f"{task}_predictions.jsonl"
    preds.write_text(
        "".join(
            json.dumps({"task": task, "doc_id": k, "response": v}) + "\n" for k, v in predictions.items()
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", task, "--data_root", str(root),
         "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    run_dir = next(out.glob("replay/*/"))
    results = json.loads((run_dir / "results.json").read_text())["results"][task]
    lines = (run_dir / f"samples_{task}.jsonl").read_text(encoding="utf-8").splitlines()
    samples = {s["doc_id"]: s for s in map(json.loads, lines)}
    return results, samples


def value(results: dict[str, Any], key: str, *group: str) -> float:
    """A metric's value, overall or (``group`` = field, value) in the breakdown."""
    if group:
        field, name = group
        return float(results["breakdown"][field][name][key]["value"])
    return float(results["metrics"][key]["value"])


def wav(seconds: float = 0.05, rate: int = 16000, hz: float = 440.0) -> bytes:
    """A tiny mono 16-bit PCM WAV file (a sine tone), for the ``{bytes, path}`` value of an HF ``Audio``
    column."""
    import math
    import struct
    import wave

    frames = int(seconds * rate)
    pcm = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / rate))) for i in range(frames)
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buf.getvalue()


def write_audio_split(
    root: Path, path: str, split: str, columns: dict[str, list[Any]], features: Any, config: str | None = None
) -> Path:
    """``write_split`` for features with ``Audio`` columns (values ``{bytes, path}``, e.g. from :func:`wav`):
    datasets encodes Audio values only with torchcodec, so the rows are built with those columns as plain
    ``{bytes, path}`` structs and then cast to ``Audio`` (a cast re-labels the Arrow column, it encodes
    nothing), giving the Parquet file and the features metadata of the real split."""
    plain = datasets.Features(
        {
            name: {"bytes": datasets.Value("binary"), "path": datasets.Value("string")}
            if isinstance(feature, datasets.Audio)
            else feature
            for name, feature in features.items()
        }
    )
    file = root / "hf" / path / (config or "default") / f"{split}.parquet"
    file.parent.mkdir(parents=True, exist_ok=True)
    datasets.Dataset.from_dict(columns, features=plain).cast(features).to_parquet(str(file))
    return file
