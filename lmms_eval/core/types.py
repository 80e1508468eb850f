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


class VideoSampling(_Strict):
    """How one video of a request was turned into frames, recorded with the answer (journal and samples).

    ``num_frames``/``fps``: the sampling policy as applied (see :mod:`lmms_eval.media.video`); ``policy``:
    who set it: ``"model"`` (the model's arguments or family changed what the task declared), ``"task"``
    (the task's prompt part), or ``"default"`` (neither: the decoder's 8 frames). ``timestamps_s``: the
    presentation time of each frame the model was given, in order; None when lmms-eval did not decode the
    video (the backend sent the whole file and its server sampled the frames, or a replay answered);
    ``duration_s`` and ``video_fps``: the source's, as the decoder read them."""

    type: Literal["video"] = "video"
    path: str
    num_frames: int | None = None
    fps: float | None = None
    policy: Literal["model", "task", "default"] = "default"
    timestamps_s: list[float] | None = None
    duration_s: float | None = None
    video_fps: float | None = None


class VideoPart(_MediaPart):
    type: Literal["video"] = "video"
    num_frames: int | None = None
    fps: float | None = None
    max_pixels: int | None = None
    _policy: Literal["model", "task", "default"] | None = PrivateAttr(default=None)
    _sampling: VideoSampling | None = PrivateAttr(default=None)

    @property
    def policy(self) -> Literal["model", "task", "default"]:
        """Who set ``num_frames``/``fps`` (see :class:`VideoSampling`); set when the request is planned."""
        if self._policy is not None:
            return self._policy
        return "task" if self.num_frames is not None or self.fps is not None else "default"

    @policy.setter
    def policy(self, value: Literal["model", "task", "default"]) -> None:
        self._policy = value

    @property
    def sampling(self) -> VideoSampling:
        """The frames actually sampled (set by the decoder), else the policy alone (no timestamps)."""
        if self._sampling is not None:
            return self._sampling
        return VideoSampling(
            path=self.ref.describe(), num_frames=self.num_frames, fps=self.fps, policy=self.policy
        )

    def record_sampling(
        self, timestamps_s: list[float], duration_s: float | None, video_fps: float | None
    ) -> None:
        """Called by the decoder with the frames it chose."""
        self._sampling = VideoSampling(
            path=self.ref.describe(), num_frames=self.num_frames, fps=self.fps, policy=self.policy,
            timestamps_s=[round(t, 6) for t in timestamps_s], duration_s=duration_s, video_fps=video_fps,
        )  # fmt: skip


class AudioUse(_Strict):
    """How one audio of a request reached the model, recorded with the answer (journal and samples):
    ``duration_s`` and ``sampling_rate`` as decoded; ``window_s``: the model's audio window when the model
    declares one (e.g. 30 s for Whisper-style encoders), and ``chunks``: how many consecutive windows the
    audio was split into (each its own audio input, in order), so a long recording is never cut silently."""

    type: Literal["audio"] = "audio"
    path: str
    duration_s: float
    sampling_rate: int
    window_s: float | None = None
    chunks: int = 1


class AudioPart(_MediaPart):
    type: Literal["audio"] = "audio"
    sampling_rate: int | None = None
    _use: AudioUse | None = PrivateAttr(default=None)

    @property
    def use(self) -> AudioUse | None:
        """How the audio was decoded and windowed (None before decoding)."""
        return self._use

    def record_decoding(self, duration_s: float, sampling_rate: int) -> None:
        """Called by the decoder."""
        self._use = AudioUse(path=self.ref.describe(), duration_s=round(duration_s, 6), sampling_rate=sampling_rate)

    def record_windows(self, window_s: float | None, chunks: int) -> None:
        """Called by a backend that split the audio into its model's windows."""
        if self._use is not None:
            self._use = self._use.model_copy(update={"window_s": window_s, "chunks": chunks})


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
    #: how each video was sampled and each audio windowed (set by the engine when it records the answer)
    media: list[Annotated[VideoSampling | AudioUse, Field(discriminator="type")]] | None = None

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
