"""Entry point: ``lmms-eval [run] --model ... --tasks ...``, ``lmms-eval tasks [NAME]``,
``lmms-eval tasks validate [PATH|NAME ...]``, ``lmms-eval tasks --suites``, ``lmms-eval models``,
``lmms-eval compare RUN_A RUN_B ...``, ``lmms-eval gate RUN --require ...``, ``lmms-eval power ...``,
``lmms-eval data pull|verify|ls`` (the offline mirror of Hub datasets).

lmms-eval users type flags without a subcommand; that means ``run``. ``--tasks list`` lists tasks.
Exit codes: 0 success, 1 the run failed (results still written) or a gate failed, 2 invalid input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lmms_eval import __version__

SUBCOMMANDS = ("run", "tasks", "models", "compare", "gate", "power", "data")


def add_run_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="YAML file with any of these flags as keys (flags given here win)")
    p.add_argument("--model", help="model backend name (see `lmms-eval models`); default: dummy")
    p.add_argument("--model_args", help="comma-separated key=value pairs, e.g. pretrained=ID,dtype=bfloat16")
    p.add_argument(
        "--tasks", help="comma-separated task, group, tag or suite (suite:NAME) names; `list` lists them"
    )
    p.add_argument("--batch_size", help="requests per model call, or 'auto' (default)")
    p.add_argument("--limit", type=float, help="first N docs per task, or a fraction (0.1) of each")
    p.add_argument("--output_path", help="folder for results, samples and the journal (default: results)")
    p.add_argument(
        "--log_samples",
        action="store_true",
        default=None,
        help="write samples_<task>.jsonl (on by default; accepted for lmms-eval compatibility)",
    )
    p.add_argument("--no_log_samples", action="store_true", help="do not write per-sample files")
    p.add_argument("--gen_kwargs", help="generation overrides, e.g. max_new_tokens=64,temperature=0")
    p.add_argument("--seed", help="generation seed (lmms-eval's comma list is accepted; the first is used)")
    p.add_argument(
        "--repeats",
        type=int,
        help="samples per doc, k >= 1 (default 1); repeat r uses seed + r, so sample (temperature > 0)",
    )
    p.add_argument(
        "--repeat_reducer",
        help="a doc's k scores -> one: mean (default), majority, pass_at_k, all_k, pass_at_J (J <= k)",
    )
    p.add_argument(
        "--num_fewshot", type=int, help="few-shot examples per prompt (tasks with a fewshot source)"
    )
    p.add_argument("--include_path", action="append", help="extra folder of task YAML files (repeatable)")
    p.add_argument(
        "--predict_only", action="store_true", default=None, help="generate and save, do not score"
    )
    p.add_argument("--use_cache", help="journal file or folder (default: OUTPUT_PATH/journal.sqlite)")
    p.add_argument(
        "--max_errors",
        help="failed samples tolerated: count (5), fraction (0.05) or percent (5%%); default 0",
    )
    p.add_argument(
        "--bootstrap_iters", type=int, help="bootstrap resamples for non-mean metrics (default 1000)"
    )
    p.add_argument(
        "--data_root", help="root of local task data (default: $LMMS_EVAL_DATA_ROOT or the bundled sample)"
    )
    p.add_argument(
        "--prefetch_workers", type=int, help="threads decoding media ahead of the model (default 4)"
    )
    p.add_argument("--verbosity", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lmms-eval", description="Evaluate multimodal models on benchmarks."
    )
    parser.add_argument("--version", action="version", version=f"lmms-eval {__version__}")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run an evaluation (the default when no subcommand is given)")
    add_run_flags(run)
    tasks = sub.add_parser(
        "tasks",
        help="list tasks, describe one, or validate task files",
        usage="lmms-eval tasks [NAME | suite:NAME] [--json] | lmms-eval tasks --suites [--json] | "
        "lmms-eval tasks validate [PATH|NAME ...] [--rows N] [--json]",
    )
    tasks.add_argument(
        "name",
        nargs="*",
        help="a task, group or suite (suite:NAME) to describe; or `validate` followed by task files, folders, task, group or tag "
        "names (none: the whole catalog and --include_path folders)",
    )
    tasks.add_argument("--include_path", action="append", help="extra folder of task YAML files")
    tasks.add_argument("--data_root", help="root of local task data (sizes are counted there)")
    tasks.add_argument(
        "--json", action="store_true", help="print JSON: source, mirror status, columns used, prompt, scoring"
    )
    tasks.add_argument(
        "--rows", type=int, default=3, help="validate: rows loaded and dry-run per task (default 3)"
    )
    tasks.add_argument(
        "--suites",
        action="store_true",
        help="list the suites (`--tasks suite:NAME`): name, tasks, what it measures",
    )
    sub.add_parser("models", help="list model backends")
    from lmms_eval.cli.compare import add_compare_flags
    from lmms_eval.cli.data import add_data_flags
    from lmms_eval.cli.gate import add_gate_flags
    from lmms_eval.cli.power import add_power_flags

    add_compare_flags(sub.add_parser("compare", help="paired comparison of runs (the first is the baseline)"))
    add_gate_flags(sub.add_parser("gate", help="check a run against thresholds and a baseline (CI gate)"))
    add_power_flags(sub.add_parser("power", help="sample size, power or minimal detectable effect"))
    add_data_flags(sub.add_parser("data", help="offline mirror of Hub datasets: pull, verify, ls"))
    return parser


def normalize_argv(argv: Sequence[str]) -> list[str]:
    """Insert ``run`` when lmms-eval-style flags come without a subcommand."""
    args = list(argv)
    if args and args[0] in ("-h", "--help", "--version"):
        return args
    if not args or args[0] not in SUBCOMMANDS:
        return ["run", *args]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = normalize_argv(sys.argv[1:] if argv is None else argv)
    if args_list == ["run"]:
        build_parser().print_help()
        return 2
    args = build_parser().parse_args(args_list)
    from lmms_eval.core.errors import LmmsEvalError

    try:
        if args.command == "tasks":
            from lmms_eval.cli.tasks import run_tasks, run_validate

            if args.name[:1] == ["validate"]:
                return run_validate(
                    args.name[1:], args.include_path or [], args.data_root, args.rows, as_json=args.json
                )
            if len(args.name) > 1:
                print(f"error: `lmms-eval tasks` describes one task, got {args.name}", file=sys.stderr)
                return 2
            name = args.name[0] if args.name else None
            if args.suites and name is None:
                from lmms_eval.cli.tasks import run_suites

                return run_suites(args.include_path or [], args.data_root, as_json=args.json)
            return run_tasks(name, args.include_path or [], args.data_root, as_json=args.json)
        if args.command == "data":
            from lmms_eval.cli.data import run_data

            return run_data(args)
        if args.command in ("compare", "gate", "power"):
            from lmms_eval.cli.compare import run_compare
            from lmms_eval.cli.gate import run_gate
            from lmms_eval.cli.power import run_power

            handlers = {"compare": run_compare, "gate": run_gate, "power": run_power}
            return handlers[args.command](args)
        if args.command == "models":
            from lmms_eval.cli.models import run_models

            return run_models()
        if args.tasks == "list":
            from lmms_eval.cli.tasks import run_tasks

            return run_tasks(None, args.include_path or [], args.data_root)
        from lmms_eval.cli.run import run_evaluation

        return run_evaluation(args, args_list)
    except LmmsEvalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "interrupted: finished responses are in the journal; run the same command to resume",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
