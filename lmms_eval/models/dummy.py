"""A deterministic model for tests, baselines and overhead benchmarks.

Modes: ``constant`` answers ``response``; ``echo`` repeats the prompt text; ``choice`` picks one of
``choices`` (``|``-separated) by a hash of the request, so the same request always gets the same answer.
``sample`` imitates a sampling model, for ``--repeats``: each doc (task, doc id, prompt and media hashes) has a
preferred answer among ``choices`` and a confidence ``c`` in [0, 1), both drawn by hash; with temperature 0
the answer is always the preferred one, with temperature > 0 it is the preferred one with probability ``c``
and otherwise a uniform draw from ``choices``, decided by a hash of the doc and the generation seed. So
repeats (seeds ``seed + r``) of one doc agree more or less depending on the doc, and each (doc, seed) answer
is reproducible.
``fail_rate`` makes that fraction of requests fail (chosen by hash; an injected fault, so not part of the
model identity: a rerun without it retries exactly those requests); ``delay``
sleeps per request; ``call_log`` appends each request key it receives to a file (tests count calls).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import ClassVar, Literal

from lmms_eval.core.types import Request, Response, TextPart, Usage
from lmms_eval.models.base import Capabilities, Model, ModelArgs


class DummyArgs(ModelArgs):
    mode: Literal["constant", "echo", "choice", "sample"] = "choice"
    response: str = "A"
    choices: str = "A|B|C|D|E|yes|no|true|false|0|1|2|3|4|5|6|7|8|9"
    seed: int = 0
    fail_rate: float = 0.0
    delay: float = 0.0
    call_log: str | None = None


def _unit(key: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}|{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class DummyModel(Model):
    name = "dummy"
    Args = DummyArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text", "image", "video", "audio"}), batching=True, default_batch_size=64
    )
    runtime_args = frozenset({"delay", "call_log", "fail_rate"})
    args: DummyArgs

    def __init__(self, args: DummyArgs) -> None:
        super().__init__(args)
        self._choices = args.choices.split("|")

    def _answer(self, request: Request) -> Response:
        a = self.args
        prompt = request.prompt_text()
        key = request.key or prompt
        if a.fail_rate and _unit(key, f"fail{a.seed}") < a.fail_rate:
            return Response.failure("dummy: injected failure")
        if a.mode == "constant":
            text = a.response
        elif a.mode == "echo":
            text = "".join(
                p.text
                for m in request.messages
                if m.role == "user"
                for p in m.content
                if isinstance(p, TextPart)
            )
        elif a.mode == "sample":
            text = self._sample(request)
        else:
            text = self._choices[int(_unit(key, f"choice{a.seed}") * len(self._choices))]
        usage = Usage(input_tokens=len(prompt.split()), output_tokens=len(text.split()))
        return Response(text=text, usage=usage, finish_reason="stop", latency_s=a.delay)

    def _sample(self, request: Request) -> str:
        a, choices = self.args, self._choices
        media = ",".join(str(p.ref.sha256 or p.ref.describe()) for p in request.media_parts())
        doc = f"{request.task}|{request.doc_id}|{request.prompt_text()}|{media}"
        preferred = choices[int(_unit(doc, f"prefer{a.seed}") * len(choices))]
        gen = request.generation
        if gen.temperature <= 0:
            return preferred
        draw = f"{doc}|{gen.seed or 0}"
        if _unit(draw, f"stick{a.seed}") < _unit(doc, f"confidence{a.seed}"):
            return preferred
        return choices[int(_unit(draw, f"other{a.seed}") * len(choices))]

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        if self.args.call_log:
            with open(self.args.call_log, "a", encoding="utf-8") as fh:
                fh.write("".join(f"{r.key}\n" for r in requests))
        out = []
        for request in requests:
            if self.args.delay:
                time.sleep(self.args.delay)
            out.append(self._answer(request))
        return out
