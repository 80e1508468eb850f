"""A suite's ``subset``: a fixed, seeded, stratified share of a task's docs (the ``lite`` suite).

For a task of N docs the budget is ``max(1, floor(fraction * N))`` docs: never more than ``fraction`` of them
(but at least one). The docs are split into strata by a column (``stratify``) and each stratum gets a quota
of docs: first ``min(min_per_stratum, its size)`` (the largest strata first while the budget lasts, so tiny
strata are not dropped), then the rest of the budget one doc at a time to the stratum furthest below its
proportional share ``n_s * budget / N``; so the quotas sum to the budget.

The unit kept is the doc, or, for a task with a ``cluster_key`` (an image's questions, a document's pages, a
pair), the whole cluster: metrics over pairs or sets (MME's acc+, MMVP's pairs) stay meaningful. A unit's
stratum is its first doc's. Within a stratum the units are ranked by
``sha256(f"{seed}\x00{task}\x00{unit id}")`` and taken in that order while they fit in the stratum's quota (a
cluster larger than what is left is passed over); so the choice depends on ids and strata alone, not on row
order, and the docs kept never exceed the budget (but for a task so small that each of its clusters is
larger than the budget: then one cluster is kept). They run in their original order.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lmms_eval.core.errors import ConfigError

if TYPE_CHECKING:
    from lmms_eval.results.schema import SubsetInfo
    from lmms_eval.tasks.suite_spec import SubsetSpec


@dataclass
class DocSubset:
    """A suite's subset settings bound to one task: the task's name and the column its docs are stratified by
    (None: one stratum)."""

    suite: str
    task: str
    spec: SubsetSpec
    column: str | None
    #: the task's ``cluster_key``: its clusters are kept or left whole
    cluster: str | None = None
    #: how many docs the subset kept, once it has been applied
    n_selected: int | None = None


def subset_for(
    suite: str, task: str, spec: SubsetSpec, breakdown: Sequence[str], cluster_key: str | None = None
) -> DocSubset:
    """Resolve ``stratify``: ``auto`` is the task's first breakdown column (none without a breakdown)."""
    if spec.stratify == "auto":
        column = breakdown[0] if breakdown else None
    elif spec.stratify == "none":
        column = None
    else:
        column = spec.stratify
    return DocSubset(suite=suite, task=task, spec=spec, column=column, cluster=cluster_key)


def budget(n_docs: int, fraction: float) -> int:
    """How many of ``n_docs`` docs a subset keeps: ``floor(fraction * n)``, at least 1 (0 of none)."""
    if n_docs <= 0:
        return 0
    return min(n_docs, max(1, math.floor(fraction * n_docs + 1e-9)))


def allocate(sizes: Mapping[str, int], total: int, min_per_stratum: int) -> dict[str, int]:
    """Docs per stratum: the floors first (largest strata first), then one at a time to the stratum furthest
    below its proportional share; the quotas sum to ``min(total, sum(sizes))``."""
    n = sum(sizes.values())
    total = min(total, n)
    order = sorted(sizes, key=lambda s: (-sizes[s], s))
    quota = dict.fromkeys(sizes, 0)
    left = total
    for s in order:
        give = min(min_per_stratum, sizes[s], left)
        quota[s], left = give, left - give
    while left > 0:
        open_ = [s for s in order if quota[s] < sizes[s]]
        best = max(open_, key=lambda s: (sizes[s] * total / n - quota[s], sizes[s]))
        quota[best] += 1
        left -= 1
    return quota


def doc_rank(seed: int, task: str, doc_id: str) -> str:
    return hashlib.sha256(f"{seed}\x00{task}\x00{doc_id}".encode()).hexdigest()


def column_text(docs: Sequence[Any], column: str | None, task: str, what: str) -> list[str]:
    """Each doc's value of ``column`` as text ("" for all without a column); only that column is read."""
    if column is None:
        return [""] * len(docs)
    from lmms_eval.tasks.sources.arrow import LazyRows, column_values

    missing = ConfigError(f"Task '{task}': subset {what} column '{column}' does not exist in its docs")
    rows = getattr(docs, "rows", None)
    if rows is not None:
        present = (
            column in rows.column_names if isinstance(rows, LazyRows) else (not rows or column in rows[0])
        )
        if not present:
            raise missing
        return [str(v) for v in column_values(rows, column)]
    try:
        return [str(d.data[column]) for d in docs]
    except KeyError:
        raise missing from None


def subset_positions(
    ids: Sequence[str], strata: Sequence[str], task: str, spec: SubsetSpec, units: Sequence[str] | None = None
) -> list[int]:
    """The positions of the kept docs, in their original order. ``units``: each doc's cluster (None: each doc
    is its own unit)."""
    unit_of = list(units) if units is not None else list(ids)
    members: dict[str, dict[str, list[int]]] = {}  # stratum -> unit -> positions
    stratum_of_unit: dict[str, str] = {}
    for i, u in enumerate(unit_of):
        s = stratum_of_unit.setdefault(u, strata[i])
        members.setdefault(s, {}).setdefault(u, []).append(i)
    sizes = {s: sum(len(p) for p in by_unit.values()) for s, by_unit in members.items()}
    quota = allocate(sizes, budget(len(ids), spec.fraction), spec.min_per_stratum)
    keep: list[int] = []
    for s, by_unit in members.items():
        left = quota[s]
        for u in sorted(by_unit, key=lambda u: doc_rank(spec.seed, task, u)):
            if left <= 0:
                break
            if len(by_unit[u]) <= left:
                keep.extend(by_unit[u])
                left -= len(by_unit[u])
    if not keep and ids:  # every cluster is larger than the budget (a tiny task): keep one
        largest = max(members, key=lambda s: (sizes[s], s))
        keep = min(members[largest].values(), key=lambda p: doc_rank(spec.seed, task, unit_of[p[0]]))
    return sorted(keep)


def select_subset(docs: Sequence[Any], subset: DocSubset) -> list[Any]:
    """The docs a subset keeps (only those rows are built); records how many in ``subset.n_selected``."""
    ids = getattr(docs, "ids", None)
    id_list = list(ids) if ids is not None else [d.id for d in docs]
    strata = column_text(docs, subset.column, subset.task, "stratify")
    units = column_text(docs, subset.cluster, subset.task, "cluster_key") if subset.cluster else None
    kept = [docs[i] for i in subset_positions(id_list, strata, subset.task, subset.spec, units)]
    subset.n_selected = len(kept)
    return kept


def subset_info(subset: DocSubset, n_full: int) -> SubsetInfo:
    """The results' record of a subset run (``TaskResult.subset``)."""
    from lmms_eval.results.schema import SubsetInfo

    return SubsetInfo(
        suite=subset.suite,
        fraction=subset.spec.fraction,
        seed=subset.spec.seed,
        stratify=subset.column,
        min_per_stratum=subset.spec.min_per_stratum,
        n_full=n_full,
        n_selected=subset.n_selected
        if subset.n_selected is not None
        else budget(n_full, subset.spec.fraction),
    )
