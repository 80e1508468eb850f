"""Task versions that move with what a task scores: a digest of each task's prompt and scoring, checked
against the lock file ``catalog/versions.lock.json``.

A task's **digest** covers what changes its numbers: the task file's prompt, target, choices, output type,
few-shot, generation settings, extractor, metrics, breakdown, clustering, circular evaluation, overrides and
doc-id column, and the code of every Python module the task names (extractors, metrics, aggregations,
``process_docs``, ``submission``) and of the ``lmms_eval.scoring`` modules those import, compared as syntax
trees without docstrings, so comments, docstrings and
formatting are free to change. Descriptive fields (description, citation, license, tags, ``num_docs``) and
the dataset are left out: the results record the dataset's revision and fingerprints separately.

When a digest differs from the lock, the task's ``version`` must differ too: ``scripts/lock_task_versions.py``
refuses to record a changed task whose version was not bumped, and tests/tasks/test_task_versions.py fails
until the lock is rewritten.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from lmms_eval.tasks.spec import ExtractorSpec, TaskSpec

LOCK_FILE = Path(__file__).resolve().parent / "catalog" / "versions.lock.json"
LOCK_COMMAND = "python scripts/lock_task_versions.py"
#: 2: the digest also covers the lmms_eval.scoring modules a scorer module imports, transitively
LOCK_SCHEMA_VERSION = 2

#: task-file fields that do not change a score
_DESCRIPTIVE = {
    "task",
    "version",
    "tags",
    "description",
    "citation",
    "license",
    "modality",
    "dataset",
    "num_docs",
}


class LockedTask(BaseModel):
    version: str
    digest: str


class VersionLock(BaseModel):
    schema_version: int = LOCK_SCHEMA_VERSION
    tasks: dict[str, LockedTask]


def task_digest(spec: TaskSpec) -> str:
    """sha256 of the task's scoring-relevant fields and of the code of the modules it names."""
    fields = spec.model_dump(mode="json", exclude=_DESCRIPTIVE, exclude_none=True)
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode())
    for module in sorted(_with_imports(set(_modules(spec)))):
        digest.update(f"\n{module}\n{_module_code(module)}".encode())
    return digest.hexdigest()


def _with_imports(modules: set[str]) -> set[str]:
    """``modules`` and every ``lmms_eval.scoring`` module they import, transitively (a scorer's helpers in
    another module change its scores too)."""
    todo, seen = list(modules), set(modules)
    while todo:
        for name in _scoring_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


@cache
def _scoring_imports(module: str) -> tuple[str, ...]:
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None or not found.origin.endswith(".py"):
        return ()
    names = set()
    for node in ast.walk(ast.parse(Path(found.origin).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return tuple(sorted(n for n in names if n.startswith("lmms_eval.scoring.")))


def _modules(spec: TaskSpec) -> Iterator[str]:
    """The Python modules behind every registry name and dotted path the task uses."""
    from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS

    extractors: list[ExtractorSpec] = list(spec.extractor)
    for override in spec.overrides.values():
        if override.extractor is not None:
            extra = override.extractor
            extractors.extend(extra if isinstance(extra, list) else [extra])
    targets = [EXTRACTORS.target(e.name) for e in extractors]
    for metric in spec.metrics:
        targets += [METRICS.target(metric.name), AGGREGATIONS.target(metric.aggregation)]
    targets += [spec.process_docs, spec.submission]
    for target in targets:
        if target:
            yield target.partition(":")[0] if ":" in target else target.rpartition(".")[0]


@cache
def _module_code(module: str) -> str:
    """The module's code as a syntax tree without docstrings ("" when it cannot be found)."""
    found = importlib.util.find_spec(module)
    if found is None or found.origin is None or not found.origin.endswith(".py"):
        return ""
    tree = ast.parse(Path(found.origin).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, annotate_fields=False)


def read_lock(path: Path = LOCK_FILE) -> VersionLock:
    if not path.exists():
        return VersionLock(tasks={})
    return VersionLock.model_validate_json(path.read_text(encoding="utf-8"))


def write_lock(lock: VersionLock, path: Path = LOCK_FILE) -> None:
    data: dict[str, Any] = lock.model_dump()
    data["tasks"] = dict(sorted(data["tasks"].items()))
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def check(specs: dict[str, TaskSpec], lock: VersionLock) -> list[str]:
    """Problems between the catalog and the lock, one message each (empty: the lock is current)."""
    if lock.schema_version != LOCK_SCHEMA_VERSION:
        return [
            f"the lock was written with digest schema {lock.schema_version}, not {LOCK_SCHEMA_VERSION}: run `{LOCK_COMMAND}`"
        ]
    problems = []
    for name, spec in sorted(specs.items()):
        locked = lock.tasks.get(name)
        version = str(spec.version)
        if locked is None:
            problems.append(f"{name}: not in the lock: run `{LOCK_COMMAND}`")
        elif task_digest(spec) != locked.digest:
            if version == locked.version:
                problems.append(
                    f"{name}: its prompt or scoring changed but its version is still {version}: bump "
                    f"`version:` in its task file, then run `{LOCK_COMMAND}`"
                )
            else:
                problems.append(f"{name}: version {version} is not recorded: run `{LOCK_COMMAND}`")
        elif version != locked.version:
            problems.append(
                f"{name}: version changed to {version} but nothing it scores did: run `{LOCK_COMMAND}`"
            )
    for name in sorted(set(lock.tasks) - set(specs)):
        problems.append(f"{name}: in the lock but no longer in the catalog: run `{LOCK_COMMAND}`")
    return problems
