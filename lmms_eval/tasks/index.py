"""The lazy task index: name -> YAML file, with modality, source and size, cached on disk; and the suites
(``suite:NAME``, see :mod:`lmms_eval.tasks.suite`), kept apart from the task, group and tag names.

The cache (``$LMMS_EVAL_CACHE_DIR`` or ``~/.cache/lmms_eval``) is keyed by every YAML file's path, size and
mtime plus the data root, so it is rebuilt only when a task file (or the data root) changes. Building and
reading the index never imports torch, transformers, datasets or numpy.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import ConfigError, LmmsEvalError, UnknownNameError

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
INDEX_VERSION = 3


@dataclass
class IndexEntry:
    name: str
    kind: str  # "task" | "group" | "suite" | "invalid"
    path: str
    modality: str = ""
    source: str = ""
    size: int | None = None
    tags: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    error: str | None = None
    #: suites: what the suite measures, and its ``subset`` settings (None: full tasks)
    description: str = ""
    subset: dict[str, Any] | None = None


def cache_dir() -> Path:
    return Path(os.environ.get("LMMS_EVAL_CACHE_DIR", Path.home() / ".cache" / "lmms_eval"))


def _plugin_dirs() -> list[Path]:
    from importlib.metadata import entry_points

    from lmms_eval.core.registry import import_dotted

    dirs = []
    for ep in entry_points(group="lmms_eval.tasks"):
        value = import_dotted(ep.value, f"task folder plugin '{ep.name}'")
        dirs.append(Path(value() if callable(value) else value))
    return dirs


def task_dirs(include_paths: Iterable[str | Path] = ()) -> list[Path]:
    return [CATALOG_DIR, *(Path(p).expanduser().resolve() for p in include_paths), *_plugin_dirs()]


def yaml_files(dirs: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in dirs:
        if not folder.exists():
            raise ConfigError(f"Task folder not found: {folder} (from --include_path?)")
        found = (
            [folder] if folder.is_file() else sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml"))
        )
        files.extend(p for p in found if not p.name.startswith("_"))
    return files


def _suite_entry(path: Path) -> IndexEntry | None:
    """The entry of a suite file; None when ``path`` is not one."""
    from lmms_eval.tasks.suite import is_suite_data, parse_suite
    from lmms_eval.tasks.yaml_loader import load_raw

    try:
        data = load_raw(path, lines=False)
    except LmmsEvalError:
        return None
    if not is_suite_data(data):
        return None
    try:
        suite = parse_suite(path, data)
    except LmmsEvalError as exc:
        name = data["suite"] if isinstance(data["suite"], str) else path.stem
        return IndexEntry(name=f"suite:{name}", kind="invalid", path=str(path), error=str(exc))
    subset = suite.subset.model_dump() if suite.subset is not None else None
    return IndexEntry(
        name=suite.suite,
        kind="suite",
        path=str(path),
        tasks=suite.tasks,
        description=" ".join(suite.description.split()),
        subset=subset,
    )


def _entry_for(path: Path, data_root: Path) -> IndexEntry:
    from lmms_eval.tasks.spec import GroupSpec
    from lmms_eval.tasks.yaml_loader import parse_spec

    try:
        spec = parse_spec(path)
    except LmmsEvalError as exc:
        suite = _suite_entry(path)  # a suite file beside task files (an --include_path folder, a plugin)
        if suite is not None:
            return suite
        return IndexEntry(name=path.stem, kind="invalid", path=str(path), error=str(exc))
    if isinstance(spec, GroupSpec):
        return IndexEntry(name=spec.group, kind="group", path=str(path), tags=spec.tags, tasks=spec.tasks)
    from lmms_eval.tasks.task import Task

    size = spec.num_docs
    if size is None and spec.dataset.local is not None:
        from lmms_eval.tasks.sources import no_hub_downloads

        try:
            with no_hub_downloads():  # a hub task with a local fallback: counted only from files here
                size = len(Task(spec, path, data_root).docs())
        except LmmsEvalError:
            size = None
    return IndexEntry(
        name=spec.task,
        kind="task",
        path=str(path),
        modality=spec.inferred_modality(),
        source=spec.dataset.describe(),
        size=size,
        tags=spec.tags,
    )


class TaskIndex:
    def __init__(self, entries: list[IndexEntry]) -> None:
        self.entries = entries
        self.by_name: dict[str, IndexEntry] = {}
        self.suites: dict[str, IndexEntry] = {}
        for e in entries:
            if e.kind == "suite":
                if e.name in self.suites:
                    raise ConfigError(
                        f"Suite '{e.name}' is defined twice: {self.suites[e.name].path} and {e.path}"
                    )
                self.suites[e.name] = e
                continue
            if e.kind == "invalid":
                continue
            if e.name in self.by_name:
                raise ConfigError(
                    f"Task name '{e.name}' is defined twice: {self.by_name[e.name].path} and {e.path}"
                )
            self.by_name[e.name] = e

    @classmethod
    def build(cls, include_paths: Iterable[str | Path] = (), data_root: Path | None = None) -> TaskIndex:
        from lmms_eval.tasks.data_root import resolve_data_root
        from lmms_eval.tasks.suite import suite_files

        root = data_root or resolve_data_root()
        files = [*yaml_files(task_dirs(include_paths)), *suite_files()]
        key = _cache_key(files, root)
        cached = _read_cache(key)
        if cached is not None:
            return cls(cached)
        entries = [_entry_for(p, root) for p in files]
        _write_cache(key, entries)
        return cls(entries)

    def tags(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.entries:
            if e.kind == "suite":
                continue
            for tag in e.tags:
                out.setdefault(tag, []).append(e.name)
        return out

    def names(self) -> list[str]:
        return sorted(self.by_name)

    def get(self, name: str) -> IndexEntry:
        if name not in self.by_name:
            invalid = [e for e in self.entries if e.kind == "invalid" and e.name == name]
            if invalid:
                raise ConfigError(invalid[0].error or f"Task file for '{name}' is invalid")
            raise UnknownNameError("task", name, [*self.names(), *self.tags()])
        return self.by_name[name]

    def suite(self, name: str) -> IndexEntry:
        """The suite ``name`` (without the ``suite:`` prefix); unknown names suggest the closest suites."""
        if name not in self.suites:
            invalid = [e for e in self.entries if e.kind == "invalid" and e.name == f"suite:{name}"]
            if invalid:
                raise ConfigError(invalid[0].error or f"Suite file for '{name}' is invalid")
            known = sorted(self.suites)
            listing = f" Suites: {', '.join(known)} (`lmms-eval tasks --suites`)." if known else ""
            raise ConfigError(f"{UnknownNameError('suite', name, known)}{listing}")
        return self.suites[name]

    def suite_tasks(self, name: str) -> list[str]:
        """The tasks of suite ``name`` (its groups and tags expanded); an unknown member is an error naming the
        suite file."""
        entry = self.suite(name)
        try:
            return self.expand(entry.tasks)
        except LmmsEvalError as exc:
            raise ConfigError(f"Suite '{name}' ({entry.path}): {exc}") from None

    def missing_members(self, name: str) -> list[str]:
        """The names in suite ``name`` that are no task, group or tag here."""
        tags = self.tags()
        return [t for t in self.suite(name).tasks if t not in self.by_name and t not in tags]

    def expand(self, names: Iterable[str]) -> list[str]:
        """Task names (suites, groups and tags expanded, order kept, no repeats)."""
        from lmms_eval.tasks.suite import suite_name

        out: list[str] = []
        tags = self.tags()
        for name in names:
            suite = suite_name(name)
            if suite is not None:
                members = self.suite_tasks(suite)
            elif name in tags and name not in self.by_name:
                members = tags[name]
            else:
                entry = self.get(name)
                members = self.expand(entry.tasks) if entry.kind == "group" else [name]
            out.extend(m for m in members if m not in out)
        return out


def _cache_key(files: list[Path], data_root: Path) -> str:
    from lmms_eval.mirror.layout import MANIFEST_NAME, mirror_root

    digest = hashlib.sha256(f"v{INDEX_VERSION}|{data_root}".encode())
    manifest = mirror_root(data_root) / MANIFEST_NAME  # `data pull` changes sizes counted from the mirror
    for p in [*files, *([manifest] if manifest.is_file() else [])]:
        st = p.stat()
        digest.update(f"{p}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def _cache_file() -> Path:
    return cache_dir() / "task_index.json"


def _read_cache(key: str) -> list[IndexEntry] | None:
    try:
        data: dict[str, Any] = json.loads(_cache_file().read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != key:
        return None
    return [IndexEntry(**e) for e in data["entries"]]


def _write_cache(key: str, entries: list[IndexEntry]) -> None:
    path = _cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "entries": [asdict(e) for e in entries]}))
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs a rebuild next time
