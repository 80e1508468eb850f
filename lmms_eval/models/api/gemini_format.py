"""Requests in the Gemini ``generateContent`` format, and its answers back as Responses.

Turns are ``{"role": "user" | "model", "parts": [...]}``; system messages become ``system_instruction``.
Media goes inline as base64 ``inline_data`` parts: images, video as its sampled frames (or the whole file with
``video_mode="file"``; Gemini samples it itself) and audio as WAV/MP3. Field names are snake_case, which both
the REST API and google-genai's typed dicts accept.
"""

from __future__ import annotations

from typing import Any, Literal

from lmms_eval.core.types import AudioPart, ImagePart, Request, Response, TextPart, Usage, VideoPart
from lmms_eval.models.api.media import (
    Blob,
    MediaSettings,
    encode_audio,
    encode_image,
    encode_video_file,
    encode_video_frames,
)
from lmms_eval.models.api.retry import RetryableError

GeminiVideoMode = Literal["frames", "file"]


def inline_part(blob: Blob) -> dict[str, Any]:
    return {"inline_data": {"mime_type": blob.mime, "data": blob.b64}}


def gemini_contents(
    request: Request, settings: MediaSettings, video_mode: GeminiVideoMode = "frames"
) -> tuple[str | None, list[dict[str, Any]]]:
    """The conversation as ``(system_instruction, contents)``; media inlined as base64 (blocking)."""
    system: list[str] = []
    contents: list[dict[str, Any]] = []
    for message in request.messages:
        if message.role == "system":
            text = message.text()
            if text:
                system.append(text)
            continue
        parts: list[dict[str, Any]] = []
        for part in message.content:
            if isinstance(part, TextPart):
                if part.text:
                    parts.append({"text": part.text})
            elif isinstance(part, ImagePart):
                parts.append(inline_part(encode_image(part, settings)))
            elif isinstance(part, VideoPart):
                if video_mode == "file":
                    parts.append(inline_part(encode_video_file(part)))
                else:
                    parts.extend(inline_part(blob) for _, blob in encode_video_frames(part, settings))
            elif isinstance(part, AudioPart):
                parts.append(inline_part(encode_audio(part)))
        if not parts:  # the API rejects a turn without parts
            parts.append({"text": ""})
        contents.append({"role": "model" if message.role == "assistant" else "user", "parts": parts})
    return ("\n\n".join(system) if system else None), contents


def generation_config(request: Request) -> dict[str, Any]:
    """Sampling settings as ``GenerateContentConfig`` fields (``generationConfig`` in REST)."""
    gen = request.generation
    config: dict[str, Any] = {"max_output_tokens": gen.max_new_tokens, "temperature": gen.temperature}
    if gen.top_p is not None:
        config["top_p"] = gen.top_p
    if gen.stop:
        config["stop_sequences"] = list(gen.stop)[:5]  # the API takes at most 5
    if gen.seed is not None:
        config["seed"] = gen.seed
    if gen.n != 1:
        config["candidate_count"] = gen.n
    return config


def gemini_request(
    request: Request, settings: MediaSettings, video_mode: GeminiVideoMode = "frames"
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(contents, config)`` for ``models.generate_content``: the config holds the generation settings and
    the ``system_instruction``."""
    system, contents = gemini_contents(request, settings, video_mode)
    config = generation_config(request)
    if system is not None:
        config["system_instruction"] = system
    return contents, config


def parse_generate_content(data: Any, latency_s: float) -> Response:
    """A ``generateContent`` answer (a dict in snake_case, e.g. the SDK response's ``model_dump()``) as a
    Response: each candidate's non-thought text parts joined. A blocked prompt (no candidates) is an empty
    answer, like a refusal; a malformed answer raises ``RetryableError``."""
    try:
        candidates = data.get("candidates") or []
        texts = [_candidate_text(c) for c in candidates]
        finish = candidates[0].get("finish_reason") if candidates else None
    except (KeyError, TypeError, AttributeError) as exc:
        raise RetryableError(f"malformed generateContent answer ({type(exc).__name__}: {exc})") from None
    if not candidates:
        feedback = data.get("prompt_feedback") or {}
        finish = feedback.get("block_reason") or "NO_CANDIDATES"
        texts = [""]
    usage = data.get("usage_metadata") or {}
    return Response(
        text=texts[0],
        texts=texts if len(texts) > 1 else [],
        usage=Usage(
            input_tokens=usage.get("prompt_token_count"),
            output_tokens=usage.get("candidates_token_count"),
            reasoning_tokens=usage.get("thoughts_token_count"),
        ),
        latency_s=latency_s,
        finish_reason=str(finish) if finish is not None else None,
    )


def _candidate_text(candidate: dict[str, Any]) -> str:
    content = candidate.get("content") or {}
    return "".join(p.get("text") or "" for p in content.get("parts") or [] if not p.get("thought"))
