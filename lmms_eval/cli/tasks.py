"""``lmms-eval tasks [NAME] [--json]``: list the task index, or describe one task or group.

Never imports torch, transformers or datasets: a hub task's mirror status reads files and the manifest.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import IndexEntry, TaskIndex

if TYPE_CHECKING:
    from lmms_eval.tasks.spec import DatasetSpec, LocalSource, TaskSpec


def _table(entries: list[IndexEntry]) -> str:
    header = ("Name", "Kind", "Modality", "Size", "Source")
    rows = [
        (
            e.name,
            e.kind,
            e.modality or "-",
            "-" if e.size is None else str(e.size),
            e.source or (", ".join(e.tasks) if e.tasks else ""),
        )
        for e in entries
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(lines)


def run_tasks(
    name: str | None, include_paths: list[str], data_root: str | None, as_json: bool = False
) -> int:
    root = resolve_data_root(data_root)
    index = TaskIndex.build(include_paths, root)
    if as_json:
        if name is None:
            print(json.dumps({"data_root": str(root), "tasks": [asdict(e) for e in index.entries]}, indent=2))
            return 1 if any(e.kind == "invalid" for e in index.entries) else 0
        print(json.dumps(describe_json(index.get(name), root), indent=2, default=str))
        return 0
    if name is None:
        valid = sorted(
            (e for e in index.entries if e.kind != "invalid"), key=lambda e: (e.kind != "task", e.name)
        )
        print(_table(valid))
        invalid = [e for e in index.entries if e.kind == "invalid"]
        for e in invalid:
            print(f"\ninvalid task file: {e.error}")
        print(f"\n{len(valid)} tasks and groups (data root: {root})")
        return 1 if invalid else 0
    entry = index.get(name)
    print(describe(entry, root))
    return 0


def describe(entry: IndexEntry, data_root: Path) -> str:
    from lmms_eval.tasks.spec import GroupSpec
    from lmms_eval.tasks.yaml_loader import parse_spec

    spec = parse_spec(Path(entry.path))
    lines = [f"{entry.name} ({entry.kind})", f"  file:       {entry.path}"]
    if isinstance(spec, GroupSpec):
        lines += [f"  tasks:      {', '.join(spec.tasks)}", f"  aggregate:  {spec.aggregate}"]
        if spec.description:
            lines.append(f"  about:      {spec.description}")
        return "\n".join(lines)
    ext = " -> ".join(f"{e.name}{e.args or ''}" for e in spec.extractor)
    metrics = ", ".join(f"{m.display} ({m.name}, {m.aggregation})" for m in spec.metrics)
    lines += [
        f"  version:    {spec.version}",
        f"  modality:   {spec.inferred_modality()}",
        f"  source:     {spec.dataset.describe()} (data root: {data_root})",
        f"  size:       {'-' if entry.size is None else entry.size}",
        f"  doc id:     {spec.doc_id or 'row index'}",
        f"  extractor:  {ext}",
        f"  metrics:    {metrics}",
        f"  generation: {spec.generation or 'defaults'}",
    ]
    if spec.prompt.system:
        lines.append(f"  system:     {spec.prompt.system!r}")
    lines.append("  prompt:")
    for part in spec.prompt.user:
        value = part.text if part.text is not None else getattr(part, part.kind).model_dump(exclude_none=True)
        lines.append(f"    - {part.kind}: {value!r}")
    lines.append(f"  target:     {spec.target!r}")
    if spec.overrides:
        lines.append(f"  overrides:  {', '.join(spec.overrides)}")
    if spec.description:
        lines.append(f"  about:      {spec.description.strip()}")
    if spec.citation:
        lines.append(f"  citation:   {spec.citation.strip()}")
    return "\n".join(lines)


def _local_json(local: LocalSource, yaml_dir: Path, data_root: Path) -> dict[str, Any]:
    from lmms_eval.tasks.sources import local_files

    files = local_files(local, yaml_dir, data_root)
    return {
        "kind": "local",
        **local.model_dump(exclude_defaults=True),
        "file": str(files.path),
        "exists": files.path.exists(),
        "media_root": str(files.media_root or (files.path if files.path.is_dir() else files.path.parent)),
    }


def _source_json(dataset: DatasetSpec, yaml_dir: Path, data_root: Path) -> dict[str, Any]:
    local = _local_json(dataset.local, yaml_dir, data_root) if dataset.local is not None else None
    if dataset.hub is None:
        assert local is not None
        return local
    hub = dataset.hub
    out: dict[str, Any] = {
        "kind": "hub",
        "path": hub.path,
        "config": hub.name,
        "split": hub.split,
        "revision": hub.revision,
    }
    if hub.data_files is not None:
        out["data_files"] = hub.data_files
    out["fallback"] = local
    return out


def _template_columns(source: str) -> set[str]:
    import jinja2
    from jinja2 import meta

    return set(meta.find_undeclared_variables(jinja2.Environment().parse(source))) - {"doc"}


def _reads_from(source: dict[str, Any], mirror: dict[str, Any] | None) -> str:
    """Where docs would come from now: the mirror, the local files, or the Hub."""
    if source["kind"] == "local":
        return "local"
    if mirror is not None and mirror.get("present"):
        return "mirror"
    fallback = source.get("fallback")
    return "local" if fallback is not None and fallback["exists"] else "hub"


def columns_used(spec: TaskSpec) -> list[str]:
    """The doc columns a task reads by name: template variables, media fields, doc id, breakdown and
    cluster columns (code such as an extractor may read more)."""
    templates: list[str] = [spec.target, *([spec.dataset.filter] if spec.dataset.filter else [])]
    columns: set[str] = {c for c in (spec.doc_id, spec.cluster_key) if c} | set(spec.breakdown)
    prompts = [spec.prompt, *(o.prompt for o in spec.overrides.values() if o.prompt is not None)]
    for prompt in prompts:
        templates += [prompt.system] if prompt.system else []
        for part in prompt.user:
            media = getattr(part, part.kind) if part.kind != "text" else None
            if part.text is not None:
                templates.append(part.text)
            elif media is not None and media.field is not None:
                columns.add(media.field)
            elif media is not None and media.path is not None:
                templates.append(media.path)
    if isinstance(spec.choices, str):
        templates.append(spec.choices)
    elif spec.choices:
        templates += spec.choices
    if spec.fewshot is not None and spec.fewshot.target:
        templates.append(spec.fewshot.target)
    for template in templates:
        columns |= _template_columns(template)
    return sorted(columns)


def describe_json(entry: IndexEntry, data_root: Path) -> dict[str, Any]:
    """One task or group as JSON: where its data comes from (and the mirror's state), the columns it
    reads, its prompt, answer extraction and metrics."""
    from lmms_eval.tasks.spec import GroupSpec
    from lmms_eval.tasks.yaml_loader import parse_spec

    path = Path(entry.path)
    spec = parse_spec(path)
    if isinstance(spec, GroupSpec):
        return {"name": entry.name, "kind": "group", "file": entry.path, **spec.model_dump(exclude={"group"})}
    mirror = None
    if spec.dataset.hub is not None:
        from lmms_eval.mirror.verify import split_status

        mirror = split_status(data_root, spec.dataset.hub)
    dump = spec.model_dump(mode="json", exclude_none=True)
    source = _source_json(spec.dataset, path.parent, data_root)
    return {
        "name": spec.task,
        "kind": "task",
        "file": entry.path,
        "version": spec.version,
        "modality": spec.inferred_modality(),
        "tags": spec.tags,
        "size": entry.size,
        "data_root": str(data_root),
        "source": source,
        "filter": spec.dataset.filter,
        "mirror": mirror,
        "reads_from": _reads_from(source, mirror),
        "doc_id": spec.doc_id,
        "columns_used": columns_used(spec),
        "prompt": dump["prompt"],
        "target": spec.target,
        "output_type": spec.output_type,
        "choices": spec.choices,
        "fewshot": dump.get("fewshot"),
        "generation": spec.generation,
        "extractor": dump["extractor"],
        "metrics": [{**m, "display": spec.metrics[i].display} for i, m in enumerate(dump["metrics"])],
        "breakdown": spec.breakdown,
        "cluster_key": spec.cluster_key,
        "overrides": sorted(spec.overrides),
        "description": spec.description.strip() if spec.description else None,
        "citation": spec.citation.strip() if spec.citation else None,
        "license": spec.license,
    }
