"""The vocabulary every part of lmms-eval speaks: content parts, messages, requests and responses.

Requests carry media *references* (a path, URL or raw bytes plus its sha256), never decoded pixels. The
engine's prefetch stage decodes media on worker threads and attaches the result to ``part.decoded``; that
field is runtime-only and never serialized.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MediaRef(_Strict):
    """Where a media item comes from. Exactly one of ``path``, ``url`` or ``data`` is set."""

    path: str | None = None
    url: str | None = None
    data: bytes | None = Field(default=None, repr=False)
    sha256: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> MediaRef:
        given = [x for x in (self.path, self.url, self.data) if x is not None]
        if len(given) != 1:
            raise ValueError("a media reference needs exactly one of path, url or data")
        if self.data is not None and self.sha256 is None:
            self.sha256 = hashlib.sha256(self.data).hexdigest()
        return self

    def describe(self) -> str:
        """A short human-readable name for messages and logs."""
        if self.path is not None:
            return self.path
        if self.url is not None:
            return self.url
        return f"<{len(self.data or b'')} bytes>"


class _MediaPart(_Strict):
    ref: MediaRef
    _decoded: Any = PrivateAttr(default=None)

    @property
    def decoded(self) -> Any:
        """The decoded payload attached by the prefetch stage (PIL image, frame list, waveform), or None."""
        return self._decoded

    @decoded.setter
    def decoded(self, value: Any) -> None:
        self._decoded = value

    def key_fields(self) -> dict[str, Any]:
        """What identifies this part in a cache key: its settings and the media hash, never the bytes."""
        data = self.model_dump(exclude={"ref"})
        data["sha256"] = self.ref.sha256
        return data


class TextPart(_Strict):
    type: Literal["text"] = "text"
    text: str

    def key_fields(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


class ImagePart(_MediaPart):
    type: Literal["image"] = "image"
    max_pixels: int | None = None
    min_pixels: int | None = None


class VideoPart(_MediaPart):
    type: Literal["video"] = "video"
    num_frames: int | None = None
    fps: float | None = None
    max_pixels: int | None = None


class AudioPart(_MediaPart):
    type: Literal["audio"] = "audio"
    sampling_rate: int | None = None


Part = Annotated[TextPart | ImagePart | VideoPart | AudioPart, Field(discriminator="type")]
MediaPart = ImagePart | VideoPart | AudioPart


class Message(_Strict):
    role: Literal["system", "user", "assistant"]
    content: list[Part]

    def text(self) -> str:
        """The text parts joined, media left out."""
        return "".join(p.text for p in self.content if isinstance(p, TextPart))


class GenerationConfig(_Strict):
    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float | None = None
    stop: list[str] = Field(default_factory=list)
    seed: int | None = None
    n: int = 1

    def merged(self, overrides: dict[str, Any]) -> GenerationConfig:
        """A copy with ``overrides`` applied and validated."""
        return GenerationConfig.model_validate({**self.model_dump(), **overrides})


class Request(_Strict):
    """One conversation for the model plus how to generate. ``key`` is set by the engine (cache key)."""

    messages: list[Message]
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    #: when set, the model scores each choice as the assistant's answer (log-likelihood) instead of generating
    choices: list[str] = Field(default_factory=list)
    task: str = ""
    doc_id: str = ""
    key: str = ""

    def media_parts(self) -> list[MediaPart]:
        return [p for m in self.messages for p in m.content if not isinstance(p, TextPart)]

    def prompt_text(self) -> str:
        """The user-visible text of the whole conversation, media as placeholders."""
        out = []
        for m in self.messages:
            for p in m.content:
                out.append(p.text if isinstance(p, TextPart) else f"<{p.type}>")
        return "".join(out)


def request_seed(request: Request) -> int:
    """The sampling seed of one request: its generation seed (``seed + r`` for repeat r; 0 when unset) plus
    a stable hash of ``(task, doc_id)``, modulo 2**32.

    Each request thus draws from its own random stream, whatever batch it lands in, and two docs of one
    repeat do not share a stream. The hash is sha256 (never Python's per-process ``hash()``), so every
    process and every run derive the same seed. The cache key is unaffected: it keys on the
    ``GenerationConfig``, whose ``seed`` stays as planned."""
    base = request.generation.seed or 0
    digest = hashlib.sha256(f"{request.task}\x00{request.doc_id}".encode()).digest()
    return (base + int.from_bytes(digest[:8], "big")) % 2**32


class Usage(_Strict):
    input_tokens: int | None = None
    output_tokens: int | None = None
    reasoning_tokens: int | None = None


class Response(_Strict):
    """A model's answer **or** an error, never both."""

    text: str | None = None
    texts: list[str] = Field(default_factory=list)
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    latency_s: float | None = None
    finish_reason: str | None = None
    #: for choice scoring: the summed log-probability of each choice, in order (``text`` is the best one)
    logprobs: list[float] | None = None

    @model_validator(mode="after")
    def _text_xor_error(self) -> Response:
        if (self.text is None) == (self.error is None):
            raise ValueError("a Response holds either text or error, exactly one of them")
        return self

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def failure(cls, reason: str, latency_s: float | None = None) -> Response:
        return cls(error=reason, latency_s=latency_s)


class LoglikelihoodRequest(_Strict):
    """Score ``continuation`` after the conversation ``context`` (for multiple-choice by likelihood)."""

    context: list[Message]
    continuation: str
    task: str = ""
    doc_id: str = ""
    key: str = ""


class LoglikelihoodResponse(_Strict):
    logprob: float | None = None
    is_greedy: bool | None = None
    error: str | None = None
