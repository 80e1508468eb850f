"""``lmms-eval tasks [NAME]``: list the task index, or describe one task or group."""

from __future__ import annotations

from pathlib import Path

from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import IndexEntry, TaskIndex


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


def run_tasks(name: str | None, include_paths: list[str], data_root: str | None) -> int:
    root = resolve_data_root(data_root)
    index = TaskIndex.build(include_paths, root)
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
