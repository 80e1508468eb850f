"""Hub datasets and Parquet files are read lazily: no row becomes a dict until a doc is used.

A generated 2,000-row split with PNG bytes in an Image column, in the layout of a Hugging Face dataset repo,
loaded through the real ``datasets.load_dataset`` path offline (as tests/tasks/test_hub_source.py does).
Laziness is checked by counting the row dicts alive in the interpreter (``gc``), not by time or memory."""

from __future__ import annotations

import gc
import io
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

datasets = pytest.importorskip("datasets")
pq = pytest.importorskip("pyarrow.parquet")

from lmms_eval.core.errors import DataError  # noqa: E402
from lmms_eval.core.types import ImagePart  # noqa: E402
from lmms_eval.engine.plan import plan_task  # noqa: E402
from lmms_eval.tasks.spec import TaskSpec  # noqa: E402
from lmms_eval.tasks.task import Doc, Task  # noqa: E402
from lmms_eval.tasks.yaml_loader import parse_spec  # noqa: E402

N_ROWS = 2000


def _png(i: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (i % 256, (i // 256) % 256, 7)).save(buf, format="PNG")
    return buf.getvalue()


def _rows(n: int, duplicate_id: bool = False) -> dict[str, list[Any]]:
    ids = [f"q{i}" for i in range(n)]
    if duplicate_id:
        ids[-1] = ids[0]
    return {
        "id": ids,
        "question": [f"What is shown in picture {i}?" for i in range(n)],
        "options": [["red", "green", str(i)] for i in range(n)],  # a list value keeps the row dict gc-tracked
        "decoded_image": [{"bytes": _png(i), "path": None} for i in range(n)],
        "answer": [str(i % 3) for i in range(n)],
        "level": [i % 5 for i in range(n)],
    }


FEATURES = {
    "id": "string",
    "question": "string",
    "options": ["string"],
    "decoded_image": "image",
    "answer": "string",
    "level": "int64",
}


def _features() -> Any:
    def feature(kind: Any) -> Any:
        if kind == "image":
            return datasets.Image()
        if isinstance(kind, list):
            return datasets.Sequence(datasets.Value(kind[0]))
        return datasets.Value(kind)

    return datasets.Features({name: feature(kind) for name, kind in FEATURES.items()})


def _write_parquet(path: Path, n: int = N_ROWS, duplicate_id: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    datasets.Dataset.from_dict(_rows(n, duplicate_id), features=_features()).to_parquet(str(path))


def _task(folder: Path, dataset: str, extra: str = "") -> Task:
    yaml = folder / "lazy.yaml"
    yaml.write_text(
        "task: lazy\n"
        f"dataset:\n  {dataset}\n"
        "doc_id: id\n"
        "prompt:\n  user:\n    - image: decoded_image\n    - text: '{{ question }}'\n"
        "target: '{{ answer }}'\n"
        "extractor: identity\n"
        "metrics: [{name: exact_match}]\n" + extra
    )
    spec = parse_spec(yaml)
    assert isinstance(spec, TaskSpec)
    return Task(spec, yaml, folder)


@pytest.fixture
def hub_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A local copy of a hub dataset repo (data/test-*.parquet), loaded offline into a private cache."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf_cache"))
    repo = tmp_path / "repo"
    _write_parquet(repo / "data" / "test-00000-of-00001.parquet")
    yield repo


def _live_rows() -> int:
    """Row dicts of the generated split alive anywhere in the interpreter."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is dict and "decoded_image" in o and "level" in o)


def _live_docs() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Doc))


def _plan(task: Task, limit: float | None, num_fewshot: int | None = None) -> Any:
    return plan_task(
        task,
        model_identity={"m": 1},
        family=None,
        limit=limit,
        num_fewshot=num_fewshot,
        gen_kwargs={},
        workers=1,
    )


def _check_lazy(task: Task) -> None:
    baseline, baseline_docs = _live_rows(), _live_docs()
    docs = task.docs()
    assert len(docs) == N_ROWS and docs[1].id == "q1"
    assert _live_rows() == baseline, "loading (and checking the ids) built row dicts"
    assert _live_docs() == baseline_docs
    assert list(task.doc_ids())[:3] == ["q0", "q1", "q2"] and _live_rows() == baseline

    # a row's dict is built when its doc is indexed, afresh each time, and kept by nothing
    first, again = docs[5].data, docs[5].data
    assert first == again and first is not again
    assert first["decoded_image"]["bytes"] == _png(5) and first["options"] == ["red", "green", "5"]
    del first, again
    assert _live_rows() == baseline

    # planning with --limit 10 builds the 10 docs it plans, and the samples keep only those
    samples = _plan(task, limit=10)
    assert [s.doc.id for s in samples] == [f"q{i}" for i in range(10)]
    image = samples[3].request.messages[0].content[0]
    assert isinstance(image, ImagePart) and image.ref.data == _png(3) and image.ref.sha256
    assert _live_rows() == baseline + 10
    assert _live_docs() == baseline_docs + 10

    # a full pass streams: one chunk of rows at a time
    seen = 0
    for _doc in task.docs():
        seen += 1
        if seen == N_ROWS // 2:
            assert _live_rows() <= baseline + 10 + 64 + 1
    assert seen == N_ROWS


def test_hub_split_is_not_materialised(hub_repo: Path, tmp_path: Path) -> None:
    task = _task(tmp_path, f"hub: {{path: {hub_repo}, split: test}}")
    _check_lazy(task)
    assert task.fingerprint and task.columns == list(FEATURES)


def test_local_parquet_is_not_materialised(tmp_path: Path) -> None:
    path = tmp_path / "split.parquet"
    _write_parquet(path)
    task = _task(tmp_path, "local: {path: ./split.parquet}")
    _check_lazy(task)
    assert task.columns == sorted(FEATURES)
    # the same dicts the whole-table read gives, in order
    expected = pq.read_table(path).to_pylist()
    assert [d.data for d in task.docs()[::397]] == expected[::397]


def test_lazy_plan_equals_the_materialised_one(
    hub_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filter, few-shot draws (seeded, never the doc itself) and cache keys are those of the old
    ``to_list()`` loader."""
    from lmms_eval.tasks.sources import LoadedDocs, hub

    source = f"hub: {{path: {hub_repo}, split: test}}"
    extra = f"fewshot:\n  dataset: {{{source}}}\n  num: 3\n  seed: 11\n  target: 'A: {{{{ answer }}}}'\n"
    dataset = source + "\n  filter: 'level != 2'"

    def plan_all() -> list[tuple[str, str, Any]]:
        task = _task(tmp_path, dataset, extra)
        samples = _plan(task, limit=40) + _plan(task, limit=0.01, num_fewshot=1)
        return [(s.doc.id, s.request.key or "", s.target) for s in samples]

    lazy = plan_all()
    assert len(lazy) == 40 + 16 and "q2" not in {doc_id for doc_id, _, _ in lazy}

    def load_as_list(src: Any) -> LoadedDocs:
        ds = hub.open_dataset(src)
        return LoadedDocs(docs=ds.to_list(), fingerprint=str(ds._fingerprint), columns=list(ds.column_names))

    monkeypatch.setattr(hub, "load_hub", load_as_list)
    assert plan_all() == lazy


def test_fewshot_draw_is_the_list_draw() -> None:
    """Sampling positions with the doc's own positions skipped picks the rows sampling the filtered list
    picks, for pools small (random.sample copies them) and large (it indexes them)."""
    from lmms_eval.tasks.task import _Skipping

    for n, skip in [(10, [0]), (10, [3, 4, 9]), (500, [0, 250, 499]), (500, [17])]:
        pool = [i for i in range(n) if i not in skip]
        candidates = _Skipping(n, skip)
        assert list(candidates) == pool
        for num in (1, 3, 7):
            assert random.Random(f"s:{n}:{num}").sample(candidates, num) == random.Random(
                f"s:{n}:{num}"
            ).sample(pool, num)


def test_duplicate_ids_are_found_from_the_id_column(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    _write_parquet(path, n=50, duplicate_id=True)
    with pytest.raises(DataError, match="doc id 'q0' .* is not unique"):
        _task(tmp_path, "local: {path: ./dup.parquet}").docs()
    missing = _task(tmp_path, "local: {path: ./dup.parquet}")
    missing.spec.doc_id = "qid"
    with pytest.raises(DataError, match="doc_id column 'qid' is missing"):
        missing.docs()


def test_lazy_rows_views(tmp_path: Path) -> None:
    """Slices, negative indices, filtered views and columns, across Parquet row groups of 7 rows."""
    import pyarrow as pa

    from lmms_eval.tasks.sources.arrow import ArrowBackend, LazyRows, ParquetBackend

    table = pa.table({"i": list(range(50)), "s": [f"r{i}" for i in range(50)]})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=7)
    rows_list = table.to_pylist()
    for rows in (LazyRows(ArrowBackend(table)), LazyRows(ParquetBackend(tmp_path / "t.parquet"))):
        assert len(rows) == 50 and list(rows) == rows_list
        assert rows[-1] == rows_list[-1] and rows[13] == rows_list[13]
        with pytest.raises(IndexError):
            rows[50]
        view = rows[5:40:3]
        assert list(view) == rows_list[5:40:3] and view.column("s") == [r["s"] for r in rows_list[5:40:3]]
        kept = rows[3:].take([0, 6, 7, 20])
        assert list(kept) == [rows_list[i] for i in (3, 9, 10, 23)] and kept.column("i") == [3, 9, 10, 23]
        assert rows[10:30].column("i") == list(range(10, 30)) and list(rows[48:]) == rows_list[48:]
