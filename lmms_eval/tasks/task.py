"""A loaded task: its docs (with stable ids), and how to turn a doc into a Request and a target."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import ConfigError, DataError
from lmms_eval.core.registry import import_dotted
from lmms_eval.core.types import GenerationConfig, Message
from lmms_eval.tasks.data_root import resolve_path
from lmms_eval.tasks.prompt import PromptRenderer, compile_template, render_template, render_value
from lmms_eval.tasks.sources import LoadedDocs
from lmms_eval.tasks.spec import DatasetSpec, ExtractorSpec, TaskSpec


@dataclass
class Doc:
    id: str
    data: dict[str, Any]


def load_dataset_spec(spec: DatasetSpec, yaml_dir: Path, data_root: Path, task: str) -> LoadedDocs:
    if spec.hub is not None:
        from lmms_eval.tasks.sources.hub import load_hub

        loaded = load_hub(spec.hub)
    else:
        from lmms_eval.tasks.sources.local import load_local

        assert spec.local is not None
        path = resolve_path(spec.local.path, yaml_dir, data_root)
        media_root = (
            resolve_path(spec.local.media_root, yaml_dir, data_root) if spec.local.media_root else None
        )
        loaded = load_local(spec.local, path, media_root)
    if spec.filter:
        expr = compile_template("{{ (" + spec.filter + ") | string }}")
        try:
            loaded.docs = [d for d in loaded.docs if expr.render(**d, doc=d) == "True"]
        except Exception as exc:
            raise DataError(f"Task '{task}': dataset.filter {spec.filter!r} failed: {exc}") from exc
    return loaded


class Task:
    """A TaskSpec bound to its YAML location and a data root; docs load on first use."""

    def __init__(self, spec: TaskSpec, yaml_path: Path, data_root: Path) -> None:
        self.spec, self.yaml_path, self.data_root = spec, yaml_path, data_root
        self._loaded: LoadedDocs | None = None
        self._docs: list[Doc] | None = None
        self._fewshot_pool: list[dict[str, Any]] | None = None
        self._renderers: dict[str | None, PromptRenderer] = {}

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
        return self.spec.dataset.hub.revision if self.spec.dataset.hub else None

    def docs(self) -> list[Doc]:
        if self._docs is None:
            self._loaded = load_dataset_spec(
                self.spec.dataset, self.yaml_path.parent, self.data_root, self.name
            )
            rows = self._loaded.docs
            if self.spec.process_docs:
                fn = import_dotted(self.spec.process_docs, f"process_docs of task '{self.name}'")
                rows = list(fn(rows))
            self._docs = self._with_ids(rows)
        return self._docs

    def _with_ids(self, rows: list[dict[str, Any]]) -> list[Doc]:
        field = self.spec.doc_id
        if field is None:
            return [Doc(id=str(i), data=row) for i, row in enumerate(rows)]
        docs, seen = [], set()
        for i, row in enumerate(rows):
            if field not in row:
                cols = ", ".join(sorted(row))
                raise DataError(
                    f"Task '{self.name}': doc_id column '{field}' is missing in row {i}. Columns: {cols}"
                )
            doc_id = str(row[field])
            if doc_id in seen:
                raise DataError(
                    f"Task '{self.name}': doc id '{doc_id}' (column '{field}') is not unique; "
                    "choose another doc_id column or remove doc_id to use row indices"
                )
            seen.add(doc_id)
            docs.append(Doc(id=doc_id, data=row))
        return docs

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
        pool = [
            d for d in self._fewshot_pool if not self.spec.doc_id or str(d.get(self.spec.doc_id)) != doc.id
        ]
        rng = random.Random(f"{spec.seed}:{doc.id}")
        chosen = rng.sample(pool, min(num, len(pool)))
        template = spec.target or self.spec.target
        return [(d, render_template(template, d, self.name)) for d in chosen]

    def messages(self, doc: Doc, family: str | None, num_fewshot: int | None) -> list[Message]:
        num = self.spec.fewshot.num if num_fewshot is None and self.spec.fewshot else (num_fewshot or 0)
        return self.renderer(family).messages(doc.data, self.fewshot_examples(doc, num))
