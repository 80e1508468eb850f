"""Batch-invariant sampling for the hf backend: every request draws its tokens from its own seeded generator.

``generate(do_sample=True)`` draws every row of a batch from one global random stream, so a sampled answer
would depend on which requests share its batch and in which order. Instead, ``generate`` runs greedy
(``do_sample=False``) with ``RowSampler`` as the last logits processor: for each row it applies that row's
temperature / top-k / top-p / min-p (transformers' own warpers, which work row by row), draws one token with
``torch.multinomial`` from the row's ``torch.Generator`` (seeded by ``request_seed``, kept across steps), and
masks every other token to -inf, so the greedy pick is the drawn token. Rows at temperature 0 are left alone
(plain greedy). Imported only when a model generates (it needs torch and transformers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import torch
from transformers import (
    LogitsProcessor,
    LogitsProcessorList,
    MinPLogitsWarper,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from lmms_eval.core.types import Request, request_seed


@dataclass(frozen=True)
class RowSampling:
    """How one row samples: ``temperature`` 0 means greedy (the other fields are then unused)."""

    seed: int
    temperature: float
    top_p: float | None = None
    top_k: int | None = None
    min_p: float | None = None


def row_settings(requests: Sequence[Request], defaults: Any) -> list[RowSampling]:
    """One ``RowSampling`` per request: its temperature and top_p, the checkpoint's ``generation_config``
    (``defaults``) for top_p when the request sets none, and for top_k and min_p (what
    ``generate(do_sample=True, temperature=..., top_p=...)`` would use)."""
    return [
        RowSampling(
            seed=request_seed(r),
            temperature=r.generation.temperature,
            top_p=r.generation.top_p if r.generation.top_p is not None else getattr(defaults, "top_p", None),
            top_k=getattr(defaults, "top_k", None),
            min_p=getattr(defaults, "min_p", None),
        )
        for r in requests
    ]


def _warpers(row: RowSampling) -> LogitsProcessorList:
    warpers = LogitsProcessorList()
    if row.temperature != 1.0:
        warpers.append(TemperatureLogitsWarper(row.temperature))
    if row.top_k:
        warpers.append(TopKLogitsWarper(top_k=row.top_k))
    if row.top_p is not None and row.top_p < 1.0:
        warpers.append(TopPLogitsWarper(top_p=row.top_p))
    if row.min_p is not None:
        warpers.append(MinPLogitsWarper(min_p=row.min_p))
    return warpers


class RowSampler(LogitsProcessor):
    """Forces each sampling row's next token to one drawn from that row's own generator (see the module
    docstring); one instance per ``generate`` call, so the generators carry over from step to step."""

    def __init__(self, rows: Sequence[RowSampling]) -> None:
        self.rows = list(rows)
        self._warpers = [_warpers(r) if r.temperature > 0 else None for r in self.rows]
        self._generators: list[torch.Generator | None] | None = None

    @staticmethod
    def needed(rows: Sequence[RowSampling]) -> bool:
        return any(r.temperature > 0 for r in rows)

    def _generators_on(self, device: torch.device) -> list[torch.Generator | None]:
        if self._generators is None:
            self._generators = [
                torch.Generator(device=device).manual_seed(r.seed) if r.temperature > 0 else None
                for r in self.rows
            ]
        return self._generators

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if scores.shape[0] != len(self.rows):
            raise ValueError(f"RowSampler has {len(self.rows)} rows, generate passed {scores.shape[0]}")
        generators = self._generators_on(scores.device)
        out = scores.clone()
        for i, (warpers, gen) in enumerate(zip(self._warpers, generators)):
            if warpers is None or gen is None:
                continue
            row_ids = cast(torch.LongTensor, input_ids[i : i + 1])
            row = warpers(row_ids, cast(torch.FloatTensor, scores[i : i + 1].float()))
            probs = torch.softmax(row[0], dim=-1)
            token = torch.multinomial(probs, num_samples=1, generator=gen)
            out[i].fill_(float("-inf"))
            out[i, token] = 0.0
        return cast(torch.FloatTensor, out)
