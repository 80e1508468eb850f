"""The task index is cached and rebuilt only when a YAML file changes; listing stays light."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, write_text_task

from lmms_eval.tasks.index import TaskIndex, cache_dir


def test_cache_is_reused_then_rebuilt_on_change(tmp_path: Path) -> None:
    folder = write_text_task(tmp_path, n=4)
    first = TaskIndex.build([folder], tmp_path)
    assert first.get("toy_qa").size == 4
    cache = cache_dir() / "task_index.json"
    stamp = cache.stat().st_mtime_ns
    TaskIndex.build([folder], tmp_path)
    assert cache.stat().st_mtime_ns == stamp, "unchanged YAML must not rebuild the index"
    yaml = folder / "toy_qa.yaml"
    yaml.write_text(yaml.read_text().replace("task: toy_qa", "task: toy_qa2"))
    os.utime(yaml, ns=(stamp + 10**9, stamp + 10**9))
    rebuilt = TaskIndex.build([folder], tmp_path)
    assert "toy_qa2" in rebuilt.names() and "toy_qa" not in rebuilt.names()


def test_tags_and_groups_expand(tmp_path: Path) -> None:
    index = TaskIndex.build([], None)
    assert index.expand(["synthetic_video_qa"]) == [
        "synthetic_video_direction",
        "synthetic_video_count",
        "synthetic_video_order",
    ]
    video = set(index.expand(["video"]))  # a tag: every catalog task tagged video
    assert {"synthetic_video_direction", "synthetic_video_count", "synthetic_video_order"} <= video
    assert {"videomme", "mvbench_action_sequence", "egoschema_subset"} <= video
    assert "mme" not in video and "librispeech_test_clean" not in video


def test_listing_and_help_import_no_heavy_library() -> None:
    code = (
        "import sys, io, contextlib\nfrom lmms_eval.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['tasks']); main(['models'])\n"
        "heavy = [m for m in ('torch', 'transformers', 'datasets', 'numpy', 'PIL', 'av') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""
