"""Time lmms_eval.stats.estimate() with bootstrapped aggregations: 100,000 resamples over 10,000 samples.

Usage: python benchmarks/bootstrap_speed.py [--iters 100000] [--n 10000] [--repeat 3] [--peer]
Prints one line per case: the best wall-clock seconds over --repeat runs and the resulting estimate.

``--peer`` also times lmms-eval 0.7.3's ``bootstrap_stderr`` (a multiprocessing pool over chunks of 1,000
resamples, each drawn with ``random.choices``) on the same 0/1 and continuous scores with its ``median``
aggregation, in the peer's venv ($PEER_VENV, default .peer/venv: benchmarks/peer_setup.sh), one run each (it is slow).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lmms_eval.stats import estimate


def _mean_1d(scores: np.ndarray) -> float:
    """A custom aggregation that only handles 1-D input (exercises the row-loop fallback)."""
    return float(np.mean(scores))


def _mean_rows(scores: np.ndarray, labels: Any = None) -> np.ndarray:
    """A custom vectorized callable (no counts form): the generic index path."""
    out: np.ndarray = np.asarray(scores).mean(axis=1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slow", action="store_true", help="also time the 1-D row-loop fallback (slow)")
    parser.add_argument("--peer", action="store_true", help="also time lmms-eval 0.7.3's bootstrap_stderr")
    ns = parser.parse_args()
    rng = np.random.default_rng(0)
    n, iters = ns.n, ns.iters
    binary = (rng.random(n) < 0.7).astype(np.float64)
    continuous = rng.random(n)
    confusion = rng.integers(0, 4, n).astype(np.float64)
    labels = [f"cat{i}" for i in rng.integers(0, 10, n)]
    clusters = np.repeat(np.arange(n // 4 + 1), 4)[:n]

    cases: list[tuple[str, Callable[[], Any], int]] = [
        ("mean (analytic), continuous", lambda: estimate(continuous, "mean", bootstrap_iters=iters), iters),
        ("yes_f1, confusion codes", lambda: estimate(confusion, "yes_f1", bootstrap_iters=iters), iters),
        ("median, 0/1 scores", lambda: estimate(binary, "median", bootstrap_iters=iters), iters),
        (
            "macro_mean, 0/1 scores, 10 categories",
            lambda: estimate(binary, "macro_mean", labels=labels, bootstrap_iters=iters),
            iters,
        ),
        (
            "macro_mean, 0/1 scores, clusters of 4",
            lambda: estimate(binary, "macro_mean", labels=labels, clusters=clusters, bootstrap_iters=iters),
            iters,
        ),
        (
            "callable mean (vectorized), 0/1 scores",
            lambda: estimate(binary, _mean_rows, bootstrap_iters=iters),
            iters,
        ),
        ("median, continuous", lambda: estimate(continuous, "median", bootstrap_iters=iters), iters),
        (
            "macro_mean, continuous, 10 categories",
            lambda: estimate(continuous, "macro_mean", labels=labels, bootstrap_iters=iters),
            iters,
        ),
    ]
    if ns.slow:
        few = max(iters // 100, 2)
        cases.append(
            ("callable 1-D mean (row loop)", lambda: estimate(binary, _mean_1d, bootstrap_iters=few), few)
        )

    print(f"# n={n} samples, {platform.machine()}, {os.cpu_count()} CPUs, numpy {np.__version__}")
    for name, fn, k in cases:
        best = float("inf")
        est = None
        for _ in range(ns.repeat):
            start = time.perf_counter()
            est = fn()
            best = min(best, time.perf_counter() - start)
        assert est is not None
        print(
            f"{name:45s} iters={k:>7d}  {best:8.3f} s   value={est.value:.4f} stderr={est.stderr} "
            f"method={est.method}"
        )
    if ns.peer:
        for name, data in (("median, 0/1 scores", binary), ("median, continuous", continuous)):
            seconds, stderr = _peer_bootstrap(data, iters)
            print(f"{'peer ' + name:45s} iters={iters:>7d}  {seconds:8.3f} s   stderr={stderr:.6f}")


_PEER_SCRIPT = """
import json, sys, time
from lmms_eval.api.metrics import bootstrap_stderr, median
xs = json.load(open(sys.argv[1]))
start = time.perf_counter()
stderr = bootstrap_stderr(median, xs, int(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "stderr": stderr}))
"""


def _peer_bootstrap(data: np.ndarray, iters: int) -> tuple[float, float]:
    """Seconds and stderr of the peer's bootstrap_stderr(median, data, iters), run in the peer's venv."""
    from peer_common import PEER_VENV

    python = str(PEER_VENV / "bin" / "python")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "xs.json")
        with open(path, "w") as fh:
            json.dump(data.tolist(), fh)
        # run from a neutral folder so that this repo's ./lmms_eval cannot shadow the peer's package
        out = subprocess.run(
            [python, "-I", "-c", _PEER_SCRIPT, path, str(iters)],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), float(result["stderr"])


if __name__ == "__main__":
    main()
