"""``dataset.join``: a second hub split's columns added to each doc by key (GQA's questions and pictures).

Splits are written in the mirror layout (``DATA_ROOT/hf/<path>/<config>/<split>.parquet``). Laziness is
checked by counting the row dicts alive in the interpreter (``gc``), as tests/tasks/test_lazy_rows.py does:
building the key index and the doc ids reads the key columns only, and a right row is read when its doc is.
``data pull`` is run with ``datasets.load_dataset`` replaced by a fake hub keyed by (path, config, split)."""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path
from typing import Any

import pytest

datasets = pytest.importorskip("datasets")

from lmms_eval.cli.main import main  # noqa: E402
from lmms_eval.core.errors import ConfigError, DataError  # noqa: E402
from lmms_eval.core.types import ImagePart  # noqa: E402
from lmms_eval.mirror.usage import task_usage  # noqa: E402
from lmms_eval.tasks.index import TaskIndex  # noqa: E402
from lmms_eval.tasks.spec import TaskSpec  # noqa: E402
from lmms_eval.tasks.task import Task  # noqa: E402
from lmms_eval.tasks.yaml_loader import parse_spec  # noqa: E402

N_IMAGES = 300
PATH = "acme/vqa"
STR = datasets.Value("string")
QUESTIONS = datasets.Features({"qid": STR, "imageId": STR, "question": STR, "answer": STR})
PICTURES = datasets.Features({"id": STR, "image": datasets.Image(), "width": datasets.Value("int64")})


def _png(i: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (i % 256, (i // 256) % 256, 9)).save(buf, format="PNG")
    return buf.getvalue()


def _questions(image_ids: list[str]) -> Any:
    n = len(image_ids)
    return datasets.Dataset.from_dict(
        {
            "qid": [f"q{i}" for i in range(n)],
            "imageId": image_ids,
            "question": [f"What is in picture {k}?" for k in image_ids],
            "answer": [f"thing {k}" for k in image_ids],
        },
        features=QUESTIONS,
    )


def _pictures(n: int = N_IMAGES) -> Any:
    ids = [f"img{i}" for i in reversed(range(n))]  # another order than the questions'
    return datasets.Dataset.from_dict(
        {"id": ids, "image": [{"bytes": _png(int(k[3:])), "path": None} for k in ids], "width": [4] * n},
        features=PICTURES,
    )


def _write(root: Path, config: str, ds: Any) -> None:
    file = root / "hf" / PATH / config / "test.parquet"
    file.parent.mkdir(parents=True, exist_ok=True)
    ds.to_parquet(str(file))


JOIN = "join: {hub: {path: acme/vqa, name: pictures, split: test}, on: {imageId: id}, columns: [image]}"


def _yaml(folder: Path, join: str = JOIN, name: str = "joined") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(
        f"""task: {name}
dataset:
  hub: {{path: acme/vqa, name: questions, split: test}}
  {join}
doc_id: qid
prompt:
  user:
    - image: image
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
metrics: [exact_match]
"""
    )
    return path


def _task(tmp_path: Path, root: Path) -> Task:
    path = _yaml(tmp_path / "tasks")
    spec = parse_spec(path)
    assert isinstance(spec, TaskSpec)
    return Task(spec, path, root)


def _live_pictures() -> int:
    """Right-side values built: the ``{bytes, path}`` dicts of the Image column."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is dict and o.keys() == {"bytes", "path"})


def _live_questions() -> int:
    """Left-side rows built."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is dict and "qid" in o and "imageId" in o)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    _write(root, "questions", _questions([f"img{i % N_IMAGES}" for i in range(2 * N_IMAGES)]))
    _write(root, "pictures", _pictures())
    return root


def test_join_adds_the_matching_rows_columns_lazily(tmp_path: Path, root: Path) -> None:
    task = _task(tmp_path, root)
    before = (_live_pictures(), _live_questions())
    docs = task.docs()
    ids = task.doc_ids()
    assert len(docs) == 2 * N_IMAGES and ids[7] == "q7"
    # the key index and the ids: key columns only, no row of either side built
    assert (_live_pictures(), _live_questions()) == before
    doc = docs[N_IMAGES + 5]
    assert doc.id == f"q{N_IMAGES + 5}" and doc.data["imageId"] == "img5"
    assert sorted(doc.data) == ["answer", "image", "imageId", "qid", "question"]  # no `id` or `width`
    assert doc.data["image"]["bytes"] == _png(5)
    part = task.messages(doc, None, None)[0].content[0]
    assert isinstance(part, ImagePart) and part.ref.data == _png(5)
    assert task.columns == ["answer", "image", "imageId", "qid", "question"]
    del doc, part
    assert (_live_pictures(), _live_questions()) == before  # nothing kept the rows
    assert [d.data["image"]["bytes"] for d in docs[:3]] == [_png(0), _png(1), _png(2)]


def test_jsonl_mirrors_join_with_media_paths_relative_to_their_own_file(tmp_path: Path) -> None:
    root = tmp_path / "root"
    questions, pictures = root / "hf" / PATH / "questions", root / "hf" / PATH / "pictures"
    pictures.mkdir(parents=True)
    questions.mkdir(parents=True)
    (pictures / "files").mkdir()
    for i in range(3):
        (pictures / "files" / f"img{i}.png").write_bytes(_png(i))
    lines = [{"id": f"img{i}", "image": f"files/img{i}.png", "width": 4} for i in range(3)]
    (pictures / "test.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    asks = [{"qid": f"q{i}", "imageId": f"img{2 - i}", "question": "?", "answer": "a"} for i in range(3)]
    (questions / "test.jsonl").write_text("".join(json.dumps(x) + "\n" for x in asks))
    task = _task(tmp_path, root)
    assert list(task.doc_ids()) == ["q0", "q1", "q2"]
    doc = task.docs()[0]
    assert doc.data["image"] == str(pictures / "files" / "img2.png")
    part = task.messages(doc, None, None)[0].content[0]
    assert (
        isinstance(part, ImagePart)
        and part.ref.path is not None
        and Path(part.ref.path).read_bytes() == _png(2)
    )


def test_a_key_without_a_match_names_the_task_the_key_and_the_split(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root, "questions", _questions(["img1", "img404", "img2"]))
    _write(root, "pictures", _pictures(5))
    with pytest.raises(DataError) as err:
        _task(tmp_path, root).docs()
    msg = str(err.value)
    assert "Task 'joined'" in msg and "'img404'" in msg and "hf:acme/vqa/pictures[test]" in msg


def test_a_repeated_right_key_or_missing_column_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root, "questions", _questions(["img1"]))
    pictures = _pictures(3)
    _write(root, "pictures", datasets.concatenate_datasets([pictures, pictures]))
    with pytest.raises(DataError, match="'img2' appears twice in column 'id'"):
        _task(tmp_path, root).docs()
    _write(root, "pictures", _pictures(3).remove_columns("image"))
    with pytest.raises(DataError, match=r"has no column\(s\) \['image'\]"):
        _task(tmp_path, root).docs()


def test_the_joined_split_missing_from_the_mirror_names_the_pull_command(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root, "questions", _questions(["img1"]))
    from lmms_eval.tasks.sources import no_hub_downloads

    with no_hub_downloads(), pytest.raises(DataError) as err:
        _task(tmp_path, root).docs()
    assert "acme/vqa/pictures" in str(err.value) and "lmms-eval data pull joined" in str(err.value)


def test_unknown_join_keys_are_errors_with_file_and_line(tmp_path: Path) -> None:
    bad = JOIN.replace("columns:", "how: left, columns:")
    path = _yaml(tmp_path, bad)
    with pytest.raises(ConfigError) as err:
        parse_spec(path)
    assert f"{path}:4: unknown key 'dataset.join.how'" in str(err.value)
    two = JOIN.replace("{imageId: id}", "{imageId: id, qid: id}")
    with pytest.raises(ConfigError, match="join.on pairs one left column with one right column"):
        parse_spec(_yaml(tmp_path, two))


class _FakeHub:
    """``datasets.load_dataset`` over registered datasets, keyed by (path, config, split)."""

    def __init__(self) -> None:
        self.splits: dict[tuple[str, str | None, str], Any] = {}
        self.calls: list[tuple[str, str | None, str]] = []

    def __call__(self, path: str, name: str | None = None, split: str | None = None, **kw: Any) -> Any:
        self.calls.append((path, name, str(split)))
        if (path, name, str(split)) not in self.splits:
            raise ConnectionError(f"Couldn't reach '{path}' on the Hub (fake)")
        return self.splits[(path, name, str(split))]


def test_data_pull_mirrors_both_splits_and_verify_knows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = _FakeHub()
    hub.splits[(PATH, "questions", "test")] = _questions(["img1", "img0"])
    hub.splits[(PATH, "pictures", "test")] = _pictures(2)
    monkeypatch.setattr(datasets, "load_dataset", hub)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # no revision lookup on the real Hub
    tasks, root = tmp_path / "tasks", tmp_path / "root"
    _yaml(tasks)
    uses = task_usage(TaskIndex.build([str(tasks)], root), ["joined"]).for_task("joined")
    assert sorted(u.key.label for u in uses) == ["acme/vqa (pictures) [test]", "acme/vqa (questions) [test]"]
    assert main(["data", "pull", "joined", "--to", str(root), "--include_path", str(tasks)]) == 0
    assert sorted(hub.calls) == [(PATH, "pictures", "test"), (PATH, "questions", "test")]
    for config in ("questions", "pictures"):
        assert (root / "hf" / PATH / config / "test.parquet").is_file()
    capsys.readouterr()
    assert main(["data", "verify", "joined", "--data_root", str(root), "--include_path", str(tasks)]) == 0
    assert "2 file(s) checked" in capsys.readouterr().out
    assert main(["data", "ls", "--json", "--data_root", str(root), "--include_path", str(tasks)]) == 0
    listed = json.loads(capsys.readouterr().out)["splits"]
    assert sorted((s["config"], s["tasks"]) for s in listed) == [
        ("pictures", ["joined"]),
        ("questions", ["joined"]),
    ]
    # offline now, from the mirror alone
    hub.splits.clear()
    task = _task(tmp_path, root)
    assert [d.data["image"]["bytes"] for d in task.docs()] == [_png(1), _png(0)]
