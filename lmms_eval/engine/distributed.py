"""Data parallelism across processes started by ``torchrun`` or ``accelerate launch``.

Every rank plans the same requests (planning is deterministic), sends only its share to its own model
replica, and journals it in its own file (``journal.rank<R>.sqlite``). Rank 0 then gathers the responses over
``torch.distributed`` (gloo on CPU, NCCL's CPU-side object collectives work the same) and alone scores and
writes the results. torch is imported only when the environment says there is more than one process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @classmethod
    def from_env(cls) -> DistContext:
        """Read RANK / WORLD_SIZE / LOCAL_RANK (set by torchrun and accelerate launch); start the process
        group when there is more than one process."""
        world = int(os.environ.get("WORLD_SIZE", "1"))
        if world <= 1:
            return cls()
        ctx = cls(
            rank=int(os.environ.get("RANK", "0")),
            world_size=world,
            local_rank=int(os.environ.get("LOCAL_RANK", "0")),
        )
        import torch.distributed as dist

        if not dist.is_initialized():
            dist.init_process_group(backend="gloo")
        return ctx

    def shard(self, items: list[T]) -> list[T]:
        """This rank's share: every world_size-th item, so long and short requests spread evenly."""
        return items[self.rank :: self.world_size] if self.enabled else items

    def gather_to_main(self, obj: Any) -> list[Any] | None:
        """Every rank's ``obj`` on rank 0 (in rank order); None on the other ranks."""
        if not self.enabled:
            return [obj]
        import torch.distributed as dist

        out: list[Any] | None = [None] * self.world_size if self.is_main else None
        dist.gather_object(obj, out, dst=0)
        return out

    def barrier(self) -> None:
        if self.enabled:
            import torch.distributed as dist

            dist.barrier()

    def close(self) -> None:
        if self.enabled:
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()
