"""Statistics for reported metrics: every value comes with n, a standard error and a confidence interval.

- :func:`estimate`: one metric over per-sample scores (analytic, cluster-robust or bootstrap).
- :func:`combine`: a group's score from its subtasks' estimates.
- :class:`Estimate`: the result.

Imported lazily by the engine (this package imports numpy); ``import lmms_eval`` does not load it.
"""

from __future__ import annotations

from lmms_eval.stats.estimators import (
    CombineRule,
    Estimate,
    Method,
    clustered_mean_stderr,
    combine,
    estimate,
    mean_stderr,
    normal_interval,
    t_interval,
)

__all__ = [
    "CombineRule",
    "Estimate",
    "Method",
    "clustered_mean_stderr",
    "combine",
    "estimate",
    "mean_stderr",
    "normal_interval",
    "t_interval",
]
