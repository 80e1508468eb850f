"""A loaded task: its docs (with stable ids), and how to turn a doc into a Request and a target."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from lmms_eval.core.errors import ConfigError, DataError
from lmms_eval.core.registry import import_dotted
from lmms_eval.core.types import GenerationConfig, Message
from lmms_eval.tasks.prompt import PromptRenderer, compile_template, render_template, render_value
from lmms_eval.tasks.sources import LoadedDocs
from lmms_eval.tasks.sources.arrow import LazyRows, column_values, take_rows
from lmms_eval.tasks.spec import DatasetSpec, ExtractorSpec, TaskSpec

if TYPE_CHECKING:
    from lmms_eval.engine.subset import DocSubset


@dataclass
class Doc:
    id: str
    data: dict[str, Any]


class _PositionIds(Sequence[str]):
    """Doc ids that are row positions ("0", "1", ...), made when asked for."""

    def __init__(self, positions: range) -> None:
        self._positions = positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, key: int) -> str: ...

    @overload
    def __getitem__(self, key: slice) -> _PositionIds: ...

    def __getitem__(self, key: int | slice) -> str | _PositionIds:
        if isinstance(key, slice):
            return _PositionIds(self._positions[key])
        return str(self._positions[key])


class DocList(Sequence[Doc]):
    """A task's docs: the ids are held, each Doc (and its row, for lazy sources) is built when indexed or
    iterated. Slicing gives another DocList and reads no row."""

    def __init__(self, ids: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
        self.ids, self.rows = ids, rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, key: int) -> Doc: ...

    @overload
    def __getitem__(self, key: slice) -> DocList: ...

    def __getitem__(self, key: int | slice) -> Doc | DocList:
        if isinstance(key, slice):
            return DocList(self.ids[key], self.rows[key])
        return Doc(id=self.ids[key], data=self.rows[key])

    def __iter__(self) -> Iterator[Doc]:
        for doc_id, row in zip(self.ids, self.rows):
            yield Doc(id=doc_id, data=row)


class _Skipping(Sequence[int]):
    """``range(n)`` without the (sorted) positions in ``skip``, indexed without building the list."""

    def __init__(self, n: int, skip: list[int]) -> None:
        self._n, self._skip = n, skip

    def __len__(self) -> int:
        return self._n - len(self._skip)

    @overload
    def __getitem__(self, key: int) -> int: ...

    @overload
    def __getitem__(self, key: slice) -> list[int]: ...

    def __getitem__(self, key: int | slice) -> int | list[int]:
        if isinstance(key, slice):
            return [self[i] for i in range(*key.indices(len(self)))]
        if not 0 <= key < len(self):
            raise IndexError(key)
        i = key
        for s in self._skip:
            if s > i:
                break
            i += 1
        return i


def load_dataset_spec(spec: DatasetSpec, yaml_dir: Path, data_root: Path, task: str) -> LoadedDocs:
    from lmms_eval.tasks.sources import load_source

    loaded = load_source(spec, yaml_dir, data_root, task)  # the mirror, local files or the Hub
    if spec.filter:
        expr = compile_template("{{ (" + spec.filter + ") | string }}")
        try:
            keep = [i for i, d in enumerate(loaded.docs) if expr.render(**d, doc=d) == "True"]
        except Exception as exc:
            raise DataError(f"Task '{task}': dataset.filter {spec.filter!r} failed: {exc}") from exc
        loaded.docs = take_rows(loaded.docs, keep)
    return loaded


class Task:
    """A TaskSpec bound to its YAML location and a data root; docs load on first use."""

    def __init__(self, spec: TaskSpec, yaml_path: Path, data_root: Path) -> None:
        self.spec, self.yaml_path, self.data_root = spec, yaml_path, data_root
        self._loaded: LoadedDocs | None = None
        self._docs: DocList | None = None
        self._fewshot_pool: Sequence[dict[str, Any]] | None = None
        self._fewshot_positions: dict[str, list[int]] = {}
        self._renderers: dict[str | None, PromptRenderer] = {}
        #: a suite's subset of the docs (``--tasks suite:lite``); None runs every doc
        self.subset: DocSubset | None = None

    @property
    def name(self) -> str:
        return self.spec.task

    @property
    def version(self) -> str:
        return str(self.spec.version)

    @property
    def fingerprint(self) -> str:
        self.docs()
        assert self._loaded is not None
        return self._loaded.fingerprint

    @property
    def revision(self) -> str | None:
        """The revision of the data actually read: the mirror's recorded revision or the Hub pin; None when
        the docs came from local files (a hub task's local fallback included)."""
        if self._loaded is not None and self._loaded.origin:
            return self._loaded.revision if self._loaded.origin in ("mirror", "hub") else None
        return self.spec.dataset.hub.revision if self.spec.dataset.hub else None

    @property
    def origin(self) -> str | None:
        """Where the docs were read from: "mirror", "hub" or "local" (None before they are loaded)."""
        return (self._loaded.origin or None) if self._loaded is not None else None

    def docs(self) -> DocList:
        """The docs in order. Rows of hub and Parquet sources are built one at a time when a doc is indexed
        or iterated; the ids are read from the ``doc_id`` column alone."""
        if self._docs is None:
            self._loaded = load_dataset_spec(
                self.spec.dataset, self.yaml_path.parent, self.data_root, self.name
            )
            rows = self._loaded.docs
            if self.spec.process_docs:  # takes and returns a list: every row is built
                fn = import_dotted(self.spec.process_docs, f"process_docs of task '{self.name}'")
                rows = list(fn(rows if isinstance(rows, list) else list(rows)))
            self._docs = self._with_ids(rows)
        return self._docs

    def doc_ids(self) -> Sequence[str]:
        """Every doc's id, without building any row."""
        return self.docs().ids

    def _with_ids(self, rows: Sequence[dict[str, Any]]) -> DocList:
        field = self.spec.doc_id
        if field is None:
            return DocList(_PositionIds(range(len(rows))), rows)
        ids = self._id_column(rows, field)
        seen: set[str] = set()
        for doc_id in ids:
            if doc_id in seen:
                raise DataError(
                    f"Task '{self.name}': doc id '{doc_id}' (column '{field}') is not unique; "
                    "choose another doc_id column or remove doc_id to use row indices"
                )
            seen.add(doc_id)
        return DocList(ids, rows)

    def _id_column(self, rows: Sequence[dict[str, Any]], field: str) -> list[str]:
        """The ``doc_id`` column as strings; a lazy source reads that column only."""
        if isinstance(rows, LazyRows):
            if len(rows) and field not in rows.column_names:
                cols = ", ".join(sorted(rows.column_names))
                raise DataError(
                    f"Task '{self.name}': doc_id column '{field}' is missing in row 0. Columns: {cols}"
                )
            return [str(v) for v in rows.column(field)] if len(rows) else []
        ids = []
        for i, row in enumerate(rows):
            if field not in row:
                cols = ", ".join(sorted(row))
                raise DataError(
                    f"Task '{self.name}': doc_id column '{field}' is missing in row {i}. Columns: {cols}"
                )
            ids.append(str(row[field]))
        return ids

    @property
    def columns(self) -> list[str]:
        self.docs()
        assert self._loaded is not None
        return self._loaded.columns

    def _override(self, family: str | None) -> Any:
        return self.spec.overrides.get(family) if family else None

    def renderer(self, family: str | None = None) -> PromptRenderer:
        if family not in self._renderers:
            override = self._override(family)
            prompt = override.prompt if override is not None and override.prompt else self.spec.prompt
            self.docs()
            assert self._loaded is not None
            self._renderers[family] = PromptRenderer(
                prompt, self.name, self._loaded.media_root, self._loaded.columns
            )
        return self._renderers[family]

    def generation(self, family: str | None = None, cli: dict[str, Any] | None = None) -> GenerationConfig:
        override = self._override(family)
        values = {**self.spec.generation}
        if override is not None and override.generation:
            values.update(override.generation)
        values.update(cli or {})
        try:
            return GenerationConfig.model_validate(values)
        except Exception as exc:
            raise ConfigError(f"Task '{self.name}': invalid generation settings {values}: {exc}") from exc

    def extractors(self, family: str | None = None) -> list[ExtractorSpec]:
        override = self._override(family)
        if override is not None and override.extractor is not None:
            ex = override.extractor
            return ex if isinstance(ex, list) else [ex]
        return self.spec.extractor

    def choices(self, doc: Doc) -> list[str]:
        """The options scored by log-likelihood (``output_type: choice_loglikelihood``); [] otherwise."""
        if self.spec.output_type != "choice_loglikelihood" or not self.spec.choices:
            return []
        if isinstance(self.spec.choices, list):
            value: Any = [render_template(c, doc.data, self.name, self.columns) for c in self.spec.choices]
        else:
            value = render_value(self.spec.choices, doc.data, self.name, self.columns)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, (str, int, float)) for v in value)
        ):
            raise DataError(
                f"Task '{self.name}', doc '{doc.id}': choices must render to a non-empty list, got {value!r}"
            )
        return [str(v) for v in value]

    def target(self, doc: Doc) -> Any:
        return render_value(self.spec.target, doc.data, self.name, self.columns)

    def fewshot_examples(self, doc: Doc, num: int) -> list[tuple[dict[str, Any], str]]:
        spec = self.spec.fewshot
        if num <= 0:
            return []
        if spec is None:
            raise ConfigError(
                f"Task '{self.name}' declares no 'fewshot:' source, so --num_fewshot {num} cannot apply"
            )
        if self._fewshot_pool is None:
            loaded = load_dataset_spec(spec.dataset, self.yaml_path.parent, self.data_root, self.name)
            self._fewshot_pool = loaded.docs
            if self.spec.doc_id:  # where each id sits in the pool (its id column only), to leave the doc out
                ids = column_values(loaded.docs, self.spec.doc_id)
                for i, value in enumerate(ids):
                    self._fewshot_positions.setdefault(str(value), []).append(i)
        pool = self._fewshot_pool
        skip = self._fewshot_positions.get(doc.id, []) if self.spec.doc_id else []
        # the same draw as sampling the list of pool rows without the doc: random.sample picks positions
        candidates: Sequence[int] = _Skipping(len(pool), skip) if skip else range(len(pool))
        rng = random.Random(f"{spec.seed}:{doc.id}")
        chosen = [pool[i] for i in rng.sample(candidates, min(num, len(candidates)))]
        template = spec.target or self.spec.target
        return [(d, render_template(template, d, self.name)) for d in chosen]

    def messages(self, doc: Doc, family: str | None, num_fewshot: int | None) -> list[Message]:
        num = self.spec.fewshot.num if num_fewshot is None and self.spec.fewshot else (num_fewshot or 0)
        return self.renderer(family).messages(doc.data, self.fewshot_examples(doc, num))
