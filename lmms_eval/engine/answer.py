"""Stage 3 of the evaluator: answer what the journal does not hold yet (prefetch -> batch -> model ->
journal), then collect every sample's response."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lmms_eval.core.types import Response
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.distributed import DistContext
from lmms_eval.engine.execute import execute, order_for_batching
from lmms_eval.engine.journal import Journal
from lmms_eval.engine.stages import Planned, Reporter, Setup
from lmms_eval.models.base import Model


@dataclass
class Answered:
    """Every sample's stored response and attempt count, and what this run sent."""

    stored: dict[str, tuple[Response, int]]
    journal_path: Path
    batch_size: int
    n_cached: int
    sent: int
    failed: int


def journal_paths(config: RunConfig, dist: DistContext) -> tuple[Path, Path]:
    """(this rank's journal, the main journal): data-parallel ranks other than 0 write their own file."""
    output = Path(config.output_path).expanduser()
    main = Path(config.use_cache).expanduser() if config.use_cache else output / "journal.sqlite"
    if main.is_dir() or (config.use_cache and not main.suffix):
        main = main / "journal.sqlite"
    if dist.enabled and not dist.is_main:
        return main.with_name(f"{main.stem}.rank{dist.rank}{main.suffix}"), main
    return main, main


def answer_pending(
    config: RunConfig, setup: Setup, planned: Planned, reporter: Reporter, dist: DistContext
) -> Answered | None:
    """Send the pending requests (prefetch -> batch -> model -> journal) and collect every sample's
    response: this run's from memory (all ranks' gathered on rank 0), earlier ones from the journals.
    None on ranks other than 0."""
    model, all_samples = setup.model, planned.all_samples
    journal_path, main_journal = journal_paths(config, dist)
    with Journal(journal_path) as journal:
        # every rank's journal now exists with its tables, and no rank has answered anything yet: all ranks
        # read the same state and so compute the same pending list
        dist.barrier()
        journal.add_readers(sorted(main_journal.parent.glob(f"{main_journal.stem}*{main_journal.suffix}")))
        for s in all_samples:
            if s.plan_error:
                journal.record(
                    s.request.key, s.task.name, s.doc.id, model.name, Response.failure(s.plan_error)
                )
        keys = [s.request.key for s in all_samples if not s.plan_error]
        done = journal.done_keys(keys)
        pending_map = {
            s.request.key: s.request for s in all_samples if not s.plan_error and s.request.key not in done
        }
        dist.barrier()
        pending = dist.shard(order_for_batching(list(pending_map.values())))
        batch_size = choose_batch_size(config, model, len(pending))
        share = f" ({len(pending)} on this rank of {dist.world_size})" if dist.enabled else ""
        how = "streamed" if model.capabilities.streaming else f"batch size {batch_size}"
        reporter.stage(
            f"{len(set(keys))} unique requests: {len(done)} already in the journal "
            f"({journal_path}), {len(pending_map)} to send{share} ({how})"
        )
        with reporter.progress(len(pending), f"{config.model}", model.live_status) as tick:
            stats = execute(
                model, pending, journal, batch_size=batch_size, workers=config.prefetch_workers, on_done=tick
            )
        model.close()
        gathered = dist.gather_to_main((stats.responses, stats.sent, stats.failed))
        if gathered is None:
            return None
        fresh = {key: r for part in gathered for key, r in part[0].items()}
        stored = journal.fetch(s.request.key for s in all_samples if s.request.key not in fresh)
        counts = journal.attempts(fresh)
    stored.update({key: (r, counts.get(key, 1)) for key, r in fresh.items()})
    return Answered(
        stored=stored,
        journal_path=journal_path,
        batch_size=batch_size,
        n_cached=len(done),
        sent=sum(p[1] for p in gathered),
        failed=sum(p[2] for p in gathered),
    )


def choose_batch_size(config: RunConfig, model: Model, pending: int) -> int:
    caps = model.capabilities
    if caps.streaming and config.batch_size == "auto":  # batches would idle slots at each boundary
        return max(1, pending)
    size = caps.default_batch_size if config.batch_size == "auto" else int(config.batch_size)
    if caps.max_batch_size:
        size = min(size, caps.max_batch_size)
    return max(1, size)
