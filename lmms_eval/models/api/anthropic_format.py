"""Requests in the Anthropic Messages format, and its answers back as Responses.

System messages become the top-level ``system`` string; images go as base64 ``image`` blocks, video as its
sampled frames (one image block each). The Messages API takes no audio: a request with audio gets
``UnsupportedInput`` (a ``FatalError``) before any media is encoded.
"""

from __future__ import annotations

import re
from typing import Any

from lmms_eval.core.types import AudioPart, ImagePart, Request, Response, TextPart, Usage, VideoPart
from lmms_eval.models.api.media import Blob, MediaSettings, encode_image, encode_video_frames
from lmms_eval.models.api.retry import FatalError, RetryableError

#: Claude models that reject ``temperature``/``top_p`` ("temperature is deprecated for this model")
_NO_SAMPLING_NAME = re.compile(r"claude-opus-4-[7-9]", re.IGNORECASE)


class UnsupportedInput(FatalError):
    """The request holds input this API cannot take (another attempt will not help)."""


def accepts_sampling(model: str) -> bool:
    """Whether the model takes ``temperature``/``top_p`` (Claude Opus 4.7 and later reject them)."""
    return not _NO_SAMPLING_NAME.search(model)


def image_block(blob: Blob) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": blob.mime, "data": blob.b64}}


def anthropic_messages(request: Request, settings: MediaSettings) -> tuple[str | None, list[dict[str, Any]]]:
    """The conversation as ``(system, messages)``; media inlined as base64 (blocking: call off-loop).

    Raises ``UnsupportedInput`` for audio, checked before any media is encoded."""
    if any(isinstance(p, AudioPart) for p in request.media_parts()):
        raise UnsupportedInput("anthropic: audio input is not supported by the Messages API")
    system: list[str] = []
    out: list[dict[str, Any]] = []
    for message in request.messages:
        if message.role == "system":
            text = message.text()
            if text:
                system.append(text)
            continue
        if all(isinstance(p, TextPart) for p in message.content):
            out.append({"role": message.role, "content": message.text()})
            continue
        content: list[dict[str, Any]] = []
        for part in message.content:
            if isinstance(part, TextPart):
                if part.text:  # the API rejects empty text blocks
                    content.append({"type": "text", "text": part.text})
            elif isinstance(part, ImagePart):
                content.append(image_block(encode_image(part, settings)))
            elif isinstance(part, VideoPart):
                for _, blob in encode_video_frames(part, settings):
                    content.append(image_block(blob))
        out.append({"role": message.role, "content": content})
    return ("\n\n".join(system) if system else None), out


def anthropic_request(
    request: Request, model: str, settings: MediaSettings, *, sampling: bool = True
) -> dict[str, Any]:
    """The Messages API request body. ``sampling=False`` leaves out ``temperature``/``top_p`` (for models
    that reject them)."""
    gen = request.generation
    if gen.n != 1:
        raise UnsupportedInput(f"anthropic: n={gen.n} is not supported (the Messages API returns one answer)")
    system, messages = anthropic_messages(request, settings)
    body: dict[str, Any] = {"model": model, "messages": messages, "max_tokens": gen.max_new_tokens}
    if system is not None:
        body["system"] = system
    stops = [s for s in gen.stop if s.strip()]
    if stops:
        body["stop_sequences"] = stops
    if sampling:
        body["temperature"] = gen.temperature
        if gen.top_p is not None:
            body["top_p"] = gen.top_p
    return body


def client_side_stops(request: Request) -> list[str]:
    """The stop strings the API refuses ("each stop sequence must contain non-whitespace"), such as "\\n\\n":
    left out of the request and applied to the answer instead (``parse_message(stop=...)``)."""
    return [s for s in request.generation.stop if s and not s.strip()]


def parse_message(data: Any, latency_s: float, stop: list[str] | None = None) -> Response:
    """A Messages API answer (as a dict) as a Response: its text blocks joined, cut at the first of ``stop``
    (stop strings applied here rather than by the API). A malformed answer raises ``RetryableError``."""
    try:
        blocks = data["content"]
        text = "".join(b.get("text") or "" for b in blocks if b.get("type") == "text")
    except (KeyError, TypeError, AttributeError) as exc:
        raise RetryableError(f"malformed message ({type(exc).__name__}: {exc}): {str(data)[:200]}") from None
    finish = data.get("stop_reason")
    cuts = [i for i in (text.find(s) for s in stop or []) if i >= 0]
    if cuts:
        text, finish = text[: min(cuts)], "stop_sequence"
    usage = data.get("usage") or {}
    return Response(
        text=text,
        usage=Usage(input_tokens=usage.get("input_tokens"), output_tokens=usage.get("output_tokens")),
        latency_s=latency_s,
        finish_reason=finish,
    )
