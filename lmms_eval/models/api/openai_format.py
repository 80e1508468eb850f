"""Requests in the OpenAI chat-completions format, and its answers back as Responses.

Shared by ``openai_compat`` (raw HTTP), ``openai`` (the official SDK) and the in-process vLLM engine, which
all take this message format.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from lmms_eval.core.types import AudioPart, ImagePart, Request, Response, TextPart, Usage, VideoPart
from lmms_eval.models.api.media import (
    MediaSettings,
    encode_audio,
    encode_image,
    encode_video_file,
    encode_video_frames,
)
from lmms_eval.models.api.retry import RetryableError

VideoMode = Literal["frames", "video_url"]
#: OpenAI's reasoning models take max_completion_tokens and refuse temperature/top_p
_REASONING_NAME = re.compile(r"^(o\d|gpt-5)", re.IGNORECASE)


def is_reasoning_model(name: str) -> bool:
    return bool(_REASONING_NAME.match(name.rsplit("/", 1)[-1]))


def openai_messages(
    request: Request, settings: MediaSettings, video_mode: VideoMode = "frames"
) -> list[dict[str, Any]]:
    """The conversation as chat-completions messages; media inlined as base64 (blocking: call off-loop)."""
    out: list[dict[str, Any]] = []
    for message in request.messages:
        if all(isinstance(p, TextPart) for p in message.content):
            out.append({"role": message.role, "content": message.text()})
            continue
        content: list[dict[str, Any]] = []
        for part in message.content:
            if isinstance(part, TextPart):
                content.append({"type": "text", "text": part.text})
            elif isinstance(part, ImagePart):
                url = encode_image(part, settings).data_url()
                content.append({"type": "image_url", "image_url": {"url": url}})
            elif isinstance(part, VideoPart):
                if video_mode == "video_url":
                    if part.ref.url is not None and part.ref.url.startswith(("http://", "https://")):
                        url = part.ref.url
                    else:
                        url = encode_video_file(part).data_url()
                    content.append({"type": "video_url", "video_url": {"url": url}})
                else:
                    for _, blob in encode_video_frames(part, settings):
                        content.append({"type": "image_url", "image_url": {"url": blob.data_url()}})
            elif isinstance(part, AudioPart):
                blob = encode_audio(part)
                content.append({"type": "input_audio", "input_audio": {"data": blob.b64, "format": blob.subtype}})
        out.append({"role": message.role, "content": content})
    return out


def generation_fields(request: Request, *, reasoning: bool) -> dict[str, Any]:
    """Sampling settings in chat-completions names. Reasoning models get ``max_completion_tokens`` and no
    temperature/top_p (they reject them)."""
    gen = request.generation
    fields: dict[str, Any] = {}
    if reasoning:
        fields["max_completion_tokens"] = gen.max_new_tokens
    else:
        fields["max_tokens"] = gen.max_new_tokens
        fields["temperature"] = gen.temperature
        if gen.top_p is not None:
            fields["top_p"] = gen.top_p
    if gen.stop:
        fields["stop"] = gen.stop[:4]  # the API takes at most 4
    if gen.seed is not None:
        fields["seed"] = gen.seed
    if gen.n != 1:
        fields["n"] = gen.n
    return fields


def parse_chat_completion(data: Any, latency_s: float) -> Response:
    """A chat-completions JSON answer as a Response. A malformed answer raises ``RetryableError``."""
    try:
        choices = data["choices"]
        texts = [_content(c["message"]) for c in choices]
        finish = choices[0].get("finish_reason")
    except (KeyError, IndexError, TypeError) as exc:
        snippet = str(data)[:200]
        raise RetryableError(f"malformed chat completion ({type(exc).__name__}: {exc}): {snippet}") from None
    usage = data.get("usage") or {}
    details = usage.get("completion_tokens_details") or {}
    return Response(
        text=texts[0],
        texts=texts if len(texts) > 1 else [],
        usage=Usage(
            input_tokens=usage.get("prompt_tokens"),
            output_tokens=usage.get("completion_tokens"),
            reasoning_tokens=details.get("reasoning_tokens"),
        ),
        latency_s=latency_s,
        finish_reason=finish,
    )


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if content is None:
        return ""  # a refusal or tool call carries no text: an (empty) answer, not an error
    if isinstance(content, list):  # some servers answer with parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content)
