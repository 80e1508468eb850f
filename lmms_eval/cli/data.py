"""``lmms-eval data pull|verify|ls``: the offline mirror of Hub datasets under the data root.

    lmms-eval data pull mathvision_testmini mathvision_test --to /data     # needs the internet
    lmms-eval data verify --data_root /data                                # exit 1 on any problem
    lmms-eval data ls --data_root /data

Tasks with ``dataset.media`` also get their media files (extracted archives) under DATA_ROOT/hf/<repo>/media,
each file recorded with its sha256. See docs/offline.md. Exit codes: 0 success, 1 a pull failed or verify found problems, 2 invalid input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lmms_eval.mirror.usage import MediaUse, SplitUse
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
    from lmms_eval.core.errors import ConfigError
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
    if not uses and not usage.media:
        print("nothing to pull: these tasks read no Hub dataset")
        return 0
    failed = 0
    if uses:
        failed += _pull_splits(uses, root, args.force)
    media = list(usage.media.values())
    if media:
        failed += _pull_media(media, root, args.force)
    if failed:
        print(f"{failed} of {len(uses) + len(media)} split(s) or media folder(s) failed", file=sys.stderr)
        return 1
    return 0


def _pull_splits(uses: list[SplitUse], root: Path, force: bool) -> int:
    """Pull each split; the number that failed."""
    from tqdm import tqdm

    from lmms_eval.core.errors import DataError
    from lmms_eval.mirror.pull import pull_split

    print(f"pulling {len(uses)} split(s) into {root / 'hf'}")
    failed = 0
    for use in tqdm(uses, desc="data pull", unit="split", file=sys.stderr):
        try:
            result = pull_split(use.source, root, force=force)
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
    return failed


def _pull_media(uses: list[MediaUse], root: Path, force: bool) -> int:
    """Pull each repo's media files (download, extract, hash with a progress bar over bytes); the number
    that failed."""
    from tqdm import tqdm

    from lmms_eval.core.errors import DataError
    from lmms_eval.mirror.media import pull_media

    print(f"pulling the media files of {len(uses)} repo(s) into {root / 'hf'}")
    failed = 0
    for use in uses:
        files = ", ".join(use.patterns)
        with tqdm(desc=f"hashing {use.repo}", unit="B", unit_scale=True, file=sys.stderr) as bar:
            try:
                result = pull_media(use, root, force=force, bar=bar)
            except DataError as exc:
                failed += 1
                tqdm.write(
                    f"FAILED media {use.repo} [{files}] (for {', '.join(use.tasks)}): {exc}", file=sys.stderr
                )
                continue
        e = result.entry
        print(
            f"{result.status:10s} media {use.repo} [{files}]: {len(e.files)} files, {_mb(e.bytes)} "
            f"({result.new_files} new), revision {_short(e.revision)} -> hf/{e.dir}"
        )
    return failed


def _verify(args: argparse.Namespace) -> int:
    from lmms_eval.mirror.layout import mirror_root
    from lmms_eval.mirror.manifest import manifest_path
    from lmms_eval.mirror.usage import task_usage
    from lmms_eval.tasks.data_root import resolve_data_root

    root = resolve_data_root(args.data_root)
    uses = media = None
    if args.names:
        usage = task_usage(_index(args, root), args.names)
        uses, media = list(usage.splits.values()), list(usage.media.values())
        for task, reason in usage.skipped:
            print(f"skip {task}: {reason}")
    elif not manifest_path(root).is_file():
        print(f"nothing to verify: no manifest at {manifest_path(root)} (lmms-eval data pull ...)")
        return 1
    report = _verify_with_bar(root, uses, media)
    bad = {p.file for p in report.problems}
    for entry in report.checked:
        if entry.file not in bad:
            print(f"ok              {entry.file} ({entry.rows} rows, {_mb(entry.bytes)})")
    for m in report.media_checked:
        changed = sum(f.file in bad for f in m.files)
        if not changed:
            print(f"ok              {m.dir}/ ({len(m.files)} media files, {_mb(m.bytes)})")
    for p in report.problems:
        print(f"{p.kind:15s} {p.file}: {p.detail}")
    files = len(report.checked) + sum(len(m.files) for m in report.media_checked)
    print(f"{files} file(s) checked under {mirror_root(root)}: {len(report.problems)} problem(s)")
    return 0 if report.ok else 1


def _verify_with_bar(root: Path, uses: list[SplitUse] | None, media: list[MediaUse] | None) -> Any:
    """verify_mirror, with a progress bar over the bytes of media files hashed."""
    from tqdm import tqdm

    from lmms_eval.mirror.verify import verify_mirror

    with tqdm(desc="verifying media", unit="B", unit_scale=True, file=sys.stderr, delay=0.5) as bar:

        def progress(n: int, total: int) -> None:
            if bar.total != total:
                bar.reset(total=total)
            bar.update(n)

        return verify_mirror(root, uses, media, progress=progress)


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
    media: list[dict[str, Any]] = [
        {
            "repo": m.repo,
            "revision": m.revision,
            "dir": m.dir,
            "files": len(m.files),
            "bytes": m.bytes,
            "patterns": m.patterns,
            "pulled_at": m.pulled_at.isoformat(),
            "tasks": usage.media[m.repo].tasks if m.repo in usage.media else [],
        }
        for m in manifest.media
    ]
    if args.json:
        print(json.dumps({"data_root": str(root), "splits": rows, "media": media}, indent=2))
        return 0
    header = ("Dataset", "Config", "Split", "Rows", "Size", "Revision", "Tasks")
    _print_table(
        header,
        [
            (r["dataset"], r["config"], r["split"], str(r["rows"]), _mb(r["bytes"]), _short(r["revision"]),
             ", ".join(r["tasks"]) or "-")
            for r in rows
        ],
    )  # fmt: skip
    print(f"\n{len(rows)} split(s) mirrored under {root / 'hf'}")
    if media:
        print()
        _print_table(
            ("Media of", "Files", "Size", "Revision", "Tasks"),
            [
                (
                    m["repo"],
                    str(m["files"]),
                    _mb(m["bytes"]),
                    _short(m["revision"]),
                    ", ".join(m["tasks"]) or "-",
                )
                for m in media
            ],
        )
        print(f"\n{len(media)} repo(s) with media files mirrored under {root / 'hf'}")
    return 0


def _print_table(header: tuple[str, ...], table: list[tuple[str, ...]]) -> None:
    widths = [max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths)))
