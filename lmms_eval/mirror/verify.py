"""``data verify``: re-hash the mirror against its manifest (splits and media files); every changed, missing
or extra file is a problem. Given tasks, only their splits and media are checked, and a split or media
files they need that are not mirrored (or are mirrored at another revision than the task pins) are a problem
too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_eval.core.errors import DataError
from lmms_eval.mirror.layout import MANIFEST_NAME, MEDIA_DIR, SplitKey, mirror_root, not_mirrorable
from lmms_eval.mirror.manifest import Manifest, MediaEntry, MirrorEntry, read_manifest, sha256_file

if TYPE_CHECKING:
    from lmms_eval.mirror.usage import MediaUse, SplitUse
    from lmms_eval.tasks.spec import HubSource


@dataclass
class Problem:
    kind: str  # "changed" | "missing" | "extra" | "not mirrored" | "other revision"
    file: str  # relative to DATA_ROOT/hf
    detail: str = ""


@dataclass
class Report:
    checked: list[MirrorEntry] = field(default_factory=list)
    media_checked: list[MediaEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_entry(root: Path, entry: MirrorEntry) -> Problem | None:
    """The problem with one mirrored file, or None when its size and sha256 match the manifest."""
    file = root / entry.file
    if not file.is_file():
        return Problem("missing", entry.file, f"in the manifest ({entry.rows} rows, {entry.bytes} bytes)")
    sha, size = sha256_file(file)
    if (sha, size) != (entry.sha256, entry.bytes):
        return Problem(
            "changed",
            entry.file,
            f"sha256 {sha[:12]}... ({size} bytes), manifest {entry.sha256[:12]}... ({entry.bytes} bytes)",
        )
    return None


def check_media_entry(
    root: Path, entry: MediaEntry, progress: Callable[[int], None] | None = None
) -> list[Problem]:
    """Every recorded media file that is missing, or whose size or sha256 differs from the manifest
    (``progress`` is told the bytes hashed)."""
    problems = []
    for f in entry.files:
        path = root / f.file
        if not path.is_file():
            problems.append(Problem("missing", f.file, f"media of {entry.repo} ({f.bytes} bytes)"))
            continue
        sha, size = sha256_file(path, progress)
        if (sha, size) != (f.sha256, f.bytes):
            detail = f"sha256 {sha[:12]}... ({size} bytes), manifest {f.sha256[:12]}... ({f.bytes} bytes)"
            problems.append(Problem("changed", f.file, detail))
    return problems


def _media_to_check(manifest: Manifest, uses: Sequence[MediaUse], report: Report) -> list[MediaEntry]:
    """The media records of the tasks' repos; a repo not mirrored, at another revision, or without some of
    the tasks' patterns is a problem."""
    from lmms_eval.mirror.layout import media_rel_dir

    entries = []
    for use in uses:
        entry, where, tasks = manifest.media_entry(use.repo), media_rel_dir(use.repo), ", ".join(use.tasks)
        if entry is None:
            report.problems.append(Problem("not mirrored", where, f"media used by {tasks}"))
        elif use.revision is not None and entry.revision != use.revision:
            detail = f"mirrored at {entry.revision or 'an unknown revision'}, {tasks} pin {use.revision}"
            report.problems.append(Problem("other revision", where, detail))
        elif any(entry.patterns.get(p) != e for p, e in use.patterns.items()):
            lacking = [p for p, e in use.patterns.items() if entry.patterns.get(p) != e]
            report.problems.append(Problem("not mirrored", where, f"files {lacking}, used by {tasks}"))
        else:
            entries.append(entry)
    return entries


def _extra_files(root: Path, listed: set[str]) -> list[str]:
    if not root.is_dir():
        return []
    lock = f".{MEDIA_DIR}.lock"  # folder_lock's file beside a media folder
    files = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != lock)
    return sorted(f for f in files if f != MANIFEST_NAME and f not in listed)


def verify_mirror(
    data_root: Path,
    uses: Sequence[SplitUse] | None = None,
    media_uses: Sequence[MediaUse] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Check every manifest entry (splits and media files) and look for files it does not list; or, given
    the splits and media some tasks use, check those only. ``progress(bytes, total)`` is told the bytes
    of media files hashed, out of ``total``."""
    root = mirror_root(data_root)
    manifest = read_manifest(data_root)
    report = Report()
    media = list(manifest.media) if uses is None else _media_to_check(manifest, media_uses or [], report)
    if uses is None:
        entries = list(manifest.entries)
    else:
        entries = []
        for use in uses:
            entry = manifest.get(use.key)
            if entry is None:
                report.problems.append(
                    Problem("not mirrored", use.key.rel_file(), f"used by {', '.join(use.tasks)}")
                )
            elif use.source.revision is not None and entry.revision != use.source.revision:
                report.problems.append(
                    Problem(
                        "other revision",
                        entry.file,
                        f"mirrored at {entry.revision or 'an unknown revision'}, "
                        f"{', '.join(use.tasks)} pin {use.source.revision}",
                    )
                )
            else:
                entries.append(entry)
    for entry in entries:
        report.checked.append(entry)
        problem = check_entry(root, entry)
        if problem is not None:
            report.problems.append(problem)
    total = sum(m.bytes for m in media)
    tick = (lambda n: progress(n, total)) if progress is not None else None
    for m in media:
        report.media_checked.append(m)
        report.problems += check_media_entry(root, m, tick)
    if uses is None:
        listed = {e.file for e in manifest.entries} | {f.file for m in manifest.media for f in m.files}
        report.problems += [Problem("extra", f, "not in the manifest") for f in _extra_files(root, listed)]
    return report


def split_status(data_root: Path, source: HubSource) -> dict[str, Any]:
    """Where one hub split stands in the mirror: the file (found, else where it belongs), whether it is
    there, and whether its sha256 and revision match the manifest (None: nothing to compare with)."""
    reason = not_mirrorable(source)
    if reason is not None:
        return {"mirrorable": False, "reason": reason}
    key = SplitKey.of(source)
    found = key.find(data_root)
    status: dict[str, Any] = {
        "mirrorable": True,
        "file": str(found or key.files(data_root)[0]),
        "present": found is not None,
        "format": found.suffix.lstrip(".") if found is not None else None,
        "in_manifest": False,
        "sha256_ok": None,
        "revision": None,
        "revision_ok": None,
        "rows": None,
    }
    try:
        entry = read_manifest(data_root).get(key)
    except DataError as exc:
        return {**status, "error": str(exc)}
    if entry is not None:
        root = mirror_root(data_root)
        status.update(in_manifest=True, revision=entry.revision, rows=entry.rows)
        if found is not None and found == root / entry.file:
            status["sha256_ok"] = check_entry(root, entry) is None
        if source.revision is not None:
            status["revision_ok"] = entry.revision == source.revision
    return status
