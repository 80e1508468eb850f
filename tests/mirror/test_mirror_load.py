"""A hub task reads its split from the mirror under the data root, with the network blocked, HF offline set
and ``datasets.load_dataset`` unusable; without a mirror it fails at once, naming the files and the fix."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from mirror_fixtures import block_network, fake_hub, offline_env, png, toy_dataset, write_hub_task

from lmms_eval.cli.main import main
from lmms_eval.core.errors import DataError
from lmms_eval.core.types import ImagePart
from lmms_eval.tasks.spec import TaskSpec
from lmms_eval.tasks.task import Task
from lmms_eval.tasks.yaml_loader import parse_spec


def load_task(folder: Path, name: str, root: Path) -> Task:
    path = folder / f"{name}.yaml"
    spec = parse_spec(path)
    assert isinstance(spec, TaskSpec)
    return Task(spec, path, root)


def pull(folder: Path, root: Path, *names: str) -> None:
    assert main(["data", "pull", *names, "--to", str(root), "--include_path", str(folder)]) == 0


def test_hub_task_reads_the_mirror_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root = write_hub_task(tmp_path / "tasks"), tmp_path / "root"
    hub = fake_hub(monkeypatch)
    hub.add("acme/toy", "test", toy_dataset("test"))
    pull(tasks, root, "toy_hub")
    # now: no network, HF offline, and the Hub (datasets.load_dataset) gone
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    hub.splits.clear()
    calls = len(hub.calls)
    task = load_task(tasks, "toy_hub", root)
    docs = task.docs()
    assert [d.id for d in docs] == ["test-0", "test-1", "test-2"]
    assert task._loaded is not None and task._loaded.origin == "mirror"
    assert task._loaded.revision == "abc123" and task.target(docs[2]) == "blue"
    image = task.messages(docs[1], None, None)[0].content[0]
    assert isinstance(image, ImagePart) and image.ref.data == png("green") and image.ref.sha256
    assert len(hub.calls) == calls  # datasets was never asked
    # the whole run, through the CLI, scores from the mirror
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "dummy", "--tasks", "toy_hub", "--include_path", str(tasks), "--data_root", str(root),
         "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    res = json.loads(next(out.glob("dummy/*/results.json")).read_text())["results"]["toy_hub"]
    assert res["n_docs"] == 3 and len(hub.calls) == calls


def test_missing_mirror_fails_fast_naming_files_and_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks, root = write_hub_task(tmp_path / "tasks"), tmp_path / "root"
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    hub = fake_hub(monkeypatch)
    start = time.monotonic()
    with pytest.raises(DataError) as err:
        load_task(tasks, "toy_hub", root).docs()
    # offline, only datasets' own cache is looked at (once, fast); then the error names the fix
    assert time.monotonic() - start < 5 and len(hub.calls) == 1
    msg = str(err.value)
    assert str(root / "hf" / "acme" / "toy" / "default" / "test.parquet") in msg and "test.jsonl" in msg
    assert f"lmms-eval data pull toy_hub --data_root {root}" in msg
    assert "HF_HUB_OFFLINE=1" in msg and "Task 'toy_hub'" in msg


def test_missing_mirror_online_names_the_hub_error_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the offline flag the Hub is asked (here: the fake Hub, which cannot reach it)."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    block_network(monkeypatch)
    tasks, root = write_hub_task(tmp_path / "tasks"), tmp_path / "root"
    hub = fake_hub(monkeypatch)
    with pytest.raises(DataError) as err:
        load_task(tasks, "toy_hub", root).docs()
    assert hub.calls and hub.calls[0]["revision"] == "abc123"
    msg = str(err.value)
    assert "Couldn't reach" in msg and f"lmms-eval data pull toy_hub --data_root {root}" in msg


def test_run_without_mirror_exits_2_with_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root = write_hub_task(tmp_path / "tasks"), tmp_path / "root"
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    fake_hub(monkeypatch)
    args = ["run", "--model", "dummy", "--tasks", "toy_hub", "--include_path", str(tasks)]
    rc = main([*args, "--data_root", str(root), "--output_path", str(tmp_path / "out")])
    assert rc == 2 and f"lmms-eval data pull toy_hub --data_root {root}" in capsys.readouterr().err


def test_jsonl_mirror_with_media_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    hub = fake_hub(monkeypatch)
    tasks, root = write_hub_task(tmp_path / "tasks"), tmp_path / "root"
    split_dir = root / "hf" / "acme" / "toy" / "default"
    (split_dir / "images").mkdir(parents=True)
    (split_dir / "images" / "a.png").write_bytes(png("red"))
    (split_dir / "test.jsonl").write_text(
        json.dumps({"id": "j1", "question": "Colour?", "decoded_image": "images/a.png", "answer": "red"})
        + "\n"
    )
    task = load_task(tasks, "toy_hub", root)
    assert [d.id for d in task.docs()] == ["j1"] and not hub.calls
    image = task.messages(task.docs()[0], None, None)[0].content[0]
    assert isinstance(image, ImagePart) and image.ref.path == str(split_dir / "images" / "a.png")
    from lmms_eval.media.image import decode_image

    assert decode_image(image).getpixel((0, 0)) == (255, 0, 0)


def test_mirror_at_another_revision_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks, root = write_hub_task(tmp_path / "tasks"), tmp_path / "root"
    hub = fake_hub(monkeypatch)
    hub.add("acme/toy", "test", toy_dataset("test"))
    pull(tasks, root, "toy_hub")
    write_hub_task(tasks, revision="def456")  # the task's pin moves on
    offline_env(monkeypatch, tmp_path)
    with pytest.raises(DataError) as err:
        load_task(tasks, "toy_hub", root).docs()
    msg = str(err.value)
    assert "revision abc123" in msg and "pins revision def456" in msg
    assert f"lmms-eval data pull toy_hub --data_root {root}" in msg
