"""``lmms-eval data pull|verify|ls``: the offline mirror of Hub datasets under the data root.

    lmms-eval data pull mathvision_testmini mathvision_test --to /data     # needs the internet
    lmms-eval data verify --data_root /data                                # exit 1 on any problem
    lmms-eval data ls --data_root /data

See docs/offline.md. Exit codes: 0 success, 1 a pull failed or verify found problems, 2 invalid input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lmms_eval.tasks.index import TaskIndex


def add_data_flags(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="data_command", metavar="{pull,verify,ls}")
    sub.required = True

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--data_root", help="the data root holding hf/ (default: $LMMS_EVAL_DATA_ROOT or the sample pack)"
        )
        q.add_argument("--include_path", action="append", help="extra folder of task YAML files")

    pull = sub.add_parser("pull", help="download tasks' Hub datasets at their pinned revisions into DIR/hf")
    pull.add_argument("names", nargs="+", metavar="TASK", help="tasks, groups or tags")
    pull.add_argument("--to", metavar="DIR", help="data root to write into (default: --data_root)")
    pull.add_argument("--force", action="store_true", help="download again even when up to date")
    common(pull)
    verify = sub.add_parser("verify", help="re-hash the mirror against its manifest (exit 1 on problems)")
    verify.add_argument("names", nargs="*", metavar="TASK", help="check only these tasks' splits")
    common(verify)
    ls = sub.add_parser("ls", help="list mirrored splits: rows, size, revision, tasks using them")
    ls.add_argument("--json", action="store_true", help="print JSON")
    common(ls)


def _mb(n: int) -> str:
    """A byte count for people: 512 B, 3.4 kB, 7.0 MB, 1.2 GB."""
    if n < 1000:
        return f"{n} B"
    value = n / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


def _short(revision: str | None) -> str:
    return revision[:12] if revision else "-"


def run_data(args: argparse.Namespace) -> int:
    handlers = {"pull": _pull, "verify": _verify, "ls": _ls}
    return handlers[args.data_command](args)


def _index(args: argparse.Namespace, root: Path) -> TaskIndex:
    from lmms_eval.tasks.index import TaskIndex

    return TaskIndex.build(args.include_path or [], root)


def _pull(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from lmms_eval.core.errors import ConfigError, DataError
    from lmms_eval.mirror.pull import pull_split
    from lmms_eval.mirror.usage import task_usage
    from lmms_eval.tasks.data_root import BUNDLED_DATA, resolve_data_root

    root = resolve_data_root(args.to or args.data_root)
    if root == BUNDLED_DATA.resolve():
        raise ConfigError(
            "data pull needs a data root to write into: --to DIR, --data_root DIR or $LMMS_EVAL_DATA_ROOT "
            f"(the default, {BUNDLED_DATA}, is the sample pack inside the package)"
        )
    usage = task_usage(_index(args, root), args.names)
    for task, reason in usage.skipped:
        print(f"skip {task}: {reason}")
    uses = list(usage.splits.values())
    if not uses:
        print("nothing to pull: these tasks read no Hub dataset")
        return 0
    print(f"pulling {len(uses)} split(s) into {root / 'hf'}")
    failed = 0
    for use in tqdm(uses, desc="data pull", unit="split", file=sys.stderr):
        try:
            result = pull_split(use.source, root, force=args.force)
        except DataError as exc:
            failed += 1
            tqdm.write(f"FAILED {use.key.label} (for {', '.join(use.tasks)}): {exc}", file=sys.stderr)
            continue
        e = result.entry
        tqdm.write(
            f"{result.status:10s} {use.key.label}: {e.rows} rows, {_mb(e.bytes)}, revision "
            f"{_short(e.revision)}, sha256 {e.sha256[:12]} -> hf/{e.file}",
            file=sys.stdout,
        )
    if failed:
        print(f"{failed} of {len(uses)} split(s) failed", file=sys.stderr)
        return 1
    return 0


def _verify(args: argparse.Namespace) -> int:
    from lmms_eval.mirror.layout import mirror_root
    from lmms_eval.mirror.manifest import manifest_path
    from lmms_eval.mirror.usage import task_usage
    from lmms_eval.mirror.verify import verify_mirror
    from lmms_eval.tasks.data_root import resolve_data_root

    root = resolve_data_root(args.data_root)
    uses = None
    if args.names:
        usage = task_usage(_index(args, root), args.names)
        uses = list(usage.splits.values())
        for task, reason in usage.skipped:
            print(f"skip {task}: {reason}")
    elif not manifest_path(root).is_file():
        print(f"nothing to verify: no manifest at {manifest_path(root)} (lmms-eval data pull ...)")
        return 1
    report = verify_mirror(root, uses)
    bad = {p.file for p in report.problems}
    for entry in report.checked:
        if entry.file not in bad:
            print(f"ok              {entry.file} ({entry.rows} rows, {_mb(entry.bytes)})")
    for p in report.problems:
        print(f"{p.kind:15s} {p.file}: {p.detail}")
    print(
        f"{len(report.checked)} file(s) checked under {mirror_root(root)}: {len(report.problems)} problem(s)"
    )
    return 0 if report.ok else 1


def _ls(args: argparse.Namespace) -> int:
    from lmms_eval.mirror.manifest import read_manifest
    from lmms_eval.mirror.usage import task_usage
    from lmms_eval.tasks.data_root import resolve_data_root

    root = resolve_data_root(args.data_root)
    manifest = read_manifest(root)
    usage = task_usage(_index(args, root))
    rows: list[dict[str, Any]] = []
    for e in manifest.entries:
        use = usage.splits.get(e.key)
        rows.append(
            {
                "dataset": e.path,
                "config": e.config or "default",
                "split": e.split,
                "rows": e.rows,
                "bytes": e.bytes,
                "revision": e.revision,
                "file": e.file,
                "pulled_at": e.pulled_at.isoformat(),
                "tasks": use.tasks if use else [],
            }
        )
    if args.json:
        print(json.dumps({"data_root": str(root), "splits": rows}, indent=2))
        return 0
    header = ("Dataset", "Config", "Split", "Rows", "Size", "Revision", "Tasks")
    table = [
        (
            r["dataset"],
            r["config"],
            r["split"],
            str(r["rows"]),
            _mb(r["bytes"]),
            _short(r["revision"]),
            ", ".join(r["tasks"]) or "-",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths)))
    print(f"\n{len(rows)} split(s) mirrored under {root / 'hf'}")
    return 0
