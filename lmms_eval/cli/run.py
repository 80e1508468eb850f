"""``lmms-eval run``: build the run config from flags (and ``--config``), evaluate, print the table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lmms_eval.core.errors import ConfigError, RunFailedError
from lmms_eval.engine.config import RunConfig, parse_kv
from lmms_eval.engine.evaluator import Reporter, RunOutcome, evaluate


class ConsoleReporter(Reporter):
    """Stage lines and a tqdm progress bar (rate, ETA) on stderr."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def stage(self, message: str) -> None:
        if not self.quiet:
            print(f"[lmms-eval] {message}", file=sys.stderr)

    @contextmanager
    def progress(
        self, total: int, description: str, status: Callable[[], dict[str, str] | None] | None = None
    ) -> Iterator[Callable[[int], None]]:
        if total == 0 or self.quiet:
            yield lambda n: None
            return
        import threading

        from tqdm import tqdm

        with tqdm(
            total=total, desc=description, unit="req", file=sys.stderr, mininterval=0.5, dynamic_ncols=True
        ) as bar:
            lock = threading.Lock()

            def show_status() -> None:
                fields = status() if status is not None else None
                if fields:
                    bar.set_postfix_str(", ".join(f"{k} {v}" for k, v in fields.items()), refresh=False)

            def tick(n: int) -> None:
                with lock:
                    show_status()
                    bar.update(n)

            stop = threading.Event()

            def refresh() -> None:  # keeps in-flight/retry counts live while no answer arrives
                while not stop.wait(1.0):
                    with lock:
                        show_status()
                        bar.refresh()

            watcher = None
            if status is not None and status() is not None:
                watcher = threading.Thread(target=refresh, name="progress", daemon=True)
                watcher.start()
            try:
                yield tick
            finally:
                stop.set()
                if watcher is not None:
                    watcher.join()
                with lock:
                    show_status()


def _config_file(path: str) -> dict[str, Any]:
    from lmms_eval.tasks.yaml_loader import read_yaml

    data = read_yaml(Path(path))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: --config must be a YAML mapping of flag names to values")
    return dict(data)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]


def config_from_args(args: argparse.Namespace) -> RunConfig:
    values: dict[str, Any] = _config_file(args.config) if args.config else {}
    flags = {
        k: v
        for k, v in vars(args).items()
        if v is not None and k not in ("command", "config", "no_log_samples")
    }
    values.update(flags)
    if args.no_log_samples:
        values["log_samples"] = False
    for key in ("model_args", "gen_kwargs"):
        if isinstance(values.get(key), str):
            values[key] = parse_kv(values[key], f"--{key}")
    if "tasks" in values:
        values["tasks"] = _as_list(values["tasks"])
    else:
        raise ConfigError("--tasks is required (comma-separated names; `lmms-eval tasks` lists them)")
    if "include_path" in values:
        values["include_path"] = [p for item in values["include_path"] for p in _as_list(item)]
    if isinstance(values.get("seed"), str):
        values["seed"] = int(values["seed"].split(",")[0])
    if (
        values.get("limit") is not None
        and float(values["limit"]).is_integer()
        and float(values["limit"]) >= 1
    ):
        values["limit"] = int(values["limit"])
    try:
        return RunConfig.model_validate(values)
    except Exception as exc:
        raise ConfigError(f"Invalid run settings: {exc}") from None


def _report(outcome: RunOutcome) -> None:
    from lmms_eval.results.table import render_table

    print(render_table(outcome.results))
    r = outcome.results
    print(f"\nResults: {outcome.run_dir / 'results.json'}")
    print(
        f"Requests: {r.usage.requests_sent} sent, {r.usage.requests_cached} from the journal, "
        f"{r.usage.requests_failed} failed; {r.timings.total_s:.1f} s"
    )
    for err in r.errors[:5]:
        print(f"  error x{err.count}: {err.reason} (e.g. {err.example_task} doc {err.example_doc_id})")


def run_evaluation(args: argparse.Namespace, argv: list[str]) -> int:
    config = config_from_args(args)
    reporter = ConsoleReporter(quiet=config.verbosity in ("WARNING", "ERROR"))
    try:
        outcome = evaluate(config, reporter, command=["lmms-eval", *argv])
    except RunFailedError as exc:
        if isinstance(exc.outcome, RunOutcome):
            _report(exc.outcome)
        print(f"error: run failed: {exc}", file=sys.stderr)
        return 1
    if outcome is not None:  # None: a data-parallel rank other than 0, whose answers rank 0 reports
        _report(outcome)
    return 0
