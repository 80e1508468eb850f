"""MATH-Vision from a mirror built by ``data pull`` (a few rows of ../shared/data/math_vision converted to the
Hub schema of MathLLMs/MathVision) gives the docs the local layout gives: same ids, targets, prompts and
image bytes; the mirror wins when both are there; with neither, the error names both and the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA
from mirror_fixtures import block_network, datasets, fake_hub, offline_env

from lmms_eval.cli.main import main
from lmms_eval.core.errors import DataError
from lmms_eval.core.types import ImagePart, TextPart
from lmms_eval.tasks.index import CATALOG_DIR
from lmms_eval.tasks.spec import TaskSpec
from lmms_eval.tasks.task import Task
from lmms_eval.tasks.yaml_loader import parse_spec

MATH_VISION = SHARED_DATA / "math_vision"
TESTMINI = MATH_VISION / "data" / "testmini.jsonl"
N = 6
REVISION = "b223f3c02d8fb946c7bb9e498084fd6e4a148550"
needs_data = pytest.mark.skipif(not TESTMINI.exists(), reason="needs ../shared/data/math_vision")

HUB_FEATURES = datasets.Features(  # the dataset card of MathLLMs/MathVision
    {
        "id": datasets.Value("string"),
        "question": datasets.Value("string"),
        "options": datasets.Sequence(datasets.Value("string")),
        "image": datasets.Value("string"),
        "decoded_image": datasets.Image(),
        "answer": datasets.Value("string"),
        "solution": datasets.Value("string"),
        "level": datasets.Value("int64"),
        "subject": datasets.Value("string"),
    }
)


def local_rows() -> list[dict]:
    lines = TESTMINI.read_text(encoding="utf-8").splitlines()
    # the first rows, and a multiple-choice one with its own option texts
    rows = [json.loads(x) for x in lines]
    chosen = rows[:N] + [next(r for r in rows if r["options"] and "".join(r["options"]) != "ABCDE")]
    return chosen


def hub_dataset(rows: list[dict]) -> Any:
    columns = {k: [r.get(k) for r in rows] for k in HUB_FEATURES if k != "decoded_image"}
    columns["decoded_image"] = [
        {"bytes": (MATH_VISION / r["image"]).read_bytes(), "path": Path(r["image"]).name} for r in rows
    ]
    return datasets.Dataset.from_dict(columns, features=HUB_FEATURES)


def mathvision(root: Path) -> Task:
    path = CATALOG_DIR / "mathvision" / "mathvision_testmini.yaml"
    spec = parse_spec(path)
    assert isinstance(spec, TaskSpec)
    return Task(spec, path, root)


def pull_mirror(root: Path, monkeypatch: pytest.MonkeyPatch, rows: list[dict]) -> None:
    hub = fake_hub(monkeypatch)
    hub.add("MathLLMs/MathVision", "testmini", hub_dataset(rows))
    assert main(["data", "pull", "mathvision_testmini", "--to", str(root)]) == 0
    assert hub.calls[0]["revision"] == REVISION


@needs_data
def test_mirror_gives_the_docs_of_the_local_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = local_rows()
    root = tmp_path / "root"
    pull_mirror(root, monkeypatch, rows)
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    mirrored, local = mathvision(root), mathvision(SHARED_DATA)
    assert [d.id for d in mirrored.docs()] == [r["id"] for r in rows]  # the dataset's own id column
    assert mirrored._loaded is not None and mirrored._loaded.origin == "mirror"
    local_docs = {d.id: d for d in local.docs()}
    assert local._loaded is not None and local._loaded.origin == "local" and len(local_docs) == 304
    for doc in mirrored.docs():
        twin = local_docs[doc.id]
        assert mirrored.target(doc) == local.target(twin)
        a, b = mirrored.messages(doc, None, None), local.messages(twin, None, None)
        assert [p.text for p in a[0].content if isinstance(p, TextPart)] == [
            p.text for p in b[0].content if isinstance(p, TextPart)
        ]
        img_a, img_b = a[0].content[0], b[0].content[0]
        assert isinstance(img_a, ImagePart) and isinstance(img_b, ImagePart)
        assert img_b.ref.path == str(MATH_VISION / twin.data["image"])  # the local image path, as before
        assert img_a.ref.data == Path(img_b.ref.path).read_bytes()  # the hub's decoded_image bytes
        assert doc.data["subject"] == twin.data["subject"] and doc.data["level"] == twin.data["level"]


@needs_data
def test_mirror_wins_over_the_local_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    pull_mirror(root, monkeypatch, local_rows()[:2])
    (root / "math_vision").symlink_to(MATH_VISION)
    task = mathvision(root)
    assert len(task.docs()) == 2 and task._loaded is not None and task._loaded.origin == "mirror"


def test_neither_mirror_nor_local_names_both_and_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    fake_hub(monkeypatch)
    root = tmp_path / "empty"
    with pytest.raises(DataError) as err:
        mathvision(root).docs()
    msg = str(err.value)
    assert str(root / "hf" / "MathLLMs" / "MathVision" / "default" / "testmini.parquet") in msg
    assert str(root / "math_vision" / "data" / "testmini.jsonl") in msg
    assert f"lmms-eval data pull mathvision_testmini --data_root {root}" in msg


def test_task_listing_counts_the_mirror_and_never_downloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index counts a hub task with a local fallback from files only: the mirror's rows when it is
    there; with neither mirror nor local files, no size rather than a download (not offline here)."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    block_network(monkeypatch)
    from mirror_fixtures import png

    from lmms_eval.tasks.index import TaskIndex

    rows = [
        {"id": str(i), "question": "?", "options": [], "image": f"images/{i}.jpg", "answer": "1",
         "solution": None, "level": 1, "subject": "counting", "decoded_image": {"bytes": png("red"), "path": None}}
        for i in range(3)
    ]  # fmt: skip
    hub = fake_hub(monkeypatch)
    hub.add("MathLLMs/MathVision", "testmini", datasets.Dataset.from_list(rows, features=HUB_FEATURES))
    root = tmp_path / "root"
    assert main(["data", "pull", "mathvision_testmini", "--to", str(root)]) == 0
    calls = len(hub.calls)
    assert TaskIndex.build([], root).get("mathvision_testmini").size == 3
    assert TaskIndex.build([], tmp_path / "empty").get("mathvision_testmini").size is None
    assert len(hub.calls) == calls
