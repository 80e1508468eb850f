"""Named suites: a YAML file naming tasks (and groups, tags) to run together, with what they measure and
optional per-suite settings. ``--tasks suite:NAME`` runs one; ``lmms-eval tasks --suites`` lists them.

A suite file has a top-level ``suite:`` key (a task file has ``task:``, a group file ``group:``)::

    suite: lite
    description: What the suite measures.
    tasks: [mme, pope, ocrbench]
    subset: {fraction: 0.1, seed: 0, stratify: auto, min_per_stratum: 1}   # optional

The catalog's suites live in ``lmms_eval/tasks/suites/``; ``--include_path`` folders and task plugins may hold
more (found like task files). ``subset`` makes every task of the suite run on a fixed, seeded, stratified share
of its docs (see :mod:`lmms_eval.engine.subset`); the results record it (``TaskResult.subset``).

This module is on the ``lmms-eval tasks`` listing path: it imports no pydantic (the file's schema is in
:mod:`lmms_eval.tasks.suite_spec`, loaded only to parse a suite file or run one).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_eval.core.errors import ConfigError

if TYPE_CHECKING:
    from lmms_eval.tasks.index import TaskIndex
    from lmms_eval.tasks.suite_spec import SubsetSpec, SuiteSpec

#: the prefix that names a suite in ``--tasks`` (``suite:lite``) and in ``lmms-eval tasks suite:lite``
SUITE_PREFIX = "suite:"
SUITES_DIR = Path(__file__).resolve().parent / "suites"


def suite_name(name: str) -> str | None:
    """``suite:NAME`` -> ``NAME``; None for a task, group or tag name."""
    return name[len(SUITE_PREFIX) :] if name.startswith(SUITE_PREFIX) else None


def is_suite_data(data: Any) -> bool:
    return isinstance(data, dict) and "suite" in data and "task" not in data and "group" not in data


def parse_suite(path: Path, data: dict[str, Any] | None = None) -> SuiteSpec:
    """Validate one suite file (``data``: its already-loaded mapping, if any)."""
    from pydantic import ValidationError

    from lmms_eval.tasks.suite_spec import SuiteSpec
    from lmms_eval.tasks.yaml_loader import format_validation_error, load_raw

    raw = load_raw(path, lines=False) if data is None else data
    try:
        return SuiteSpec.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(path, load_raw(path), SuiteSpec, exc)) from None


def suite_files() -> list[Path]:
    """The catalog's suite files (``--include_path`` folders and plugins are scanned with the task files)."""
    if not SUITES_DIR.is_dir():
        return []
    return sorted(p for p in SUITES_DIR.glob("*.yaml") if not p.name.startswith("_"))


def task_subsets(index: TaskIndex, names: list[str]) -> dict[str, tuple[str, SubsetSpec]]:
    """For ``--tasks names``: each task that runs on a subset -> (its suite, the subset settings).

    A task asked both in full and through a suite with ``subset`` (or through two suites with different
    subsets) is an error: the results hold one entry per task."""
    from lmms_eval.tasks.suite_spec import SubsetSpec

    out: dict[str, tuple[str, SubsetSpec]] = {}
    full: dict[str, str] = {}
    for name in names:
        suite = suite_name(name)
        entry = index.suite(suite) if suite is not None else None
        members = index.expand([name])
        if entry is None or entry.subset is None:
            full.update((t, name) for t in members)
            continue
        subset = SubsetSpec.model_validate(entry.subset)
        for task in members:
            if task in out and out[task][1] != subset:
                raise ConfigError(
                    f"Task '{task}' is in suites '{out[task][0]}' and '{entry.name}' with different subsets; "
                    "run them separately"
                )
            out[task] = (entry.name, subset)
    both = sorted(set(out) & set(full))
    if both:
        t = both[0]
        raise ConfigError(
            f"Task '{t}' is asked in full ('{full[t]}') and as a subset (suite '{out[t][0]}'); the results hold "
            "one entry per task: run them separately"
        )
    return out


def reported_names(index: TaskIndex, names: list[str]) -> list[str]:
    """``names`` with each suite replaced by the names it lists, for finding the groups whose aggregate is
    reported; a suite with ``subset`` adds none (an aggregate over subsets would read as the full group's)."""
    out: list[str] = []
    for name in names:
        suite = suite_name(name)
        if suite is None:
            out.append(name)
        elif index.suite(suite).subset is None:
            out.extend(reported_names(index, index.suite(suite).tasks))
    return out
