"""``lmms-eval data pull|verify|ls`` and ``tasks NAME --json``, offline: ``datasets.load_dataset`` is
redirected to tiny local datasets in a Hub schema, so pull writes the real layout and manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "mirror"))
from conftest import REPO, run_cli  # noqa: E402
from mirror_fixtures import (  # noqa: E402
    FEATURES,
    FakeHub,
    block_network,
    datasets,
    fake_hub,
    offline_env,
    png,
    toy_dataset,
    write_hub_task,
)

from lmms_eval.cli.main import main  # noqa: E402
from lmms_eval.mirror.manifest import Manifest, sha256_file  # noqa: E402

Setup = tuple[Path, Path, FakeHub]


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Setup:
    """Two hub tasks (splits test and val of acme/toy), the fake Hub serving both, a blocked network."""
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    tasks = write_hub_task(tmp_path / "tasks", "toy_hub", split="test")
    write_hub_task(tasks, "toy_hub_val", split="val")
    hub = fake_hub(monkeypatch)
    hub.add("acme/toy", "test", toy_dataset("test"))
    hub.add("acme/toy", "val", toy_dataset("val"))
    return tasks, tmp_path / "root", hub


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_pull_writes_hf_parquet_and_manifest(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    tasks, root, hub = setup
    rc, out, err = cli(capsys, "data", "pull", "toy_hub", "--to", str(root), "--include_path", str(tasks))
    assert rc == 0, err
    file = root / "hf" / "acme" / "toy" / "default" / "test.parquet"
    assert file.is_file() and "pulled" in out and "3 rows" in out
    assert hub.calls[0]["revision"] == "abc123"  # the pinned revision is what is downloaded
    manifest = Manifest.model_validate_json((root / "hf" / "manifest.json").read_text())
    assert manifest.schema_version == 1 and len(manifest.entries) == 1
    entry = manifest.entries[0]
    sha, size = sha256_file(file)
    assert (entry.path, entry.config, entry.split, entry.revision) == ("acme/toy", None, "test", "abc123")
    assert (entry.file, entry.sha256, entry.bytes, entry.rows) == (
        "acme/toy/default/test.parquet",
        sha,
        size,
        3,
    )
    # HF's own parquet: features kept in the metadata (types round-trip), images as {bytes, path}
    back = datasets.Dataset.from_parquet(str(file))
    assert back.features == FEATURES
    import pyarrow.parquet as pq

    row = pq.read_table(file).slice(1, 1).to_pylist()[0]
    assert row["decoded_image"]["bytes"] == png("green") and row["id"] == "test-1"
    # up to date: no second download
    rc, out, _ = cli(capsys, "data", "pull", "toy_hub", "--to", str(root), "--include_path", str(tasks))
    assert rc == 0 and "up to date" in out and len(hub.calls) == 1


def test_pull_needs_a_data_root(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    tasks, _, hub = setup
    rc, _, err = cli(capsys, "data", "pull", "toy_hub", "--include_path", str(tasks))
    assert rc == 2 and "--to DIR" in err and not hub.calls


def test_pull_failure_exits_nonzero(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    tasks, root, hub = setup
    write_hub_task(tasks, "toy_gone", path="acme/gone")
    rc, _, err = cli(capsys, "data", "pull", "toy_gone", "--to", str(root), "--include_path", str(tasks))
    assert rc == 1 and "FAILED acme/gone [test]" in err and "Couldn't reach" in err


def test_verify_reports_changed_missing_and_extra_files(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root, _ = setup
    inc = ("--include_path", str(tasks))
    assert cli(capsys, "data", "pull", "toy_hub", "toy_hub_val", "--to", str(root), *inc)[0] == 0
    rc, out, _ = cli(capsys, "data", "verify", "--data_root", str(root))
    assert rc == 0 and out.count("ok ") == 2 and "0 problem(s)" in out
    test_file = root / "hf" / "acme" / "toy" / "default" / "test.parquet"
    data = bytearray(test_file.read_bytes())
    data[len(data) // 2] ^= 0x01  # one changed bit, same size
    test_file.write_bytes(bytes(data))
    (root / "hf" / "acme" / "toy" / "default" / "val.parquet").unlink()
    (root / "hf" / "acme" / "toy" / "default" / "notes.txt").write_text("?")
    rc, out, _ = cli(capsys, "data", "verify", "--data_root", str(root))
    assert rc == 1
    assert "changed         acme/toy/default/test.parquet" in out
    assert "missing         acme/toy/default/val.parquet" in out
    assert "extra           acme/toy/default/notes.txt" in out
    assert "3 problem(s)" in out
    # one task: only its split is checked
    rc, out, _ = cli(capsys, "data", "verify", "toy_hub_val", "--data_root", str(root), *inc)
    assert rc == 1 and "missing" in out and "test.parquet" not in out


def test_verify_names_a_task_split_that_is_not_mirrored(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root, _ = setup
    rc, out, _ = cli(
        capsys, "data", "verify", "toy_hub", "--data_root", str(root), "--include_path", str(tasks)
    )
    assert rc == 1 and "not mirrored    acme/toy/default/test.parquet: used by toy_hub" in out
    rc, out, _ = cli(capsys, "data", "verify", "--data_root", str(root))
    assert rc == 1 and "no manifest" in out


def test_verify_exit_code_from_the_real_command(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    tasks, root, _ = setup
    assert cli(capsys, "data", "pull", "toy_hub", "--to", str(root), "--include_path", str(tasks))[0] == 0
    assert run_cli("data", "verify", "--data_root", str(root)).returncode == 0
    (root / "hf" / "acme" / "toy" / "default" / "test.parquet").write_bytes(b"not parquet")
    r = run_cli("data", "verify", "--data_root", str(root))
    assert r.returncode == 1 and "changed" in r.stdout


def test_ls_lists_mirrored_splits_and_their_tasks(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    tasks, root, _ = setup
    inc = ("--include_path", str(tasks))
    assert cli(capsys, "data", "pull", "toy_hub", "toy_hub_val", "--to", str(root), *inc)[0] == 0
    rc, out, _ = cli(capsys, "data", "ls", "--data_root", str(root), *inc)
    assert rc == 0
    lines = [line.split() for line in out.splitlines()]
    assert lines[0] == ["Dataset", "Config", "Split", "Rows", "Size", "Revision", "Tasks"]
    assert lines[1][:4] == ["acme/toy", "default", "test", "3"] and lines[1][5] == "kB"
    assert lines[1][6:] == ["abc123", "toy_hub"] and lines[2][6:] == ["abc123", "toy_hub_val"]
    rc, out, _ = cli(capsys, "data", "ls", "--json", "--data_root", str(root), *inc)
    splits = json.loads(out)["splits"]
    assert [(s["split"], s["rows"], s["revision"], s["tasks"]) for s in splits] == [
        ("test", 3, "abc123", ["toy_hub"]),
        ("val", 3, "abc123", ["toy_hub_val"]),
    ]
    assert all(s["bytes"] > 0 for s in splits)


def test_tasks_json_shows_source_mirror_status_columns_and_scoring(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root, _ = setup
    inc = ("--include_path", str(tasks))
    rc, out, _ = cli(capsys, "tasks", "toy_hub", "--json", "--data_root", str(root), *inc)
    info = json.loads(out)
    assert rc == 0
    assert info["source"] == {
        "kind": "hub",
        "path": "acme/toy",
        "config": None,
        "split": "test",
        "revision": "abc123",
        "fallback": None,
    }
    assert info["mirror"]["present"] is False and info["reads_from"] == "hub"
    assert info["mirror"]["file"] == str(root / "hf" / "acme" / "toy" / "default" / "test.parquet")
    assert info["doc_id"] == "id" and info["columns_used"] == ["answer", "decoded_image", "id", "question"]
    assert info["extractor"] == [{"name": "identity", "args": {}}]
    assert info["metrics"][0]["name"] == "exact_match" and info["prompt"]["user"][1] == {
        "text": "{{ question }}"
    }
    assert cli(capsys, "data", "pull", "toy_hub", "--to", str(root), *inc)[0] == 0
    info = json.loads(cli(capsys, "tasks", "toy_hub", "--json", "--data_root", str(root), *inc)[1])
    mirror = info["mirror"]
    assert (mirror["present"], mirror["sha256_ok"], mirror["revision_ok"], mirror["rows"]) == (
        True,
        True,
        True,
        3,
    )
    assert info["reads_from"] == "mirror"
    (root / "hf" / "acme" / "toy" / "default" / "test.parquet").write_bytes(b"changed")
    info = json.loads(cli(capsys, "tasks", "toy_hub", "--json", "--data_root", str(root), *inc)[1])
    assert info["mirror"]["sha256_ok"] is False


def test_tasks_json_of_a_local_task_and_a_group(capsys: pytest.CaptureFixture[str]) -> None:
    info = json.loads(cli(capsys, "tasks", "nlvr_dev", "--json")[1])
    assert info["source"]["kind"] == "local" and info["source"]["exists"] is True and info["mirror"] is None
    assert {"sentence", "label", "identifier", "directory"} <= set(info["columns_used"])
    group = json.loads(cli(capsys, "tasks", "synthetic_video_qa", "--json")[1])
    assert group["kind"] == "group" and "synthetic_video_count" in group["tasks"]


def test_tasks_json_and_data_help_import_no_heavy_library() -> None:
    code = (
        "import sys, io, contextlib\nfrom lmms_eval.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['tasks', 'mathvision_testmini', '--json']); main(['data', 'ls'])\n"
        "heavy = [m for m in ('torch', 'transformers', 'datasets', 'numpy', 'pyarrow') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""
