"""Plan a run: load each task's docs, render Requests, hash media and compute cache keys."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import GenerationConfig, MediaPart, MediaRef, Request, TextPart, VideoPart
from lmms_eval.tasks.task import Doc, Task

if TYPE_CHECKING:
    from lmms_eval.engine.subset import DocSubset

KEY_VERSION = 1


@dataclass
class Sample:
    """One doc of one task (one repeat of it with ``--repeats``), with its request and its outcome."""

    task: Task
    doc: Doc
    request: Request
    target: Any
    plan_error: str | None = None
    #: 0..k-1 with ``--repeats k``: this request's generation seed is the base seed + ``repeat``
    repeat: int = 0
    #: circular tasks: 0..n-1, how far the options are shifted (``doc`` holds the rotated row)
    rotation: int = 0
    attempts: int = 0
    extracted: str | None = None
    scores: dict[str, float] = field(default_factory=dict)


def select_docs(docs: Sequence[Doc], limit: float | None, subset: DocSubset | None = None) -> list[Doc]:
    """A suite's ``subset`` first (a seeded, stratified share: :mod:`lmms_eval.engine.subset`), then
    ``--limit``: an integer keeps the first N docs, a fraction below 1 keeps that share (rounded up).

    Only the kept docs are built (a task's docs may build each row when it is indexed or iterated)."""
    if subset is not None:
        from lmms_eval.engine.subset import select_subset

        docs = select_subset(docs, subset)
    if limit is None:
        return list(docs)
    count = math.ceil(limit * len(docs)) if 0 < limit < 1 else int(limit)
    return list(docs[:count])


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


def key_prefix(
    model_identity: dict[str, Any], generation: GenerationConfig, task: Task, rotation: int = 0
) -> bytes:
    """The part of every cache key shared by a task's requests: model, generation config, task version; and
    for a circular task's rotations r > 0, the rotation (rotation 0 keeps a plain run's key)."""
    head: dict[str, Any] = {
        "v": KEY_VERSION,
        "model": model_identity,
        "generation": generation.model_dump(),
        "task": task.name,
        "task_version": task.version,
    }
    if rotation:
        head["rotation"] = rotation
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


def _adjust(part: MediaPart, adjust_media: Callable[[MediaPart], None]) -> None:
    """The model fills in or overrides media settings; a video records whether its frame policy is the
    model's, the task's or the decoder's default."""
    if not isinstance(part, VideoPart):
        adjust_media(part)
        return
    declared = (part.num_frames, part.fps)
    adjust_media(part)
    if (part.num_frames, part.fps) != declared:
        part.policy = "model"


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
    repeats: int = 1,
) -> list[Sample]:
    """One Sample per doc, or with ``repeats`` k > 1 k Samples per doc (doc-major order) whose requests
    differ only in the generation seed, ``seed + r`` for repeat r: so each has its own cache key, and
    repeat 0 shares its key with a run without repeats. A circular task has one Sample per doc and rotation
    (see :mod:`lmms_eval.engine.circular`), each with its own prompt and key."""
    from lmms_eval.engine.circular import expand, rotation_doc_id

    if task.spec.circular is not None and repeats > 1:
        raise ConfigError(
            f"Task '{task.name}' ({task.yaml_path}): circular evaluation does not combine with --repeats "
            f"{repeats}: each rotation is already its own request"
        )
    units = expand(task, select_docs(task.docs(), limit, task.subset))
    generation = task.generation(family, gen_kwargs)
    requests = [
        Request(
            messages=task.messages(doc, family, num_fewshot),
            generation=generation,
            task=task.name,
            doc_id=rotation_doc_id(doc.id, rotation),
            choices=task.choices(doc),
        )
        for doc, rotation in units
    ]
    if adjust_media is not None:
        for request in requests:
            for part in request.media_parts():
                _adjust(part, adjust_media)
    errors = _hash_path_refs(requests, workers)
    prefixes = {0: key_prefix(model_identity, generation, task)}
    if repeats > 1:
        base = generation.seed if generation.seed is not None else 0
        variants = [generation.model_copy(update={"seed": base + r}) for r in range(repeats)]
        repeat_prefixes = [key_prefix(model_identity, g, task) for g in variants]
    samples = []
    for i, ((doc, rotation), request) in enumerate(zip(units, requests)):
        target = task.target(doc)
        if repeats <= 1:
            if rotation not in prefixes:
                prefixes[rotation] = key_prefix(model_identity, generation, task, rotation)
            request.key = cache_key(prefixes[rotation], request)
            samples.append(
                Sample(
                    task=task, doc=doc, request=request, target=target, plan_error=errors.get(i),
                    rotation=rotation,
                )
            )  # fmt: skip
            continue
        for r, (gen_r, prefix_r) in enumerate(zip(variants, repeat_prefixes)):
            copy = _repeat_request(request, gen_r)
            copy.key = cache_key(prefix_r, copy)
            samples.append(
                Sample(task=task, doc=doc, request=copy, target=target, plan_error=errors.get(i), repeat=r)
            )
    return samples


def _repeat_request(request: Request, generation: GenerationConfig) -> Request:
    """A copy of ``request`` with another generation config. Media parts are copied (the prefetch stage
    attaches and releases decoded media per part, and repeats may sit in different batches); their
    references, hashes included, are shared."""
    messages = [
        m.model_copy(update={"content": [p.model_copy() for p in m.content]}) for m in request.messages
    ]
    return request.model_copy(update={"messages": messages, "generation": generation})
