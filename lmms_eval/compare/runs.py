"""Load finished runs, pair their samples by (task, doc_id), and find what differs between two runs.

A run is the folder ``OUTPUT/<model>/<run_id>/`` (or its ``results.json``): the results and one
``samples_<task>.jsonl`` per task. Only samples with a score in *both* runs are paired; failed requests
(no scores) drop out, as they do from the metrics themselves. When a samples file holds several records
for one doc (``--repeats k``), the doc's score is its records reduced by the run's ``--repeat_reducer``
(``mean``: the mean of its scores; ``majority``: the score of the voted answer; ``pass_at_k``,
``pass_at_J``, ``all_k``: best, expected best of J, worst), so docs, not generations, are the paired units.

Nothing here imports numpy: the statistics live in :mod:`lmms_eval.compare.table`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import ConfigError
from lmms_eval.results.schema import Results, SampleRecord, TaskResult


class NoCommonSamplesError(ConfigError):
    """Two runs share no scored (task, doc_id): there is nothing to pair."""


@dataclass
class Run:
    """One finished run: its results and (read on demand) its per-sample records."""

    path: Path  # the run folder
    results: Results
    label: str
    source: str = ""  # the path as given
    _samples: dict[str, dict[str, list[SampleRecord]] | None] = field(default_factory=dict, repr=False)

    @property
    def results_file(self) -> Path:
        return self.path / "results.json"

    def task_result(self, name: str) -> TaskResult | None:
        return self.results.results.get(name) or self.results.groups.get(name)

    def names(self) -> list[str]:
        """Tasks, then groups, in the order results.json lists them."""
        return [*self.results.results, *(g for g in self.results.groups if g not in self.results.results)]

    def samples(self, task: str) -> dict[str, list[SampleRecord]] | None:
        """``{doc_id: [records]}`` of a task (not a group), or None when the run has no samples file."""
        if task not in self._samples:
            path = self.path / f"samples_{task}.jsonl"
            if not path.exists():
                self._samples[task] = None
            else:
                from lmms_eval.results.writer import read_samples

                try:
                    records = read_samples(path)
                except ValueError as exc:  # pydantic ValidationError is a ValueError
                    raise ConfigError(f"{path}: not a valid samples file: {exc}") from exc
                by_doc: dict[str, list[SampleRecord]] = {}
                for r in records:
                    by_doc.setdefault(str(r.doc_id), []).append(r)
                self._samples[task] = by_doc
        return self._samples[task]


def load_run(path: str | Path, label: str | None = None) -> Run:
    """A run from its folder or its results.json; a clear error when neither is there."""
    p = Path(path).expanduser()
    if p.is_file():
        folder = p.parent
        results_file = p
    else:
        folder = p
        results_file = p / "results.json"
    if not results_file.is_file():
        hint = ""
        if p.is_dir():
            found = sorted(p.glob("*/*/results.json")) or sorted(p.glob("*/results.json"))
            if found:
                shown = ", ".join(str(f.parent) for f in found[-3:])
                hint = f" Run folders under it: {shown}"
        raise ConfigError(
            f"'{path}' is not a run: expected a run folder (OUTPUT/<model>/<run_id>/) holding results.json, "
            f"or the results.json itself.{hint}"
        )
    from lmms_eval.results.writer import load_results

    try:
        results = load_results(results_file)
    except ValueError as exc:
        raise ConfigError(f"{results_file}: not a valid lmms-eval results file: {exc}") from exc
    name = label or f"{results.config.model}/{results.run_id}"
    return Run(path=folder, results=results, label=name, source=str(path))


def unique_labels(runs: list[Run]) -> None:
    """Make run labels distinct: runs sharing ``model/run_id`` (same model, same second, different output
    folders) are labelled by their path as given, then by position."""
    seen: dict[str, int] = {}
    for r in runs:
        seen[r.label] = seen.get(r.label, 0) + 1
    for r in runs:
        if seen[r.label] > 1 and r.source:
            r.label = r.source.rstrip("/").removesuffix("/results.json")
    counts: dict[str, int] = {}
    for r in runs:
        counts[r.label] = counts.get(r.label, 0) + 1
    for i, r in enumerate(runs):
        if counts[r.label] > 1:
            r.label = f"{r.label}#{i + 1}"


# -- pairing -----------------------------------------------------------------------------------------


@dataclass
class Paired:
    """Per-doc raw scores (before ``scale``) of one metric, in the same doc order for both runs."""

    doc_ids: list[str]
    a: list[float]
    b: list[float]
    n_a: int  # docs of run A with this metric scored
    n_b: int
    reduced: set[str] = field(default_factory=set)  # repeat reducers applied to docs with several records


def repeat_reducer(run: Run, task: str) -> str:
    """How the run reduced a doc's repeated samples for ``task`` (``mean`` without repeats)."""
    tr = run.results.results.get(task)
    if tr is not None and tr.repeats is not None:
        return tr.repeats.reducer
    return run.results.config.repeat_reducer


def reduce_doc(
    records: list[SampleRecord], metric: str, reducer: str, higher_is_better: bool
) -> float | None:
    """A doc's score of ``metric`` from its scored records (one per repeat), as the run's reducer made it."""
    recs = sorted((r for r in records if metric in r.scores), key=lambda r: r.repeat)
    if not recs:
        return None
    values = [float(r.scores[metric]) for r in recs]
    if len(values) == 1 or reducer == "mean":
        return sum(values) / len(values)
    from lmms_eval.stats import repeats

    if reducer == "majority":
        return values[repeats.majority_index([r.extracted for r in recs])]
    if reducer == "pass_at_k":
        return repeats.best(values, higher_is_better)
    if reducer == "all_k":
        return repeats.worst(values, higher_is_better)
    if reducer.startswith("pass_at_") and reducer[len("pass_at_") :].isdigit():
        return repeats.expected_best_of(values, int(reducer[len("pass_at_") :]), higher_is_better)
    raise ConfigError(f"unknown repeat reducer '{reducer}'")


def _doc_scores(
    samples: dict[str, list[SampleRecord]], metric: str, reducer: str = "mean", higher_is_better: bool = True
) -> tuple[dict[str, float], bool]:
    """``{doc_id: score}`` and whether any doc had several records to reduce."""
    out: dict[str, float] = {}
    reduced = False
    for doc_id, records in samples.items():
        value = reduce_doc(records, metric, reducer, higher_is_better)
        if value is not None:
            out[doc_id] = value
            reduced = reduced or sum(1 for r in records if metric in r.scores) > 1
    return out, reduced


def member_tasks(run: Run, name: str) -> list[str]:
    """The tasks whose samples make up ``name``: itself, or a group's subtasks."""
    tr = run.task_result(name)
    if tr is not None and tr.kind == "group":
        return list(tr.subtasks)
    return [name]


def pair_scores(a: Run, b: Run, task: str, metric: str, higher_is_better: bool = True) -> Paired | None:
    """The paired per-doc scores of ``metric`` for a task (or a group: its subtasks' docs pooled, ids
    prefixed by the subtask), or None when either run lacks the samples file of a member task."""
    members = member_tasks(a, task)
    if member_tasks(b, task) != members:
        members = [t for t in members if t in member_tasks(b, task)]
    out = Paired([], [], [], 0, 0)
    for t in members:
        sa, sb = a.samples(t), b.samples(t)
        if sa is None or sb is None:
            return None
        red_a, red_b = repeat_reducer(a, t), repeat_reducer(b, t)
        da, rep_a = _doc_scores(sa, metric, red_a, higher_is_better)
        db, rep_b = _doc_scores(sb, metric, red_b, higher_is_better)
        out.n_a += len(da)
        out.n_b += len(db)
        out.reduced |= {red_a} if rep_a else set()
        out.reduced |= {red_b} if rep_b else set()
        prefix = f"{t}/" if len(members) > 1 or t != task else ""
        for doc_id, va in da.items():
            if doc_id in db:
                out.doc_ids.append(prefix + doc_id)
                out.a.append(va)
                out.b.append(db[doc_id])
    return out


def common_docs(a: Run, b: Run) -> tuple[int, list[str]]:
    """How many (task, doc_id) both runs scored, and the tasks that lack a samples file in either run."""
    total = 0
    missing: list[str] = []
    for task in a.results.results:
        if task not in b.results.results:
            continue
        sa, sb = a.samples(task), b.samples(task)
        if sa is None or sb is None:
            missing.append(task)
            continue
        scored_b = {d for d, recs in sb.items() if any(r.scores for r in recs)}
        total += sum(1 for d, recs in sa.items() if d in scored_b and any(r.scores for r in recs))
    return total, missing


def require_common_samples(a: Run, b: Run) -> None:
    """Refuse (``NoCommonSamplesError``, exit 2) to compare runs that share no scored sample."""
    total, missing = common_docs(a, b)
    if total:
        return
    tasks_a, tasks_b = sorted(a.results.results), sorted(b.results.results)
    shared = sorted(set(tasks_a) & set(tasks_b))
    if not shared:
        why = f"they ran different tasks ({a.label}: {', '.join(tasks_a) or 'none'}; {b.label}: {', '.join(tasks_b) or 'none'})"
    elif missing and len(missing) == len(shared):
        why = (
            f"samples files are missing for {', '.join(missing)} (was one run made with --no_log_samples?); "
            "pairing needs samples_<task>.jsonl in both run folders"
        )
    else:
        why = f"no doc_id of {', '.join(shared)} was scored in both (different --limit, data or failed requests?)"
    raise NoCommonSamplesError(f"cannot compare {a.label} with {b.label}: no samples in common: {why}.")


# -- differences worth a warning ---------------------------------------------------------------------


def prompt_fingerprint(record: SampleRecord) -> str:
    """A hash of what the model saw: roles, text and media content (sha256), not local media paths."""
    canon: list[Any] = []
    for msg in record.prompt:
        parts: list[Any] = []
        content = msg.get("content", [])
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for part in content:
            if not isinstance(part, dict):
                parts.append(str(part))
            elif part.get("type") == "text":
                parts.append(["text", part.get("text")])
            else:
                parts.append([part.get("type"), part.get("sha256") or part.get("url") or part.get("path")])
        canon.append([msg.get("role"), parts])
    return hashlib.sha256(json.dumps(canon, sort_keys=True, default=str).encode()).hexdigest()


def _fmt_value(v: Any) -> str:
    return json.dumps(v, default=str) if not isinstance(v, str) else v


def _dict_diff(x: dict[str, Any], y: dict[str, Any]) -> list[str]:
    keys = sorted(set(x) | set(y))
    return [
        f"{k}: {_fmt_value(x.get(k, '<unset>'))} vs {_fmt_value(y.get(k, '<unset>'))}"
        for k in keys
        if x.get(k) != y.get(k)
    ]


def run_differences(a: Run, b: Run) -> list[str]:
    """Warnings: the two runs differ in task version, dataset, generation config or prompts."""
    out: list[str] = []
    pair = f"{a.label} vs {b.label}"
    for task, ta in a.results.results.items():
        tb = b.results.results.get(task)
        if tb is None:
            continue
        if ta.version != tb.version:
            out.append(f"{task}: task version differs ({pair}: {ta.version} vs {tb.version})")
        da, db = ta.dataset, tb.dataset
        if da is not None and db is not None:
            if da.fingerprint != db.fingerprint:
                out.append(
                    f"{task}: dataset fingerprint differs ({pair}: {da.fingerprint} vs {db.fingerprint}); "
                    "the same doc_id may hold different data"
                )
            elif da.source != db.source or da.revision != db.revision:
                out.append(
                    f"{task}: dataset source differs ({pair}: {da.source}@{da.revision} vs "
                    f"{db.source}@{db.revision})"
                )
        ka = ta.repeats.k if ta.repeats else 1
        kb = tb.repeats.k if tb.repeats else 1
        ra, rb = repeat_reducer(a, task), repeat_reducer(b, task)
        if ka != kb or (ra != rb and max(ka, kb) > 1):
            out.append(f"{task}: repeats differ ({pair}: k={ka} {ra} vs k={kb} {rb})")
        gen = _dict_diff(ta.generation, tb.generation)
        if gen:
            out.append(f"{task}: generation config differs ({pair}: {'; '.join(gen)})")
        sa, sb = a.samples(task), b.samples(task)
        if sa and sb:
            common = [d for d in sa if d in sb]
            differing = sum(1 for d in common if prompt_fingerprint(sa[d][0]) != prompt_fingerprint(sb[d][0]))
            if differing:
                out.append(
                    f"{task}: prompts differ on {differing} of {len(common)} common samples ({pair}); "
                    "the runs did not ask the same questions"
                )
    return out


def coverage_notes(a: Run, b: Run) -> list[str]:
    """Tasks in only one run, and tasks without samples files."""
    notes = []
    only_a = [t for t in a.names() if b.task_result(t) is None]
    only_b = [t for t in b.names() if a.task_result(t) is None]
    if only_a:
        notes.append(f"only in {a.label}: {', '.join(only_a)}")
    if only_b:
        notes.append(f"only in {b.label}: {', '.join(only_b)}")
    return notes
