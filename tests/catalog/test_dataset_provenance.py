"""What results record of the data: where the docs came from (mirror / local), the revision actually read,
and a fingerprint of the docs evaluated that changes with the questions, media and answers, not with
anything else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.cli.main import main

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
STR = datasets.Value("string")
FEATURES = datasets.Features(  # the columns of vikhyatk/CountBenchQA (the countbench task)
    {"image": datasets.Image(), "text": STR, "question": STR, "number": datasets.Value("int64")}
)


def _mirror(root: Path, numbers: list[int], colors: tuple[str, ...] = ("red", "green", "blue")) -> None:
    columns: dict[str, list[Any]] = {
        "image": [image(c) for c in colors[: len(numbers)]],
        "text": ["a photo"] * len(numbers),
        "question": [f"How many things are in image {i}?" for i in range(len(numbers))],
        "number": numbers,
    }
    write_split(root, "vikhyatk/CountBenchQA", "test", columns, FEATURES)


def _dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path) -> dict[str, Any]:
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
    results, _ = replay(tmp_path, monkeypatch, "countbench", root, {"0": "3", "1": "4", "2": "5"})
    dataset: dict[str, Any] = results["dataset"]
    return dataset


def test_mirror_runs_record_origin_and_a_docs_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _mirror(root, [3, 4, 5])
    first = _dataset(tmp_path, monkeypatch, root)
    assert first["origin"] == "mirror" and first["source"].startswith("hf:vikhyatk/CountBenchQA")
    assert len(first["docs_fingerprint"]) == 64
    assert _dataset(tmp_path, monkeypatch, root)["docs_fingerprint"] == first["docs_fingerprint"]  # stable

    _mirror(root, [3, 4, 6])  # one answer changed
    assert _dataset(tmp_path, monkeypatch, root)["docs_fingerprint"] != first["docs_fingerprint"]
    _mirror(root, [3, 4, 5], colors=("red", "green", "white"))  # one image changed
    assert _dataset(tmp_path, monkeypatch, root)["docs_fingerprint"] != first["docs_fingerprint"]


@pytest.mark.skipif(not (SHARED_DATA / "math_vision").exists(), reason="needs ../shared/data/math_vision")
def test_a_local_fallback_run_records_local_origin_and_no_hub_revision(tmp_path: Path) -> None:
    """mathvision_testmini pins a Hub revision, but with no mirror it reads the local copy: the results must
    not claim the Hub revision for it."""
    rows = (SHARED_DATA / "math_vision" / "data" / "testmini.jsonl").read_text().splitlines()[:5]
    preds = tmp_path / "pred.jsonl"
    preds.write_text(
        "".join(
            json.dumps(
                {"task": "mathvision_testmini", "doc_id": json.loads(r)["id"], "response": "\\boxed{A}"}
            )
            + "\n"
            for r in rows
        )
    )
    out = tmp_path / "out"
    for limit in ("3", "5"):
        rc = main(
            ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "mathvision_testmini",
             "--data_root", str(SHARED_DATA), "--output_path", str(out / limit), "--limit", limit,
             "--max_errors", "100%"]
        )  # fmt: skip
        assert rc == 0
    runs = {
        limit: json.loads(next((out / limit).glob("replay/*/results.json")).read_text())["results"]
        for limit in ("3", "5")
    }
    dataset = runs["3"]["mathvision_testmini"]["dataset"]
    assert dataset["origin"] == "local" and dataset["revision"] is None
    # the same file, but other docs evaluated: the file fingerprint agrees, the docs fingerprint does not
    other = runs["5"]["mathvision_testmini"]["dataset"]
    assert dataset["fingerprint"] == other["fingerprint"]
    assert dataset["docs_fingerprint"] != other["docs_fingerprint"]
