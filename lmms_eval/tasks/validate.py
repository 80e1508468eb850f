"""``lmms-eval tasks validate``: check task files the way a run would use them, without a model.

For each task file: the spec parses (unknown keys are errors with file and line), every registry name
resolves and takes the arguments given (extractors, metrics, aggregations, ``process_docs``,
``submission``), every template compiles, and a group's tasks exist. Then, when the task's data is here (the
offline mirror under the data root, or local files), a few rows are loaded and the task is dry-run on them:
the doc id column and the columns the prompt, target, breakdown and groupings read exist, the doc ids are
unique, the prompt and target render, the media of the first rows resolve and decode, dummy answers go
through the extractor, the metrics and the aggregations, and the target itself, given as the answer, scores
full marks under each metric. Without data the structure alone is checked (status ``no_data``).

Statuses: ``error`` (the task cannot run as written), ``warning`` (it runs, but something looks wrong: its
target does not score full marks against itself), ``no_data`` (no data here: structure checked only), ``ok``.

Nothing is downloaded: hub sources read only the mirror and their local fallback (``no_hub_downloads``), and
media URLs are not fetched.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from lmms_eval.core.errors import ConfigError, LmmsEvalError, UnknownNameError

if TYPE_CHECKING:
    from lmms_eval.core.types import Message
    from lmms_eval.tasks.spec import ExtractorSpec, GroupSpec, MetricSpec, PromptSpec, TaskSpec
    from lmms_eval.tasks.task import Doc, Task

Level = Literal["error", "warning", "note"]
STATUSES = ("ok", "warning", "error", "no_data")

DEFAULT_ROWS = 3
#: the longest reason shown in the table (the details below it have the whole message)
REASON_CHARS = 300
#: rows whose media are decoded (decoding is the slow part)
MEDIA_ROWS = 2
#: answers a careless model might give: every extractor and metric must take them without failing
DUMMY_ANSWERS = ("A", "yes", "The answer is (B).", "42", "")
#: forms in which the target is given as the answer: bare, boxed, tagged (prompts ask for each)
TARGET_FORMS: tuple[Callable[[str], str], ...] = (
    lambda t: t,
    lambda t: f"\\boxed{{{t}}}",
    lambda t: f"<answer>{t}</answer>",
)

# Whether one sample's per-sample value means "right", by the aggregation that reads it (see
# lmms_eval.scoring.aggregations): plain scores (1 full marks, 0 when lower is better), confusion codes
# (3 TP, 2 FN, 1 FP, 0 TN: right when TP or TN), member codes (... * 2 + correct; -1 belongs to no group).
_SCORE_AGGREGATIONS = frozenset({"mean", "median", "macro_mean", "ocrbench_points"})
_CONFUSION_AGGREGATIONS = frozenset({"yes_precision", "yes_recall", "yes_f1", "yes_ratio"})
_CORRECT_BIT_AGGREGATIONS = frozenset({"group_all_correct", "mme_score"})
_ERROR_COUNT_AGGREGATIONS = frozenset({"pooled_error_rate"})  # count codes: right when no edit

#: metrics whose target does not always score full marks against itself, and why (a note, not a warning)
EXPECTED_PARTIAL: dict[str, str] = {
    name: "a consensus of human answers: even the best one scores 1 only when 4 or more of the 10 humans gave it"
    for name in ("vqa_accuracy", "textvqa_accuracy", "vizwiz_accuracy")
}


@dataclass
class Finding:
    level: Level
    check: str  # parse, names, templates, pins, group, data, columns, prompt, media, scoring, self_score
    message: str


@dataclass
class Report:
    """The outcome for one task or group file."""

    name: str
    kind: str  # "task" | "group" | "file" (a file that did not parse)
    file: str
    status: str = "ok"
    #: where the rows came from: "mirror", "local", "none" (no data here), "-" (groups, files that do not parse)
    data: str = "-"
    rows: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    def add(self, level: Level, check: str, message: str) -> None:
        self.findings.append(Finding(level, check, message))

    def finish(self) -> None:
        levels = {f.level for f in self.findings}
        if "error" in levels:
            self.status = "error"
        elif "warning" in levels:
            self.status = "warning"
        elif self.kind == "task" and self.data == "none":
            self.status = "no_data"
        else:
            self.status = "ok"

    @property
    def reason(self) -> str:
        """The first error, else the first warning, else the first note, on one line (shortened)."""
        for level in ("error", "warning", "note"):
            for f in self.findings:
                if f.level == level:
                    text = " ".join(line.strip() for line in f.message.strip().splitlines())
                    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 3] + "..."
        return ""

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "reason": self.reason}


# ---------------------------------------------------------------------------------------------- files


@dataclass
class _Universe:
    """Every task file that names can resolve against, parsed once."""

    files: list[Path]
    specs: dict[Path, TaskSpec | GroupSpec | LmmsEvalError]
    names: dict[str, list[Path]]
    tags: dict[str, list[str]]
    #: suites (``suite:NAME``, docs/suites.md) -> the names they list; their files are not task files
    suites: dict[str, list[str]] = field(default_factory=dict)


def _suite_tasks(path: Path) -> tuple[str, list[str]] | None:
    """A suite file's name and listed names; None when ``path`` is not a valid suite file."""
    from lmms_eval.tasks.suite import is_suite_data, parse_suite
    from lmms_eval.tasks.yaml_loader import load_raw

    try:
        data = load_raw(path, lines=False)
        if not is_suite_data(data):
            return None
        suite = parse_suite(path, data)
    except LmmsEvalError:
        return None
    return suite.suite, suite.tasks


def _universe(dirs: Iterable[Path]) -> _Universe:
    from lmms_eval.tasks.index import yaml_files
    from lmms_eval.tasks.spec import GroupSpec
    from lmms_eval.tasks.suite import suite_files
    from lmms_eval.tasks.yaml_loader import parse_spec

    files = list(dict.fromkeys(p.resolve() for p in yaml_files(dirs)))
    specs: dict[Path, TaskSpec | GroupSpec | LmmsEvalError] = {}
    names: dict[str, list[Path]] = {}
    tags: dict[str, list[str]] = {}
    suites = dict(s for s in map(_suite_tasks, suite_files()) if s is not None)
    for path in list(files):
        try:
            spec = parse_spec(path)
        except LmmsEvalError as exc:
            suite = _suite_tasks(path)  # a suite beside task files: `lmms-eval tasks --suites` checks it
            if suite is not None:
                suites[suite[0]] = suite[1]
                files.remove(path)
                continue
            specs[path] = exc
            continue
        specs[path] = spec
        name = spec.group if isinstance(spec, GroupSpec) else spec.task
        names.setdefault(name, []).append(path)
        for tag in spec.tags:
            tags.setdefault(tag, []).append(name)
    return _Universe(files, specs, names, tags, suites)


def _include_chain(path: Path) -> list[Path]:
    """``path``, then the templates it includes (the last include first: later includes win)."""
    from lmms_eval.tasks.yaml_loader import read_yaml

    out = [path.resolve()]
    try:
        data = read_yaml(path)
    except ConfigError:
        return out
    include = data.get("include") if isinstance(data, dict) else None
    for item in reversed(include if isinstance(include, list) else [include] if include else []):
        for p in _include_chain(path.parent / str(item)):
            if p not in out:
                out.append(p)
    return out


def where(path: Path, key: str, item: int | None = None) -> str:
    """``file:line`` of a top-level key (or of item ``item`` of its list) in the file that sets it: the task
    file itself or a template it includes."""
    from lmms_eval.tasks.yaml_loader import read_yaml

    for file in _include_chain(path):
        try:
            data = read_yaml(file)
        except ConfigError:
            continue
        if isinstance(data, dict) and key in data:
            line = getattr(data, "key_lines", {}).get(key, 1)
            value = data[key]
            if item is not None and isinstance(value, list) and item < len(value):
                line = getattr(value[item], "line", line)
            return f"{file}:{line}"
    return str(path)


def _select(targets: Sequence[str], universe: _Universe) -> list[Path]:
    """The files named by ``targets`` (paths, task/group names, tags, ``suite:NAME``); all files when empty."""
    if not targets:
        return list(universe.files)
    out: list[Path] = []
    for target in targets:
        path = Path(target).expanduser()
        if path.exists():
            out.extend(_files_at(path.resolve(), universe))
        else:
            out.extend(_files_named(target, universe, set()))
    return list(dict.fromkeys(out))


def _files_at(path: Path, universe: _Universe) -> list[Path]:
    if path.is_dir():
        return [f for f in universe.files if f.is_relative_to(path)]
    if path.name.startswith("_"):  # a template: the files that include it
        return [f for f in universe.files if path in _include_chain(f)[1:]]
    return [path]


def _files_named(name: str, universe: _Universe, seen: set[str]) -> list[Path]:
    from lmms_eval.tasks.spec import GroupSpec

    if name in seen:
        return []
    seen.add(name)
    if name.startswith("suite:"):  # `validate suite:lite`: the files of the tasks the suite lists
        suite = name.removeprefix("suite:")
        if suite not in universe.suites:
            raise UnknownNameError("suite", suite, universe.suites)
        return [f for member in universe.suites[suite] for f in _files_named(member, universe, seen)]
    if name not in universe.names:
        if name in universe.tags:
            return [f for member in universe.tags[name] for f in _files_named(member, universe, seen)]
        invalid = [f for f in universe.files if f.stem == name and isinstance(universe.specs[f], Exception)]
        if invalid:
            return invalid
        raise UnknownNameError("task", name, [*universe.names, *universe.tags])
    out = list(universe.names[name])
    for path in universe.names[name]:
        spec = universe.specs[path]
        if isinstance(spec, GroupSpec):
            for member in spec.tasks:
                if member in universe.names or member in universe.tags:
                    out.extend(_files_named(member, universe, seen))
    return out


# ---------------------------------------------------------------------------------------------- entry


def validate(
    targets: Sequence[str] = (),
    include_paths: Sequence[str | Path] = (),
    data_root: str | Path | None = None,
    rows: int = DEFAULT_ROWS,
) -> list[Report]:
    """Validate the task files named by ``targets`` (paths to files or folders, task, group or tag names),
    or every file of the catalog, the ``include_paths`` folders and plugins when ``targets`` is empty."""
    from lmms_eval.tasks.data_root import resolve_data_root
    from lmms_eval.tasks.index import task_dirs
    from lmms_eval.tasks.sources import no_hub_downloads

    root = resolve_data_root(data_root)
    extra = [Path(t).expanduser().resolve() for t in targets if Path(t).expanduser().exists()]
    extra = [p.parent if p.name.startswith("_") else p for p in extra]  # a template: the files beside it
    universe = _universe([*task_dirs(include_paths), *extra])
    reports = []
    with no_hub_downloads():
        for path in _select(targets, universe):
            reports.append(_validate_file(path, universe, root, rows))
    return reports


def _validate_file(path: Path, universe: _Universe, data_root: Path, rows: int) -> Report:
    from lmms_eval.tasks.spec import GroupSpec

    start = time.perf_counter()
    spec = universe.specs.get(path)
    if spec is None:  # a file named directly that is not in a task folder (a template, another suffix)
        from lmms_eval.tasks.yaml_loader import parse_spec

        try:
            spec = parse_spec(path)
        except LmmsEvalError as exc:
            spec = exc
    if isinstance(spec, Exception):
        report = Report(name=path.stem, kind="file", file=str(path))
        report.add("error", "parse", str(spec))
    elif isinstance(spec, GroupSpec):
        report = Report(name=spec.group, kind="group", file=str(path))
        _check_duplicate(report, spec.group, path, universe)
        _check_group(report, spec, path, universe)
    else:
        report = Report(name=spec.task, kind="task", file=str(path))
        _check_duplicate(report, spec.task, path, universe)
        _check_task(report, spec, path, data_root, rows)
    report.seconds = round(time.perf_counter() - start, 3)
    report.finish()
    return report


def _check_duplicate(report: Report, name: str, path: Path, universe: _Universe) -> None:
    others = [str(p) for p in universe.names.get(name, []) if p != path]
    if others:
        report.add("error", "names", f"{where(path, 'task' if report.kind == 'task' else 'group')}: "
                   f"the name '{name}' is also defined in {', '.join(others)}")  # fmt: skip


def _check_group(report: Report, spec: GroupSpec, path: Path, universe: _Universe) -> None:
    for member in spec.tasks:
        if member in universe.names or member in universe.tags:
            continue
        near = UnknownNameError("task", member, [*universe.names, *universe.tags])
        report.add("error", "group", f"{where(path, 'tasks')}: tasks: {near}")


# ---------------------------------------------------------------------------------------------- structure


def _resolve(registry: Any, name: str, what: str) -> Any:
    from lmms_eval.core.registry import import_dotted

    return import_dotted(name, what) if ":" in name else registry.get(name)


def _binds(fn: Any, positional: int, args: dict[str, Any]) -> str | None:
    """Why ``fn(*positional Nones, **args)`` cannot be called, or None."""
    import inspect

    try:
        inspect.signature(fn).bind(*([None] * positional), **args)
    except TypeError as exc:
        return str(exc)
    except ValueError:
        return None  # no signature to read (a builtin): checked when called
    return None


def _extractor_chains(spec: TaskSpec) -> list[tuple[str, list[ExtractorSpec]]]:
    chains = [("extractor", spec.extractor)]
    for family, override in spec.overrides.items():
        if override.extractor is not None:
            ex = override.extractor
            chains.append((f"overrides ({family})", ex if isinstance(ex, list) else [ex]))
    return chains


def _check_names(report: Report, spec: TaskSpec, path: Path) -> None:
    from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS

    def check(
        key: str, item: int | None, registry: Any, name: str, kind: str, n: int, args: dict[str, Any]
    ) -> None:
        try:
            fn = _resolve(registry, name, kind)
        except LmmsEvalError as exc:
            report.add("error", "names", f"{where(path, key, item)}: {kind}: {exc}")
            return
        problem = _binds(fn, n, args)
        if problem:
            report.add(
                "error",
                "names",
                f"{where(path, key, item)}: {kind} '{name}' does not take args {args}: {problem}",
            )

    for key, chain in _extractor_chains(spec):
        top = key.split(" ")[0]
        for i, ex in enumerate(chain):
            check(top, i if len(chain) > 1 else None, EXTRACTORS, ex.name, "extractor", 2, ex.args)
    for i, metric in enumerate(spec.metrics):
        check("metrics", i, METRICS, metric.name, "metric", 3, metric.args)
        agg_args = {k: v for k, v in metric.aggregation_args.items() if k != "by"}
        check("metrics", i, AGGREGATIONS, metric.aggregation, "aggregation", 2, agg_args)
    for key in ("process_docs", "submission"):
        dotted = getattr(spec, key)
        if dotted:
            from lmms_eval.core.registry import import_dotted

            try:
                import_dotted(dotted, key)
            except LmmsEvalError as exc:
                report.add("error", "names", f"{where(path, key)}: {exc}")


def _prompts(spec: TaskSpec) -> list[tuple[str, PromptSpec]]:
    out = [("prompt", spec.prompt)]
    out += [("overrides", o.prompt) for o in spec.overrides.values() if o.prompt is not None]
    return out


def templates_by_key(spec: TaskSpec) -> dict[str, list[str]]:
    """Every Jinja template of a task, by the top-level key that holds it."""
    out: dict[str, list[str]] = {"target": [spec.target]}
    for key, prompt in _prompts(spec):
        found = out.setdefault(key, [])
        found += [prompt.system] if prompt.system else []
        for part in prompt.user:
            media = getattr(part, part.kind) if part.kind != "text" else None
            if part.text is not None:
                found.append(part.text)
            elif media is not None and media.path is not None:
                found.append(media.path)
    if spec.dataset.filter:
        out["dataset"] = ["{{ (" + spec.dataset.filter + ") | string }}"]
    if spec.choices:
        out["choices"] = [spec.choices] if isinstance(spec.choices, str) else list(spec.choices)
    if spec.fewshot is not None and spec.fewshot.target:
        out["fewshot"] = [spec.fewshot.target]
    return out


def template_columns(source: str) -> set[str]:
    """The variables a template reads that it does not set itself (columns, besides ``doc``)."""
    import jinja2
    from jinja2 import meta

    env = jinja2.Environment()
    try:
        return set(meta.find_undeclared_variables(env.parse(source))) - {"doc"} - set(env.globals)
    except jinja2.TemplateSyntaxError:
        return set()  # reported by the template check


def columns_by_key(spec: TaskSpec) -> dict[str, set[str]]:
    """The doc columns a task reads by name, by the top-level key that reads them (code such as an
    extractor may read more)."""
    out: dict[str, set[str]] = {}
    for key, templates in templates_by_key(spec).items():
        for template in templates:
            out.setdefault(key, set()).update(template_columns(template))
    for key, prompt in _prompts(spec):
        for part in prompt.user:
            media = getattr(part, part.kind) if part.kind != "text" else None
            if media is not None and media.field is not None:
                out.setdefault(key, set()).add(media.field)
    for key in ("doc_id", "cluster_key"):
        if getattr(spec, key):
            out[key] = {getattr(spec, key)}
    if spec.breakdown:
        out["breakdown"] = set(spec.breakdown)
    by = {str(m.aggregation_args["by"]) for m in spec.metrics if "by" in m.aggregation_args}
    if by:
        out["metrics"] = by
    if spec.circular is not None:
        options = spec.circular.options
        out["circular"] = {spec.circular.answer, *([options] if isinstance(options, str) else options or [])}
    return {k: v for k, v in out.items() if v}


def columns_used(spec: TaskSpec) -> list[str]:
    """Every doc column a task reads by name (``lmms-eval tasks NAME --json``)."""
    return sorted(set().union(*columns_by_key(spec).values()))


def _check_templates(report: Report, spec: TaskSpec, path: Path) -> None:
    from lmms_eval.tasks.prompt import compile_template

    for key, templates in templates_by_key(spec).items():
        for template in templates:
            try:
                compile_template(template)
            except ConfigError as exc:
                report.add("error", "templates", f"{where(path, key)}: {exc}")


# ---------------------------------------------------------------------------------------------- data


def data_origin(spec: TaskSpec, path: Path, data_root: Path) -> tuple[str | None, str]:
    """Where the task's rows would come from here without downloading (``mirror``, ``local``, or None) and
    what was looked for."""
    from lmms_eval.mirror.layout import SplitKey, not_mirrorable
    from lmms_eval.tasks.sources import local_files

    def shown(p: Path) -> str:
        return str(p.relative_to(data_root)) if p.is_relative_to(data_root) else str(p)

    looked = []
    join_hub = spec.dataset.join.hub if spec.dataset.join is not None else None
    joined = SplitKey.of(join_hub) if join_hub is not None and not_mirrorable(join_hub) is None else None
    if joined is not None and joined.find(data_root) is None:
        looked.append(f"joined split: mirror {shown(joined.files(data_root)[0])}")
        return None, "; ".join(looked)  # without the joined split no doc can be built
    hub = spec.dataset.hub
    if hub is not None:
        why = not_mirrorable(hub)
        if why is None:
            key = SplitKey.of(hub)
            if key.find(data_root) is not None:
                return "mirror", ""
            looked.append(f"mirror {shown(key.files(data_root)[0])}")
        else:
            looked.append(f"the hub dataset, not mirrorable: {why}")
    if spec.dataset.local is not None:
        files = local_files(spec.dataset.local, path.parent, data_root)
        if files.path.exists():
            return "local", ""
        looked.append(f"local {shown(files.path)}")
    return None, "; ".join(looked)


def _check_pins(report: Report, spec: TaskSpec, path: Path) -> None:
    from lmms_eval.mirror.layout import not_mirrorable

    join = spec.dataset.join
    for key, hub in (("hub", spec.dataset.hub), ("join.hub", join.hub if join is not None else None)):
        if hub is not None and hub.revision is None and not_mirrorable(hub) is None:
            report.add("warning", "pins", f"{where(path, 'dataset')}: dataset.{key} {hub.path} has no revision: "
                       "pin the commit the task was checked against (results are reproducible only at a pinned "
                       "revision)")  # fmt: skip


def _check_task(report: Report, spec: TaskSpec, path: Path, data_root: Path, rows: int) -> None:
    _check_names(report, spec, path)
    _check_templates(report, spec, path)
    _check_pins(report, spec, path)
    if any(f.check == "templates" for f in report.findings):
        return  # nothing would render
    origin, looked = data_origin(spec, path, data_root)
    report.data = origin or "none"
    if origin is None:
        report.add(
            "note",
            "data",
            f"no data here: structure checked only (looked for {looked}; data root {data_root})",
        )
        return
    loaded = _load(report, spec, path, data_root, rows)
    if loaded is None:
        return
    task, sample, columns = loaded
    report.rows = len(sample)
    if not sample:
        report.add("warning", "data", f"{where(path, 'dataset')}: the dataset has no rows here")
        return
    if not _check_columns(report, spec, path, columns):
        return
    messages = _check_prompt(report, task, sample)
    if messages is None:
        return
    _check_media(report, messages[:MEDIA_ROWS])
    if not spec.predict_only and spec.metrics:
        _check_scoring(report, task, path, sample)


def _load(
    report: Report, spec: TaskSpec, path: Path, data_root: Path, rows: int
) -> tuple[Task, list[Doc], set[str]] | None:
    """The task (its docs loaded, ``process_docs`` applied), its first ``rows`` docs with their ids, and the
    columns of the data. Only those rows are built (the ids are read from their column alone)."""
    from lmms_eval.tasks.sources.arrow import column_values
    from lmms_eval.tasks.task import Doc, Task

    task = Task(spec.model_copy(update={"doc_id": None}), path, data_root)  # ids are checked here instead
    try:
        docs = task.docs()
        columns = set(task.columns)
        sample = list(docs[: max(rows, 0)])
    except Exception as exc:  # a broken file or process_docs: report it, do not stop the other tasks
        report.add("error", "data", f"{where(path, 'dataset')}: cannot load the data: {_text(exc)}")
        return None
    columns |= {k for d in sample for k in d.data}
    if spec.doc_id is None:
        return task, sample, columns
    if spec.doc_id not in columns:
        report.add("error", "columns", f"{where(path, 'doc_id')}: doc_id: column '{spec.doc_id}' is not in "
                   f"the data. Columns: {', '.join(sorted(columns))}")  # fmt: skip
        return None
    values = column_values(docs.rows, spec.doc_id)
    ids = [str(v) for v in values]
    missing = sum(v is None for v in values)
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
    if missing or dupes:
        why = f"missing in {missing} rows" if missing else f"not unique (repeated: {', '.join(dupes[:5])})"
        report.add("error", "columns", f"{where(path, 'doc_id')}: doc_id: column '{spec.doc_id}' is {why}")
        return None
    return task, [Doc(id=ids[i], data=d.data) for i, d in enumerate(sample)], columns


def _text(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, LmmsEvalError) else f"{type(exc).__name__}: {exc}"


def _check_columns(report: Report, spec: TaskSpec, path: Path, columns: set[str]) -> bool:
    ok = True
    skip = {"dataset", "fewshot"}  # the filter ran while loading; few-shot rows come from another dataset
    for key, used in columns_by_key(spec).items():
        missing = sorted(used - columns) if key not in skip else []
        if missing:
            ok = False
            names = ", ".join(f"'{c}'" for c in missing)
            report.add("error", "columns", f"{where(path, key)}: {key} reads column(s) {names} that the data "
                       f"lacks. Columns: {', '.join(sorted(columns))}")  # fmt: skip
    return ok


def _check_prompt(report: Report, task: Task, sample: list[Doc]) -> list[list[Message]] | None:
    """Render every sample doc's messages (each model family's override too), target and choices."""
    families = [None, *task.spec.overrides]
    out = []
    for doc in sample:
        try:
            for family in families[1:]:
                task.messages(doc, family, None)
            messages = task.messages(doc, None, None)
            task.target(doc)
            task.choices(doc)
        except Exception as exc:
            report.add("error", "prompt", f"{where(task.yaml_path, 'prompt')}: doc '{doc.id}': {_text(exc)}")
            return None
        if not messages or not messages[-1].content:
            report.add(
                "error", "prompt", f"{where(task.yaml_path, 'prompt')}: doc '{doc.id}': the prompt is empty"
            )
            return None
        out.append(messages)
    return out


def _check_media(report: Report, rendered: list[list[Message]]) -> None:
    from lmms_eval.media.decode import decode_part

    for messages in rendered:
        for message in messages:
            for part in message.content:
                ref = getattr(part, "ref", None)
                if ref is None:
                    continue
                if ref.url is not None:
                    report.add("note", "media", f"{ref.url}: a URL, not fetched")
                    continue
                try:
                    decode_part(part)  # type: ignore[arg-type]
                except Exception as exc:
                    report.add("error", "media", _text(exc))
                    return


# ---------------------------------------------------------------------------------------------- scoring


def _extract(chain: Sequence[ExtractorSpec], text: str, doc: Doc) -> str | None:
    from lmms_eval.scoring import EXTRACTORS

    value: str | None = text
    for ex in chain:
        value = _resolve(EXTRACTORS, ex.name, "extractor")(value, doc.data, **ex.args)
        if value is None:
            return None
    return value


def _score(metric: MetricSpec, prediction: str | None, target: Any, doc: Doc) -> float:
    from lmms_eval.scoring import METRICS

    return float(_resolve(METRICS, metric.name, "metric")(prediction, target, doc.data, **metric.args))


def _check_scoring(report: Report, task: Task, path: Path, sample: list[Doc]) -> None:
    """Dummy answers through every extractor chain, metric and aggregation; then the target as the answer."""
    chains = _extractor_chains(task.spec)
    names_ok = not any(f.check == "names" for f in report.findings)
    if not names_ok:
        return
    scores: dict[str, list[float]] = {m.display: [] for m in task.spec.metrics}
    for doc in sample:
        target = task.target(doc)
        for answer in DUMMY_ANSWERS:
            for key, chain in chains:
                try:
                    extracted = _extract(chain, answer, doc)
                except Exception as exc:
                    report.add("error", "scoring", f"{where(path, key.split(' ')[0])}: doc '{doc.id}': extractor "
                               f"failed on the answer {answer!r}: {_text(exc)}")  # fmt: skip
                    return
                for i, metric in enumerate(task.spec.metrics):
                    try:
                        value = _score(metric, extracted, target, doc)
                    except Exception as exc:
                        report.add("error", "scoring", f"{where(path, 'metrics', i)}: doc '{doc.id}': metric "
                                   f"'{metric.name}' failed on {extracted!r} / target {target!r}: {_text(exc)}")  # fmt: skip
                        return
                    if key == "extractor" and answer == DUMMY_ANSWERS[0]:
                        scores[metric.display].append(value)
    if _check_aggregations(report, task, path, sample, scores):
        _check_self_score(report, task, path, sample)


def _check_aggregations(
    report: Report, task: Task, path: Path, sample: list[Doc], scores: dict[str, list[float]]
) -> bool:
    from lmms_eval.scoring import AGGREGATIONS
    from lmms_eval.stats import estimate

    for i, metric in enumerate(task.spec.metrics):
        args = dict(metric.aggregation_args)
        by = args.pop("by", None)
        try:
            labels = [str(d.data[by]) for d in sample] if by else None
            fn = _resolve(AGGREGATIONS, metric.aggregation, "aggregation")
            estimate(scores[metric.display], fn, agg_args=args, labels=labels, bootstrap_iters=0)
        except Exception as exc:
            report.add("error", "scoring", f"{where(path, 'metrics', i)}: aggregation '{metric.aggregation}' "
                       f"failed on the dummy answers' scores {scores[metric.display]}: {_text(exc)}")  # fmt: skip
            return False
    return True


def _right(metric: MetricSpec) -> Callable[[float], bool] | None:
    """Whether a per-sample value means "right" for this metric's aggregation; None when not known."""
    agg = metric.aggregation
    if agg in _SCORE_AGGREGATIONS:
        return (lambda v: v >= 1 - 1e-9) if metric.higher_is_better else (lambda v: v <= 1e-9)
    if agg in _CONFUSION_AGGREGATIONS:
        return lambda v: v in (0.0, 3.0)
    if agg in _CORRECT_BIT_AGGREGATIONS:
        return lambda v: v < 0 or int(v) % 2 == 1
    if agg in _ERROR_COUNT_AGGREGATIONS:
        from lmms_eval.scoring.pooled_error_rate import CODE_BASE

        return lambda v: 0 <= v < CODE_BASE
    return None


def target_answers(target: Any) -> list[str]:
    """The target as answers a model could give: a list target (accepted answers, human answers) gives each
    of its items, a record its ``answer``."""
    items = target if isinstance(target, (list, tuple)) else [target]
    out = []
    for item in items:
        value = item.get("answer") if isinstance(item, dict) else item
        if value is not None and str(value) not in out:
            out.append(str(value))
    return out or [""]


def _check_self_score(report: Report, task: Task, path: Path, sample: list[Doc]) -> None:
    """Each metric must give the target, answered as it is, full marks (see ``_right``)."""
    for i, metric in enumerate(task.spec.metrics):
        right = _right(metric)
        if right is None:
            report.add("note", "self_score", f"metric '{metric.display}': aggregation '{metric.aggregation}' "
                       "reads values of unknown meaning: the target is not checked against itself")  # fmt: skip
            continue
        misses = []
        for doc in sample:
            target = task.target(doc)
            try:
                if not _any_right(task, metric, doc, target, right):
                    misses.append(f"doc '{doc.id}' target {target!r}")
            except Exception as exc:
                report.add("error", "scoring", f"{where(path, 'metrics', i)}: doc '{doc.id}': metric "
                           f"'{metric.name}' failed on the target {target!r} as the answer: {_text(exc)}")  # fmt: skip
                return
        if not misses:
            continue
        what = (f"{where(path, 'metrics', i)}: metric '{metric.display}': the target given as the answer does "
                f"not score full marks in {len(misses)} of {len(sample)} rows ({'; '.join(misses[:3])})")  # fmt: skip
        if metric.name in EXPECTED_PARTIAL:
            report.add("note", "self_score", f"{what}: expected, {EXPECTED_PARTIAL[metric.name]}")
        elif declared_partial(task.spec):
            report.add(
                "note", "self_score", f"{what}: expected, the task says so (validate.target_scores_full)"
            )
        else:
            report.add("warning", "self_score", what)


def declared_partial(spec: TaskSpec) -> bool:
    """Whether the task file says its target need not score full marks against itself (a target that is not
    in the form a model answers, e.g. 0/1 for yes/no): ``validate: {target_scores_full: false}``, read when
    the task schema has that key."""
    declared = getattr(spec, "validate", None)
    return declared is not None and getattr(declared, "target_scores_full", True) is False


def _any_right(task: Task, metric: MetricSpec, doc: Doc, target: Any, right: Callable[[float], bool]) -> bool:
    """Whether some form of some answer the target holds scores full marks."""
    return any(
        right(_score(metric, _extract(task.spec.extractor, form(answer), doc), target, doc))
        for answer in target_answers(target)
        for form in TARGET_FORMS
    )


# ---------------------------------------------------------------------------------------------- output


def summary(reports: Sequence[Report]) -> dict[str, int]:
    return {s: sum(r.status == s for r in reports) for s in STATUSES}
