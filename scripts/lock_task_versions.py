"""Record every catalog task's version and digest in lmms_eval/tasks/catalog/versions.lock.json.

    python scripts/lock_task_versions.py           # update the lock (refuses changed tasks whose version is unchanged)
    python scripts/lock_task_versions.py --check   # exit 1 when the lock is out of date, naming each task
    python scripts/lock_task_versions.py --same-scores  # a refactor: record new digests without bumps

A task whose prompt or scoring changed (see lmms_eval/tasks/versions.py for what counts) must get a new
``version:`` first, so results of the old and new task are never mistaken for each other. A change of code that
cannot change any score (a refactor, shown by the scorers' official-case tests passing unchanged) is recorded
with ``--same-scores``; say so in the commit message.
"""

from __future__ import annotations

import argparse
import sys

from lmms_eval.tasks.index import CATALOG_DIR, yaml_files
from lmms_eval.tasks.spec import TaskSpec
from lmms_eval.tasks.versions import (
    LOCK_SCHEMA_VERSION,
    LockedTask,
    VersionLock,
    check,
    read_lock,
    task_digest,
    write_lock,
)
from lmms_eval.tasks.yaml_loader import parse_spec


def catalog_specs() -> dict[str, TaskSpec]:
    specs = (parse_spec(path) for path in yaml_files([CATALOG_DIR]))
    return {spec.task: spec for spec in specs if isinstance(spec, TaskSpec)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the lock is out of date")
    parser.add_argument(
        "--same-scores",
        action="store_true",
        help="record changed digests without version bumps: the change provably leaves every score as it was",
    )
    args = parser.parse_args(argv)
    specs, lock = catalog_specs(), read_lock()
    problems = check(specs, lock)
    if args.check:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    unbumped = [p for p in problems if "bump `version:`" in p]
    if lock.schema_version != LOCK_SCHEMA_VERSION or args.same_scores:  # the digests changed, not the scores
        unbumped = []
    if unbumped:
        print("\n".join(unbumped), file=sys.stderr)
        return 1
    write_lock(
        VersionLock(
            tasks={n: LockedTask(version=str(s.version), digest=task_digest(s)) for n, s in specs.items()}
        )
    )
    print(f"locked {len(specs)} tasks ({len(problems)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
