"""``dataset.media`` pieces: the spec, archive extraction (zip, tar.gz, a tar split into parts; zip slip and
links out refused; atomic), the resolution order (mirror, extraction cache, Hub) with archives extracted
once, and a missing media file named with its task, doc and path by ``tasks validate`` and by a run.

``huggingface_hub.snapshot_download`` is replaced by a function serving a local folder as the snapshot of
one commit (no network here); the mirror tests (tests/mirror/test_media_mirror.py) fake the Hub cache more
closely and run the CLI end to end."""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from lmms_eval.core.errors import DataError
from lmms_eval.tasks.sources import archives, no_hub_downloads
from lmms_eval.tasks.sources.archives import extract_archive, place_files
from lmms_eval.tasks.sources.media import MediaRequest
from lmms_eval.tasks.spec import DatasetSpec

huggingface_hub = pytest.importorskip("huggingface_hub")
datasets = pytest.importorskip("datasets")

SHA = "feedfacefeedfacefeedfacefeedfacefeedface"


def dataset(**media: Any) -> DatasetSpec:
    return DatasetSpec.model_validate(
        {"hub": {"path": "acme/v", "split": "test", "revision": "r1"}, "media": media}
    )


def test_spec_defaults_and_errors() -> None:
    request = MediaRequest.of(dataset(files=["videos/*.zip"]))
    assert (request.repo, request.revision, request.extract, request.subdir) == ("acme/v", "r1", True, None)
    other = MediaRequest.of(dataset(repo="acme/videos", files=["*.tar"], extract=False, subdir="a/b"))
    assert (other.repo, other.revision, other.extract, other.subdir) == ("acme/videos", None, False, "a/b")
    for bad, words in (
        ({"files": []}, "glob patterns"),
        ({"files": ["../x.zip"]}, "inside the repo"),
        ({"files": ["/x.zip"]}, "inside the repo"),
        ({"files": ["x"], "subdir": "../up"}, "folder inside"),
        ({"files": ["x"], "unzip": True}, "Extra inputs"),
    ):
        with pytest.raises(ValidationError, match=words):
            dataset(**bad)
    with pytest.raises(ValidationError, match="needs 'repo'"):
        DatasetSpec.model_validate({"local": {"path": "x.jsonl"}, "media": {"files": ["*.zip"]}})


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def write_tar(
    path: Path, members: dict[str, bytes], gzip: bool = False, links: dict[str, str] | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz" if gzip else "w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tf.addfile(info)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.mp4", "a/../../evil.mp4", "/abs/evil.mp4", "C:/evil.mp4", "..\\evil.mp4"]
)
def test_zip_slip_is_refused(tmp_path: Path, name: str) -> None:
    archive = write_zip(tmp_path / "in" / "bad.zip", {"ok.mp4": b"ok", name: b"evil"})
    dest = tmp_path / "out" / "media"
    with pytest.raises(DataError) as err:
        extract_archive([archive], dest)
    assert f"'{name}'" in str(err.value) and "zip slip" in str(err.value) and str(archive) in str(err.value)
    assert not (dest / "ok.mp4").exists() and not list(tmp_path.rglob("evil.mp4"))


def test_tar_traversal_and_links_out_are_refused(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    with pytest.raises(DataError, match="zip slip"):
        extract_archive([write_tar(tmp_path / "a.tar", {"../evil.mp4": b"x"})], dest)
    with pytest.raises(DataError, match="outside the media folder"):
        extract_archive([write_tar(tmp_path / "b.tar", {}, links={"link.mp4": "/etc/passwd"})], dest)
    assert not (dest / "link.mp4").exists() and not (tmp_path / "evil.mp4").exists()


def test_tar_gz_and_a_tar_split_into_parts(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    write_tar(snap / "sub" / "clips.tar.gz", {"clips/c1.mp4": b"c1"}, gzip=True)
    whole = write_tar(tmp_path / "videos.tar", {f"videos/v{i}.mp4": bytes([i]) * 3000 for i in range(4)})
    data = whole.read_bytes()
    step = len(data) // 3 + 1
    for i, suffix in enumerate(("aa", "ab", "ac")):  # as `split -b` names them
        (snap / f"videos.tar.part.{suffix}").write_bytes(data[i * step : (i + 1) * step])
    (snap / "notes.txt").write_text("loose")
    dest = tmp_path / "media"
    placed = place_files(snap, {"*.tar*": True, "sub/*": True, "notes.txt": True}, dest, copy=True)
    assert placed.archives == [
        "sub/clips.tar.gz",
        "videos.tar.part.aa",
        "videos.tar.part.ab",
        "videos.tar.part.ac",
    ]
    assert placed.files == ["clips/c1.mp4", "notes.txt", *(f"videos/v{i}.mp4" for i in range(4))]
    assert [(dest / f"videos/v{i}.mp4").read_bytes() for i in range(4)] == [
        bytes([i]) * 3000 for i in range(4)
    ]
    assert (dest / "clips" / "c1.mp4").read_bytes() == b"c1"
    # extract: false keeps the archive as a file
    kept = place_files(snap, {"sub/*": False}, tmp_path / "kept", copy=False)
    assert kept.archives == [] and kept.files == ["sub/clips.tar.gz"]
    assert (tmp_path / "kept" / "sub" / "clips.tar.gz").is_symlink()


def test_a_failed_layout_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    write_zip(snap / "a.zip", {"a.mp4": b"a"})
    dest = tmp_path / "media"
    place_files(snap, {"a.zip": True}, dest, copy=True)
    write_zip(snap / "b.zip", {"b.mp4": b"b", "../c.mp4": b"c"})
    with pytest.raises(DataError, match="zip slip"):
        place_files(snap, {"b.zip": True}, dest, copy=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media", "snap"]  # no partial folder left
    assert archives.files_under(dest) == ["a.mp4"]
    with pytest.raises(DataError, match="No file of the downloaded repo matches 'videos/\\*'"):
        place_files(snap, {"videos/*": True}, dest, copy=True)


class Snapshots:
    """``snapshot_download`` over a local folder: the files matching ``allow_patterns`` are copied into
    ``<cache>/snapshots/<SHA>`` (as the Hugging Face cache names a snapshot); offline, only an existing
    snapshot is returned."""

    def __init__(self, remote: Path, cache: Path) -> None:
        self.remote, self.cache, self.calls = remote, cache, 0

    def __call__(
        self, repo_id: str, *, allow_patterns: list[str], local_files_only: bool = False, **kw: Any
    ) -> str:
        self.calls += 1
        snap = self.cache / "snapshots" / SHA
        if local_files_only or os.environ.get("HF_HUB_OFFLINE") == "1":
            if not snap.is_dir():
                raise FileNotFoundError("not in the local cache (fake)")
            return str(snap)
        for rel in archives.repo_files(self.remote, allow_patterns):
            (snap / rel).parent.mkdir(parents=True, exist_ok=True)
            (snap / rel).write_bytes((self.remote / rel).read_bytes())
        return str(snap)


def write_video_task(folder: Path, media: str, revision: str | None = SHA) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rev = f", revision: {revision}" if revision else ""
    (folder / "vid.yaml").write_text(
        f"""task: vid
dataset:
  hub: {{path: acme/v, split: test{rev}}}
  media: {media}
doc_id: vid
prompt:
  user:
    - video: {{path: "{{{{ vid }}}}.mp4"}}
    - text: Describe it.
target: "{{{{ vid }}}}"
metrics: [exact_match]
"""
    )
    return folder / "vid.yaml"


def write_split(root: Path, ids: list[str]) -> None:
    file = root / "hf" / "acme" / "v" / "default" / "test.parquet"
    file.parent.mkdir(parents=True, exist_ok=True)
    datasets.Dataset.from_dict({"vid": ids}).to_parquet(str(file))


def video_task(yaml: Path, root: Path) -> Any:
    from lmms_eval.tasks.task import Task
    from lmms_eval.tasks.yaml_loader import parse_spec

    return Task(parse_spec(yaml), yaml, root)  # type: ignore[arg-type]


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Snapshots:
    remote = tmp_path / "remote"
    write_zip(remote / "videos" / "all.zip", {"clips/v1.mp4": b"one", "clips/v2.mp4": b"two"})
    snapshots = Snapshots(remote, tmp_path / "hf_cache")
    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshots)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return snapshots


def media_path(task: Any, doc_index: int = 0) -> Path:
    doc = task.docs()[doc_index]
    return Path(task.messages(doc, None, None)[0].content[0].ref.path)


def count_extractions(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """The archives extracted from now on (each call's parts)."""
    calls: list[list[Path]] = []
    real = archives.extract_archive

    def counting(parts: list[Path], dest: Path) -> None:
        calls.append(parts)
        real(parts, dest)

    monkeypatch.setattr(archives, "extract_archive", counting)
    return calls


@pytest.mark.parametrize("revision", [SHA, None])
def test_the_cache_extracts_an_archive_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub: Snapshots, revision: str | None
) -> None:
    yaml = write_video_task(tmp_path / "t", '{files: ["videos/*.zip"], subdir: clips}', revision)
    root = tmp_path / "root"
    write_split(root, ["v1", "v2"])
    calls = count_extractions(monkeypatch)
    path = media_path(video_task(yaml, root), 1)
    cache = Path(os.environ["LMMS_EVAL_CACHE_DIR"]) / "media" / "acme" / "v" / SHA
    assert path == cache / "clips" / "v2.mp4" and path.read_bytes() == b"two" and len(calls) == 1
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # unpinned: the Hugging Face cache gives the revision
    assert media_path(video_task(yaml, root)) == cache / "clips" / "v1.mp4"
    with no_hub_downloads():  # what validate does
        assert media_path(video_task(yaml, root)) == cache / "clips" / "v1.mp4"
    assert len(calls) == 1 and hub.calls == (1 if revision else 3)
    # where downloads are off, nothing is extracted: a folder not laid out before is missing
    monkeypatch.setenv("LMMS_EVAL_CACHE_DIR", str(tmp_path / "fresh"))
    with no_hub_downloads(), pytest.raises(DataError) as err:
        video_task(yaml, root).docs()
    assert "Hub: not asked (no downloads here)" in str(err.value) and "lmms-eval data pull vid" in str(
        err.value
    )
    assert len(calls) == 1 and not (tmp_path / "fresh" / "media").exists()


def test_the_mirror_wins_and_is_checked_against_its_manifest(tmp_path: Path, hub: Snapshots) -> None:
    yaml = write_video_task(tmp_path / "t", '{files: ["videos/*.zip"], subdir: clips}')
    root = tmp_path / "root"
    write_split(root, ["v1", "v2"])
    mirrored = root / "hf" / "acme" / "v" / "media" / "clips"
    mirrored.mkdir(parents=True)
    (mirrored / "v1.mp4").write_bytes(b"by hand")  # laid out by hand: no manifest record, trusted
    assert media_path(video_task(yaml, root)) == mirrored / "v1.mp4" and hub.calls == 0
    manifest: dict[str, Any] = {"schema_version": 1, "media": [{"repo": "acme/v", "revision": "0ld", "patterns": {"videos/*.zip": True},
                "dir": "acme/v/media", "pulled_at": "2026-01-01T00:00:00Z"}]}  # fmt: skip
    (root / "hf" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match=f"at revision 0ld, but the task pins revision {SHA}.*data pull vid"):
        video_task(yaml, root).docs()
    manifest["media"][0].update(revision=SHA, patterns={"videos/*.zip": False})
    (root / "hf" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="not all the task's files"):
        video_task(yaml, root).docs()
    yaml = write_video_task(tmp_path / "t", '{files: ["videos/*.zip"], subdir: nowhere}')
    manifest["media"][0].update(patterns={"videos/*.zip": True})
    (root / "hf" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="media.subdir 'nowhere' is not a folder"):
        video_task(yaml, root).docs()


def test_a_missing_media_file_is_named_by_validate_and_by_a_run(
    tmp_path: Path, hub: Snapshots, capsys: pytest.CaptureFixture[str]
) -> None:
    from lmms_eval.cli.main import main

    yaml = write_video_task(tmp_path / "t", '{files: ["videos/*.zip"], subdir: clips}')
    root = tmp_path / "root"
    write_split(root, ["v9", "v1"])  # v9 is in no archive
    mirrored = root / "hf" / "acme" / "v" / "media" / "clips"
    mirrored.mkdir(parents=True)
    (mirrored / "v1.mp4").write_bytes(b"not a video")
    args = ["--include_path", str(yaml.parent), "--data_root", str(root)]
    assert main(["tasks", "validate", "vid", *args, "--json"]) == 1
    (report,) = json.loads(capsys.readouterr().out)["tasks"]
    errors = [f["message"] for f in report["findings"] if f["level"] == "error"]
    assert report["name"] == "vid" and any(str(mirrored / "v9.mp4") in e for e in errors), errors
    out = tmp_path / "out"
    assert main(["run", "--model", "dummy", "--tasks", "vid", *args, "--output_path", str(out)]) != 0
    printed = capsys.readouterr()
    assert "No such file or directory (e.g. vid doc v9)" in printed.out + printed.err
    lines = next(out.glob("dummy/*/samples_vid.jsonl")).read_text().splitlines()
    failed = {s["doc_id"]: s for s in map(json.loads, lines)}["v9"]
    assert failed["task"] == "vid" and f"{mirrored / 'v9.mp4'}: No such file" in failed["error"]
