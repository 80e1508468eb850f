"""Circular evaluation (``circular:`` in a task YAML): MMBench's CircularEval for any multiple-choice task.

A doc with n options is asked n times. Rotation r shows at letter j the option that was at position
(j + r) mod n, and the answer at position a moves to (a - r) mod n; rotation 0 is the doc as given. A doc
counts as right only when every rotation is right (``circular_<metric>``: the worst of its rotations'
scores); ``<metric>`` itself is scored on rotation 0 alone, the "vanilla" number MMBench reports next to it.
Both have one value per doc, so their standard errors and CIs are per doc (a task ``cluster_key`` still
groups docs).

Which docs rotate follows VLMEvalKit's circular builder (``vlmeval/tools.py``, ``CIRCULAR``, at
open-compass/VLMEvalKit@e8e78f05f3080fe28154f2130321f17951c3be94): its rotation (``deque.rotate(1)`` per
pass, options re-labelled through the rotated letters) is the one above, and a doc is asked once, unrotated,
when an option names two or more option letters ("A and B"), an option is itself letters of the alphabet
("B", "AB"), or the answer is not one of its option letters. Where that tool stops with an error we ask once
too: fewer than two options, or options with a gap (A, C without B). A doc with no answer (a test split) is
rotated with its answer left empty.

Each rotation is its own request: its prompt differs, and rotations r > 0 also carry ``rotation: r`` in
their cache key and ``<doc id>#r<r>`` as the request's doc id (rotation 0 keeps the plain key and id, so a
plain run's answers are reused), so the journal resumes rotation by rotation and ``replay`` files address
each one.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import DataError
from lmms_eval.engine.plan import Sample
from lmms_eval.results.schema import CircularStats, MetricResult
from lmms_eval.scoring.mmbench import is_missing
from lmms_eval.tasks.spec import CircularSpec, MetricSpec
from lmms_eval.tasks.task import Doc, Task

Breakdown = dict[str, dict[str, dict[str, MetricResult]]]


def rotation_doc_id(doc_id: str, rotation: int) -> str:
    """The doc id a rotation's request carries: the doc's own for rotation 0, ``<id>#r<r>`` after."""
    return doc_id if rotation == 0 else f"{doc_id}#r{rotation}"


# --- which docs rotate -------------------------------------------------------------------------------------


def _options(data: Mapping[str, Any], spec: CircularSpec, doc_id: str) -> list[Any] | None:
    """The doc's options in letter order, or None when they cannot be rotated (a gap in letter columns)."""
    if isinstance(spec.options, str):
        value = data.get(spec.options)
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            raise DataError(
                f"circular: doc '{doc_id}': column '{spec.options}' must hold a list of options, got "
                f"{type(value).__name__}"
            )
        return list(value)
    assert spec.options is not None
    values = [data.get(column) for column in spec.options]
    present = [not is_missing(v) for v in values]
    n = present.index(False) if False in present else len(values)
    if any(present[n:]):
        return None
    return values[:n]


def _answer_position(value: Any, letters: str, n: int) -> int | None:
    """The 0-based position of an answer letter or index, or None when it is not one of n options."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        position = value
    elif isinstance(value, str) and value.strip().isdigit():
        position = int(value.strip())
    elif isinstance(value, str) and len(value.strip()) == 1 and value.strip() in letters:
        position = letters.index(value.strip())
    else:
        return None
    return position if 0 <= position < n else None


def _names_letters(options: Sequence[Any], labels: str) -> bool:
    """VLMEvalKit's ``abnormal_entry``: an option mentioning two or more option letters as words, or an
    option that is itself a piece of the alphabet ("B", "CD")."""
    for option in options:
        text = str(option)
        cleaned = "".join(c if c in string.ascii_letters or c == " " else " " for c in text)
        if len({word for word in cleaned.split() if word in set(labels)}) > 1:
            return True
        if text in string.ascii_uppercase:
            return True
    return False


def rotation_count(data: Mapping[str, Any], spec: CircularSpec, doc_id: str) -> int:
    """How many times the doc is asked: its number of options, or 1 when it is not rotated."""
    options = _options(data, spec, doc_id)
    if options is None or len(options) < 2 or len(options) > len(spec.letters):
        return 1
    n = len(options)
    if _names_letters(options, spec.letters[:n]):
        return 1
    answer = data.get(spec.answer)
    if not is_missing(answer) and _answer_position(answer, spec.letters, n) is None:
        return 1
    return n


def _rotated_answer(value: Any, shift: int, n: int, letters: str) -> Any:
    if is_missing(value):
        return value
    position = _answer_position(value, letters, n)
    assert position is not None
    new = (position - shift) % n
    if isinstance(value, int):
        return new
    return str(new) if str(value).strip().isdigit() else letters[new]


def rotate(data: Mapping[str, Any], spec: CircularSpec, shift: int, n: int) -> dict[str, Any]:
    """A copy of the doc's row with the option list shifted by ``shift`` and the answer moved with it."""
    out = dict(data)
    if isinstance(spec.options, str):
        options = list(data[spec.options])
        out[spec.options] = options[shift:] + options[:shift]
    else:
        columns = list(spec.options or [])[:n]
        for j, column in enumerate(columns):
            out[column] = data[columns[(j + shift) % n]]
    out[spec.answer] = _rotated_answer(data.get(spec.answer), shift, n, spec.letters)
    return out


def expand(task: Task, docs: Sequence[Doc]) -> list[tuple[Doc, int]]:
    """Every (doc, rotation) to ask, doc-major; a task without ``circular`` asks each doc once as is."""
    spec = task.spec.circular
    if spec is None:
        return [(doc, 0) for doc in docs]
    units: list[tuple[Doc, int]] = []
    for doc in docs:
        n = rotation_count(doc.data, spec, doc.id)
        if n == 1:
            units.append((doc, 0))
            continue
        units.extend((Doc(id=doc.id, data=rotate(doc.data, spec, r, n)), r) for r in range(n))
    return units


# --- scoring -----------------------------------------------------------------------------------------------


def circular_key(metric: MetricSpec) -> str:
    return f"circular_{metric.display}"


def _worst(values: list[float], higher_is_better: bool) -> float:
    return min(values) if higher_is_better else max(values)


def units(
    task: Task, planned: Sequence[Sample], scored: Sequence[Sample]
) -> tuple[list[Sample], list[Sample]]:
    """(rotation-0 samples, one sample per doc with every rotation scored whose scores are the worst of its
    rotations' under ``circular_<metric>``), both in doc order."""
    expected: dict[str, int] = {}
    for s in planned:
        expected[s.doc.id] = expected.get(s.doc.id, 0) + 1
    groups: dict[str, list[Sample]] = {}
    for s in scored:
        groups.setdefault(s.doc.id, []).append(s)
    firsts: list[Sample] = []
    whole: list[Sample] = []
    for doc_id, group in groups.items():
        group.sort(key=lambda s: s.rotation)
        if group[0].rotation == 0:
            firsts.append(group[0])
        if len(group) == expected.get(doc_id):
            scores = {
                circular_key(m): _worst([s.scores[m.display] for s in group], m.higher_is_better)
                for m in task.spec.metrics
            }
            whole.append(dataclasses.replace(group[0], scores=scores, extracted=None))
    return firsts, whole


def _aggregate(
    task: Task,
    metrics: Sequence[MetricSpec],
    samples: Sequence[Sample],
    n_errors: int,
    bootstrap_iters: int,
    seed: int,
) -> tuple[dict[str, MetricResult], Breakdown]:
    from lmms_eval.engine.score import _field_values, aggregate_metric

    def agg(metric: MetricSpec, members: Sequence[Sample], errors: int) -> MetricResult:
        return aggregate_metric(
            metric, members, task, n_errors=errors, bootstrap_iters=bootstrap_iters, seed=seed
        )

    overall = {m.display: agg(m, samples, n_errors) for m in metrics}
    breakdown: Breakdown = {}
    for field in task.spec.breakdown:
        groups: dict[str, list[Sample]] = {}
        for sample, value in zip(samples, _field_values(samples, field, task)):
            groups.setdefault(value, []).append(sample)
        breakdown[field] = {
            value: {m.display: agg(m, members, 0) for m in metrics}
            for value, members in sorted(groups.items())
        }
    return overall, breakdown


def aggregate_circular(
    task: Task,
    planned: Sequence[Sample],
    scored: Sequence[Sample],
    *,
    bootstrap_iters: int,
    seed: int,
) -> tuple[dict[str, MetricResult], Breakdown, CircularStats]:
    """``circular_<metric>`` over the docs with every rotation scored and ``<metric>`` over rotation 0, each
    with its breakdown; a doc missing a rotation (a failed request) is left out of the circular metrics and
    counted in their ``n_errors``, never scored as wrong."""
    n_docs = len({s.doc.id for s in planned})
    firsts, whole = units(task, planned, scored)
    circular_specs = [m.model_copy(update={"key": circular_key(m)}) for m in task.spec.metrics]
    circ, circ_breakdown = _aggregate(task, circular_specs, whole, n_docs - len(whole), bootstrap_iters, seed)
    plain, plain_breakdown = _aggregate(
        task, task.spec.metrics, firsts, n_docs - len(firsts), bootstrap_iters, seed
    )
    breakdown: Breakdown = {
        field: {
            value: {**circ_breakdown[field].get(value, {}), **plain_breakdown[field].get(value, {})}
            for value in sorted(set(circ_breakdown[field]) | set(plain_breakdown[field]))
        }
        for field in task.spec.breakdown
    }
    return {**circ, **plain}, breakdown, circular_stats(planned, scored)


def circular_stats(planned: Sequence[Sample], scored: Sequence[Sample]) -> CircularStats:
    """How many rotations were asked and answered, and how many docs were not rotated."""
    expected: dict[str, int] = {}
    for s in planned:
        expected[s.doc.id] = expected.get(s.doc.id, 0) + 1
    answered: dict[str, int] = {}
    for s in scored:
        answered[s.doc.id] = answered.get(s.doc.id, 0) + 1
    return CircularStats(
        n_requests=len(planned),
        n_scored=len(scored),
        n_docs_complete=sum(1 for d, n in answered.items() if n == expected.get(d)),
        n_docs_single=sum(1 for n in expected.values() if n == 1),
    )
