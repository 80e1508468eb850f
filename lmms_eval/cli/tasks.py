"""``lmms-eval tasks [NAME] [--json]``: list the task index, or describe one task or group;
``lmms-eval tasks --suites [--json]``: list the suites; ``lmms-eval tasks suite:NAME [--json]``: describe one;
``lmms-eval tasks validate [PATH|NAME ...] [--rows N] [--json]``: check task files (see
:mod:`lmms_eval.tasks.validate`).

Never imports torch, transformers or datasets: a hub task's mirror status reads files and the manifest.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import IndexEntry, TaskIndex
from lmms_eval.tasks.suite import suite_name
from lmms_eval.tasks.validate import columns_used

if TYPE_CHECKING:
    from lmms_eval.tasks.spec import DatasetSpec, LocalSource
    from lmms_eval.tasks.validate import Report


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
    suite = suite_name(name) if name is not None else None
    if suite is not None:
        info = suite_json(index, suite)
        print(json.dumps(info, indent=2) if as_json else describe_suite(info))
        return 1 if info["missing"] else 0
    if as_json:
        if name is None:
            print(json.dumps({"data_root": str(root), "tasks": [asdict(e) for e in index.entries]}, indent=2))
            return 1 if any(e.kind == "invalid" for e in index.entries) else 0
        print(json.dumps(describe_json(index.get(name), root), indent=2, default=str))
        return 0
    if name is None:
        valid = sorted(
            (e for e in index.entries if e.kind in ("task", "group")),
            key=lambda e: (e.kind != "task", e.name),
        )
        print(_table(valid))
        invalid = [e for e in index.entries if e.kind == "invalid"]
        for e in invalid:
            print(f"\ninvalid task file: {e.error}")
        print(f"\n{len(valid)} tasks and groups (data root: {root})")
        if index.suites:
            print(
                f"{len(index.suites)} suites: {', '.join(sorted(index.suites))} (`lmms-eval tasks --suites`)"
            )
        return 1 if invalid else 0
    entry = index.get(name)
    print(describe(entry, root))
    return 0


def suite_json(index: TaskIndex, name: str) -> dict[str, Any]:
    """One suite: its file, what it measures, the names it lists and the tasks they expand to (with sizes
    and, for a subset, the docs it keeps), and the listed names that are no task, group or tag here."""
    entry = index.suite(name)
    missing = index.missing_members(name)
    present = [t for t in entry.tasks if t not in missing]
    fraction = entry.subset["fraction"] if entry.subset else None
    tasks = []
    for task in index.expand(present):
        size = index.get(task).size
        kept = None
        if fraction is not None and size is not None:
            from lmms_eval.engine.subset import budget

            kept = budget(size, fraction)
        tasks.append({"name": task, "size": size, "subset_size": kept})
    return {
        "name": entry.name,
        "kind": "suite",
        "file": entry.path,
        "description": entry.description,
        "listed": entry.tasks,
        "subset": entry.subset,
        "tasks": tasks,
        "missing": missing,
    }


def describe_suite(info: dict[str, Any]) -> str:
    lines = [f"suite:{info['name']}", f"  file:      {info['file']}", f"  about:     {info['description']}"]
    if info["subset"]:
        lines.append(f"  subset:    {', '.join(f'{k}={v}' for k, v in info['subset'].items())}")
    sized = [t for t in info["tasks"] if t["size"] is not None]
    lines.append(
        f"  tasks:     {len(info['tasks'])} ({sum(t['size'] for t in sized)} docs in the {len(sized)} sized)"
    )
    rows = [("Task", "Size", "Subset")] + [
        (t["name"], "-" if t["size"] is None else str(t["size"]),
         "-" if t["subset_size"] is None else str(t["subset_size"]))
        for t in info["tasks"]
    ]  # fmt: skip
    lines += ["    " + line for line in _columns(rows)]
    if info["missing"]:
        lines.append(f"  missing:   {', '.join(info['missing'])} (no such task, group or tag here)")
    return "\n".join(lines)


def run_suites(include_paths: list[str], data_root: str | None, as_json: bool = False) -> int:
    """``lmms-eval tasks --suites``: each suite's name, task count and what it measures (the description up to
    its first colon; ``lmms-eval tasks suite:NAME`` prints all of it)."""
    root = resolve_data_root(data_root)
    index = TaskIndex.build(include_paths, root)
    infos = [suite_json(index, name) for name in sorted(index.suites)]
    if as_json:
        print(json.dumps({"suites": infos}, indent=2))
    else:
        rows: list[tuple[str, ...]] = [("Suite", "Tasks", "Subset", "Description")]
        for i in infos:
            count = str(len(i["tasks"])) + (f" ({len(i['missing'])} missing)" if i["missing"] else "")
            subset = f"{i['subset']['fraction']:g}" if i["subset"] else "-"
            rows.append((f"suite:{i['name']}", count, subset, i["description"].split(":")[0]))
        print("\n".join(_columns(rows)))
        print(f"\n{len(infos)} suites; `lmms-eval tasks suite:NAME` lists a suite's tasks (docs/suites.md)")
    invalid = [e for e in index.entries if e.kind == "invalid" and e.name.startswith("suite:")]
    for e in invalid:
        print(f"\ninvalid suite file: {e.error}")
    return 1 if invalid or any(i["missing"] for i in infos) else 0


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as left-aligned columns; the last column is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(c.ljust(w) for c, w in zip(row, widths)), row[-1]]).rstrip() for row in rows]


def validate_table(reports: list[Report]) -> str:
    """One line per file, then each file's errors, warnings and notes (but "no data here")."""
    header = ("Name", "Kind", "Status", "Data", "Rows", "Seconds", "Reason")
    rows = [
        (
            r.name,
            r.kind,
            r.status,
            r.data,
            str(r.rows),
            f"{r.seconds:.2f}",
            "" if r.status == "ok" else r.reason,
        )
        for r in reports
    ]
    lines = _columns([header, *rows])
    for r in reports:
        shown = [f for f in r.findings if not (f.check == "data" and f.level == "note")]
        if shown:
            lines.append(f"\n{r.name} ({r.status}): {r.file}")
            indent = "\n" + " " * 21
            lines += [f"  {f.level:<7} {f.check:<10} {f.message.replace(chr(10), indent)}" for f in shown]
    return "\n".join(lines)


def run_validate(
    targets: list[str], include_paths: list[str], data_root: str | None, rows: int, as_json: bool = False
) -> int:
    """Validate task files; exit 1 when any has an error."""
    import time

    from lmms_eval.tasks.validate import summary, validate

    start = time.perf_counter()
    root = resolve_data_root(data_root)
    reports = validate(targets, include_paths, root, rows)
    seconds = round(time.perf_counter() - start, 2)
    counts = summary(reports)
    if as_json:
        out = {"data_root": str(root), "rows": rows, "seconds": seconds, "summary": counts,
               "tasks": [r.to_json() for r in reports]}  # fmt: skip
        print(json.dumps(out, indent=2, default=str))
    else:
        print(validate_table(reports))
        shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        print(f"\n{len(reports)} files checked in {seconds:.1f} s: {shown} (data root: {root})")
    return 1 if counts["error"] else 0


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


def _reads_from(source: dict[str, Any], mirror: dict[str, Any] | None) -> str:
    """Where docs would come from now: the mirror, the local files, or the Hub."""
    if source["kind"] == "local":
        return "local"
    if mirror is not None and mirror.get("present"):
        return "mirror"
    fallback = source.get("fallback")
    return "local" if fallback is not None and fallback["exists"] else "hub"


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
