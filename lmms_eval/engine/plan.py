"""Plan a run: load each task's docs, render Requests, hash media and compute cache keys."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from lmms_eval.core.types import GenerationConfig, MediaPart, MediaRef, Request, TextPart
from lmms_eval.tasks.task import Doc, Task

KEY_VERSION = 1


@dataclass
class Sample:
    """One doc of one task, with its request and (once known) its outcome."""

    task: Task
    doc: Doc
    request: Request
    target: Any
    plan_error: str | None = None
    attempts: int = 0
    extracted: str | None = None
    scores: dict[str, float] = field(default_factory=dict)


def select_docs(docs: list[Doc], limit: float | None) -> list[Doc]:
    """``--limit``: an integer keeps the first N docs, a fraction below 1 keeps that share (rounded up)."""
    if limit is None:
        return docs
    count = math.ceil(limit * len(docs)) if 0 < limit < 1 else int(limit)
    return docs[:count]


def _hash_path_refs(requests: list[Request], workers: int) -> dict[int, str]:
    """Fill sha256 of every path-based media ref in place; return {request index: error} for missing files."""
    from lmms_eval.media.hashing import sha256_file

    jobs: list[tuple[int, MediaRef]] = [
        (i, part.ref) for i, r in enumerate(requests) for part in r.media_parts() if part.ref.sha256 is None
    ]
    errors: dict[int, str] = {}

    def work(job: tuple[int, MediaRef]) -> None:
        i, ref = job
        assert ref.path is not None
        try:
            ref.sha256 = sha256_file(ref.path)
        except OSError as exc:
            errors[i] = f"media file unreadable: {ref.path}: {exc.strerror or exc}"

    if jobs:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(work, jobs))
    return errors


def key_prefix(model_identity: dict[str, Any], generation: GenerationConfig, task: Task) -> bytes:
    """The part of every cache key shared by a task's requests: model, generation config, task version."""
    head = {
        "v": KEY_VERSION,
        "model": model_identity,
        "generation": generation.model_dump(),
        "task": task.name,
        "task_version": task.version,
    }
    return json.dumps(head, sort_keys=True, default=str).encode()


def cache_key(prefix: bytes, request: Request) -> str:
    """Everything that determines the answer: the shared prefix plus the prompt with media hashes.

    Each message and part is written length-prefixed, so no two different prompts share an encoding."""
    digest = hashlib.sha256(prefix)
    for m in request.messages:
        digest.update(f"\x00{m.role}:{len(m.content)}".encode())
        for p in m.content:
            if isinstance(p, TextPart):
                body = p.text
            else:
                body = json.dumps(p.key_fields(), sort_keys=True, default=str)
            data = body.encode()
            digest.update(f"\x01{p.type}:{len(data)}:".encode())
            digest.update(data)
    if request.choices:
        digest.update(("\x02" + json.dumps(request.choices)).encode())
    return digest.hexdigest()


def plan_task(
    task: Task,
    *,
    model_identity: dict[str, Any],
    family: str | None,
    limit: float | None,
    num_fewshot: int | None,
    gen_kwargs: dict[str, Any],
    workers: int,
    adjust_media: Callable[[MediaPart], None] | None = None,
) -> list[Sample]:
    docs = select_docs(task.docs(), limit)
    generation = task.generation(family, gen_kwargs)
    renderer_msgs = [task.messages(doc, family, num_fewshot) for doc in docs]
    requests = [
        Request(
            messages=msgs, generation=generation, task=task.name, doc_id=doc.id, choices=task.choices(doc)
        )
        for doc, msgs in zip(docs, renderer_msgs)
    ]
    if adjust_media is not None:
        for request in requests:
            for part in request.media_parts():
                adjust_media(part)
    errors = _hash_path_refs(requests, workers)
    prefix = key_prefix(model_identity, generation, task)
    samples = []
    for i, (doc, request) in enumerate(zip(docs, requests)):
        request.key = cache_key(prefix, request)
        samples.append(
            Sample(task=task, doc=doc, request=request, target=task.target(doc), plan_error=errors.get(i))
        )
    return samples
