"""Importing lmms_eval (or its registries) must not load numpy; lmms_eval.stats is imported lazily."""

from __future__ import annotations

import subprocess
import sys


def test_import_lmms_eval_does_not_load_numpy_or_stats() -> None:
    code = (
        "import sys, lmms_eval, lmms_eval.scoring;"
        "assert 'numpy' not in sys.modules, 'numpy';"
        "assert 'lmms_eval.stats' not in sys.modules, 'stats'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_stats_public_api() -> None:
    import lmms_eval.stats as stats

    for name in stats.__all__:
        assert hasattr(stats, name)
    assert {"Estimate", "estimate", "combine"} <= set(stats.__all__)
