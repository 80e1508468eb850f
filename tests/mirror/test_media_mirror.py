"""``dataset.media`` end to end: a video task whose questions are a Hub split and whose videos are files of the
same Hub dataset repo (a zip of two mp4 files plus one mp4 not archived), run with the ``replay`` model through
the CLI (a) from the mirror after ``data pull`` (network blocked, HF offline, the Hub gone), (b) from the Hub
through the extraction cache. ``data verify`` catches a changed, missing or added media file; ``data ls`` shows
the media; offline with nothing there the error names ``lmms-eval data pull TASK``.

The Hub is faked at its two entry points: ``datasets.load_dataset`` (the split, ``mirror_fixtures.fake_hub``)
and ``huggingface_hub.snapshot_download`` (:class:`FakeRepos`: a local folder per repo, copied into a
Hugging-Face-cache-like ``snapshots/<sha>/`` of symlinks to blobs, filtered by ``allow_patterns``).
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import shutil
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from mirror_fixtures import block_network, datasets, fake_hub, offline_env

from lmms_eval.cli.main import main
from lmms_eval.core.errors import DataError

av = pytest.importorskip("av")
huggingface_hub = pytest.importorskip("huggingface_hub")

REPO = "acme/toyvideo"
SHA = "0123456789abcdef0123456789abcdef01234567"
FEATURES = datasets.Features(
    {
        "videoID": datasets.Value("string"),
        "question": datasets.Value("string"),
        "answer": datasets.Value("string"),
    }
)


def mp4(gray: int, frames: int = 4, size: int = 16) -> bytes:
    """A tiny video whose every frame is flat gray at luma ``gray``."""
    import numpy as np

    buf = io.BytesIO()
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream(codec, rate=4)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            y = np.full((size * 3 // 2, size), 128, dtype=np.uint8)
            y[:size] = gray
            frame = av.VideoFrame.from_ndarray(y, format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, 4)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


GRAY = {"v1": 40, "v2": 120, "v3": 200}


def make_repo(folder: Path, members: dict[str, bytes] | None = None) -> Path:
    """The repo's files: ``videos/part1.zip`` (``data/v1.mp4``, ``data/v2.mp4``), ``data/v3.mp4`` not
    archived, and a README the task does not ask for."""
    (folder / "videos").mkdir(parents=True)
    (folder / "data").mkdir()
    members = members or {f"data/{v}.mp4": mp4(GRAY[v]) for v in ("v1", "v2")}
    with zipfile.ZipFile(folder / "videos" / "part1.zip", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    (folder / "data" / "v3.mp4").write_bytes(mp4(GRAY["v3"]))
    (folder / "README.md").write_text("not media\n")
    return folder


class FakeRepos:
    """Stands in for ``huggingface_hub.snapshot_download``: each repo is a local folder at one commit; a
    call lays the files matching ``allow_patterns`` out as the Hugging Face cache does
    (``<cache>/datasets--owner--name/snapshots/<sha>/`` holding symlinks to ``blobs/``) and returns that
    folder. Offline (``HF_HUB_OFFLINE``, or ``local_files_only``) only a snapshot made before is returned;
    an unknown repo raises as the Hub would without a network."""

    def __init__(self, cache: Path) -> None:
        self.cache, self.repos, self.calls = cache, {}, []  # type: ignore[var-annotated]

    def add(self, repo: str, folder: Path, sha: str = SHA) -> None:
        self.repos[repo] = (folder, sha)

    def __call__(self, repo_id: str, *, repo_type: str | None = None, revision: str | None = None,
                 allow_patterns: list[str] | None = None, local_files_only: bool = False, **kw: Any) -> str:  # fmt: skip
        self.calls.append({"repo_id": repo_id, "revision": revision, "allow_patterns": allow_patterns})
        assert repo_type == "dataset"
        base = self.cache / f"datasets--{repo_id.replace('/', '--')}"
        if local_files_only or os.environ.get("HF_HUB_OFFLINE") == "1":
            cached = sorted((base / "snapshots").glob(revision or "*"))
            if not cached:
                raise FileNotFoundError(
                    f"Cannot find the requested files of {repo_id} in the local cache (fake)"
                )
            return str(cached[0])
        if repo_id not in self.repos:
            raise ConnectionError(f"Couldn't reach '{repo_id}' on the Hub (fake)")
        folder, sha = self.repos[repo_id]
        if revision not in (None, sha):
            raise ValueError(f"Revision {revision} not found (fake)")
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = file.relative_to(folder).as_posix()
            if allow_patterns and not any(fnmatch.fnmatch(rel, p) for p in allow_patterns):
                continue
            blob, link = base / "blobs" / rel.replace("/", "__"), base / "snapshots" / sha / rel
            blob.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, blob)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.unlink(missing_ok=True)
            link.symlink_to(blob)
        return str(base / "snapshots" / sha)


def fake_repos(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeRepos:
    repos = FakeRepos(tmp_path / "hf_cache")
    monkeypatch.setattr(huggingface_hub, "snapshot_download", repos)
    return repos


def questions() -> Any:
    return datasets.Dataset.from_dict(
        {
            "videoID": ["v1", "v2", "v3"],
            "question": ["How bright is it?"] * 3,
            "answer": ["dark", "mid", "light"],
        },
        features=FEATURES,
    )


def write_task(folder: Path, name: str = "toy_video", media: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    media = media or '{files: ["videos/*.zip", "data/*.mp4"], subdir: data}'
    (folder / f"{name}.yaml").write_text(
        f"""task: {name}
dataset:
  hub: {{path: {REPO}, split: test, revision: {SHA}}}
  media: {media}
doc_id: videoID
prompt:
  user:
    - video: {{path: "{{{{ videoID }}}}.mp4", num_frames: 2}}
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
extractor: identity
metrics: [exact_match]
"""
    )
    return folder


def setup_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, FakeRepos]:
    hub = fake_hub(monkeypatch)
    hub.add(REPO, "test", questions())
    repos = fake_repos(monkeypatch, tmp_path)
    repos.add(REPO, make_repo(tmp_path / "remote"))
    return hub, repos


def run_replay(
    tmp_path: Path, tasks: Path, root: Path, out: str = "out"
) -> tuple[dict[str, Any], dict[str, Any]]:
    preds = tmp_path / "preds.jsonl"
    answers = {"v1": "dark", "v2": "light", "v3": "light"}
    preds.write_text("".join(json.dumps({"task": "toy_video", "doc_id": k, "response": v}) + "\n"
                             for k, v in answers.items()))  # fmt: skip
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "toy_video", "--include_path",
         str(tasks), "--data_root", str(root), "--output_path", str(tmp_path / out)]
    )  # fmt: skip
    assert rc == 0
    run_dir = next((tmp_path / out).glob("replay/*/"))
    results = json.loads((run_dir / "results.json").read_text())["results"]["toy_video"]
    lines = (run_dir / "samples_toy_video.jsonl").read_text().splitlines()
    return results, {s["doc_id"]: s for s in map(json.loads, lines)}


def video_path(sample: dict[str, Any]) -> Path:
    part = sample["prompt"][-1]["content"][0]
    assert part["type"] == "video"
    return Path(part["path"])


def brightness(path: Path) -> int:
    """The mean luma of the first frame the decoder samples from the video at ``path``."""
    from lmms_eval.core.types import MediaRef, VideoPart
    from lmms_eval.media.video import decode_video

    frames = decode_video(VideoPart(ref=MediaRef(path=str(path)), num_frames=1))
    return round(sum(frames.frames[0].convert("L").getdata()) / (16 * 16))


def check_run(results: dict[str, Any], samples: dict[str, Any], media: Path) -> None:
    assert results["n_docs"] == 3
    assert results["metrics"]["exact_match"]["value"] == pytest.approx(2 / 3)
    for vid in ("v1", "v2", "v3"):
        path = video_path(samples[vid])
        assert path == media / "data" / f"{vid}.mp4"
        full_range = (GRAY[vid] - 16) * 255 / 219  # the limited-range luma, as RGB shows it
        assert abs(brightness(path) - full_range) <= 4  # the right video, and it decodes


def test_run_from_the_mirror_after_data_pull(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root = write_task(tmp_path / "tasks"), tmp_path / "root"
    hub, repos = setup_hub(tmp_path, monkeypatch)
    assert main(["data", "pull", "toy_video", "--to", str(root), "--include_path", str(tasks)]) == 0
    out = capsys.readouterr().out
    assert f"pulled     media {REPO}" in out and "3 files" in out
    assert repos.calls[0]["revision"] == SHA and repos.calls[0]["allow_patterns"] == [
        "videos/*.zip",
        "data/*.mp4",
    ]
    media = root / "hf" / REPO / "media"
    assert sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()) == [
        "data/v1.mp4", "data/v2.mp4", "data/v3.mp4"
    ]  # fmt: skip
    assert not any(p.is_symlink() for p in media.rglob("*"))  # the mirror stands alone
    manifest = json.loads((root / "hf" / "manifest.json").read_text())
    (entry,) = manifest["media"]
    assert entry["repo"] == REPO and entry["revision"] == SHA and entry["archives"] == ["videos/part1.zip"]
    import hashlib

    for f in entry["files"]:
        data = (root / "hf" / f["file"]).read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest() and f["bytes"] == len(data)
    # a second pull is a no-op
    calls = len(repos.calls)
    assert main(["data", "pull", "toy_video", "--to", str(root), "--include_path", str(tasks)]) == 0
    assert "up to date media" in capsys.readouterr().out and len(repos.calls) == calls
    # now: HF offline, no network, and both Hub entry points empty
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    hub.splits.clear()
    repos.repos.clear()
    shutil.rmtree(tmp_path / "hf_cache")
    results, samples = run_replay(tmp_path, tasks, root)
    check_run(results, samples, media)
    assert len(repos.calls) == calls


def test_run_from_the_hub_through_the_extraction_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks, root = write_task(tmp_path / "tasks"), tmp_path / "root"
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
    block_network(monkeypatch)
    _, repos = setup_hub(tmp_path, monkeypatch)
    results, samples = run_replay(tmp_path, tasks, root)
    cache = Path(os.environ["LMMS_EVAL_CACHE_DIR"]) / "media" / REPO / SHA
    check_run(results, samples, cache)
    assert not (root / "hf" / REPO / "media").exists()
    marker = json.loads((cache.parent / f"{SHA}.json").read_text())
    assert marker["archives"] == ["videos/part1.zip"] and marker["patterns"] == {
        "videos/*.zip": True, "data/*.mp4": True
    }  # fmt: skip
    assert (cache / "data" / "v3.mp4").is_symlink()  # a loose file links to the Hugging Face cache
    # a second run finds the cache by its pinned revision: the Hub is not asked again
    calls = len(repos.calls)
    results, samples = run_replay(tmp_path, tasks, root, out="out2")
    check_run(results, samples, cache)
    assert len(repos.calls) == calls


def test_offline_without_media_names_the_pull_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks, root = write_task(tmp_path / "tasks"), tmp_path / "root"
    hub, repos = setup_hub(tmp_path, monkeypatch)
    assert main(["data", "pull", "toy_video", "--to", str(root), "--include_path", str(tasks)]) == 0
    shutil.rmtree(root / "hf" / REPO / "media")  # the split is mirrored, the media are not
    shutil.rmtree(tmp_path / "hf_cache")
    offline_env(monkeypatch, tmp_path)
    block_network(monkeypatch)
    from lmms_eval.tasks.spec import TaskSpec
    from lmms_eval.tasks.task import Task
    from lmms_eval.tasks.yaml_loader import parse_spec

    spec = parse_spec(tasks / "toy_video.yaml")
    assert isinstance(spec, TaskSpec)
    with pytest.raises(DataError) as err:
        Task(spec, tasks / "toy_video.yaml", root).docs()
    msg = str(err.value)
    assert f"Task 'toy_video': no media for the Hugging Face dataset repo {REPO}" in msg
    assert str(root / "hf" / REPO / "media") in msg and "HF_HUB_OFFLINE=1" in msg
    assert f"lmms-eval data pull toy_video --data_root {root}" in msg
    # the CLI run exits 2 with the same fix
    args = [
        "run",
        "--model",
        "replay",
        "--model_args",
        f"path={tmp_path / 'none.jsonl'}",
        "--tasks",
        "toy_video",
    ]
    rc = main(
        [*args, "--include_path", str(tasks), "--data_root", str(root), "--output_path", str(tmp_path / "o")]
    )
    assert rc == 2


def test_verify_catches_changed_missing_and_extra_media_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root = write_task(tmp_path / "tasks"), tmp_path / "root"
    setup_hub(tmp_path, monkeypatch)
    assert main(["data", "pull", "toy_video", "--to", str(root), "--include_path", str(tasks)]) == 0
    verify = ["data", "verify", "--data_root", str(root)]
    capsys.readouterr()
    assert main(verify) == 0
    out = capsys.readouterr().out
    assert f"ok              {REPO}/media/ (3 media files" in out and "4 file(s) checked" in out
    media = root / "hf" / REPO / "media" / "data"
    data = bytearray((media / "v2.mp4").read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped, same size
    (media / "v2.mp4").write_bytes(bytes(data))
    assert main(verify) == 1
    out = capsys.readouterr().out
    assert f"changed         {REPO}/media/data/v2.mp4: sha256" in out and "1 problem(s)" in out
    (media / "v1.mp4").unlink()
    (media / "v9.mp4").write_bytes(b"stray")
    assert main(verify + ["toy_video", "--include_path", str(tasks)]) == 1  # the task's media only
    out = capsys.readouterr().out
    assert f"missing         {REPO}/media/data/v1.mp4" in out and "v9.mp4" not in out
    assert main(verify) == 1
    out = capsys.readouterr().out
    assert f"extra           {REPO}/media/data/v9.mp4" in out and "3 problem(s)" in out


def test_ls_shows_media_and_a_task_needing_more_files_is_not_covered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root = write_task(tmp_path / "tasks"), tmp_path / "root"
    _, repos = setup_hub(tmp_path, monkeypatch)
    assert main(["data", "pull", "toy_video", "--to", str(root), "--include_path", str(tasks)]) == 0
    capsys.readouterr()
    assert main(["data", "ls", "--data_root", str(root), "--include_path", str(tasks), "--json"]) == 0
    (media,) = json.loads(capsys.readouterr().out)["media"]
    assert (media["repo"], media["files"], media["tasks"]) == (REPO, 3, ["toy_video"])
    assert media["bytes"] == sum(p.stat().st_size for p in (root / "hf" / REPO / "media").rglob("*.mp4"))
    assert main(["data", "ls", "--data_root", str(root), "--include_path", str(tasks)]) == 0
    out = capsys.readouterr().out
    assert "Media of" in out and REPO in out and "toy_video" in out
    # a second task of the same repo asks for the README too: verify says it is not mirrored; a pull adds it
    # without extracting the zip again
    write_task(tasks, "toy_video_readme", media='{files: ["videos/*.zip", "README.md"]}')
    assert (
        main(["data", "verify", "toy_video_readme", "--data_root", str(root), "--include_path", str(tasks)])
        == 1
    )
    assert "not mirrored" in capsys.readouterr().out
    from lmms_eval.tasks.sources import archives

    extracted: list[list[Path]] = []
    real = archives.extract_archive

    def counting(parts: list[Path], dest: Path) -> None:
        extracted.append(parts)
        real(parts, dest)

    monkeypatch.setattr(archives, "extract_archive", counting)
    assert main(["data", "pull", "toy_video_readme", "--to", str(root), "--include_path", str(tasks)]) == 0
    assert extracted == [] and repos.calls[-1]["allow_patterns"] == ["videos/*.zip", "README.md"]
    assert (root / "hf" / REPO / "media" / "README.md").read_text() == "not media\n"
    capsys.readouterr()
    assert main(["data", "verify", "--data_root", str(root)]) == 0
    assert "(4 media files" in capsys.readouterr().out


def test_pull_refuses_a_zip_slip_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks, root = write_task(tmp_path / "tasks"), tmp_path / "root"
    hub = fake_hub(monkeypatch)
    hub.add(REPO, "test", questions())
    repos = fake_repos(monkeypatch, tmp_path)
    repos.add(REPO, make_repo(tmp_path / "remote", {"data/v1.mp4": b"x", "../../evil.mp4": b"evil"}))
    assert main(["data", "pull", "toy_video", "--to", str(root), "--include_path", str(tasks)]) == 1
    err = capsys.readouterr().err
    assert "FAILED media" in err and "'../../evil.mp4'" in err and "zip slip" in err
    assert not (root / "hf" / REPO / "media").exists()
    assert not list(tmp_path.rglob("evil.mp4"))
    manifest = json.loads((root / "hf" / "manifest.json").read_text())
    assert "media" not in manifest and len(manifest["entries"]) == 1  # the split was pulled
