"""Render a task's prompt spec over one doc into typed chat messages (text + media references)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from lmms_eval.core.errors import ConfigError, DataError
from lmms_eval.core.types import (
    AudioPart,
    ImagePart,
    MediaRef,
    Message,
    Part,
    TextPart,
    VideoPart,
)
from lmms_eval.tasks.spec import MediaSpec, PartSpec, PromptSpec

_SINGLE_VAR = re.compile(r"^\s*\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\s*$")


@lru_cache(maxsize=1)
def _env() -> Any:
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


@lru_cache(maxsize=4096)
def compile_template(source: str) -> Any:
    import jinja2

    try:
        return _env().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"Invalid Jinja template (line {exc.lineno}): {exc.message}\n  {source!r}") from exc


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


@lru_cache(maxsize=4096)
def _simple_fields(source: str) -> tuple[list[str], list[str]] | None:
    """For a template made only of text and ``{{ name }}`` placeholders: (text pieces, names); else None."""
    if "{%" in source or "{#" in source:
        return None
    pieces = _PLACEHOLDER.split(source)
    texts, names = pieces[0::2], pieces[1::2]
    if any("{{" in t or "}}" in t for t in texts):
        return None
    return texts, names


def render_template(source: str, doc: dict[str, Any], task: str, columns: list[str] | None = None) -> str:
    """Render ``source`` with the doc's fields as variables (and ``doc`` itself)."""
    simple = _simple_fields(source)
    if simple is not None:
        texts, names = simple  # fast path, same output as Jinja for plain placeholders
        out = [texts[0]]
        try:
            for name, text in zip(names, texts[1:]):
                out.append(str(doc[name]))
                out.append(text)
            return "".join(out)
        except KeyError:
            pass  # let Jinja report the missing column
    import jinja2

    try:
        return str(compile_template(source).render(**doc, doc=doc))
    except jinja2.UndefinedError as exc:
        cols = ", ".join(columns or sorted(doc))
        raise DataError(
            f"Task '{task}': the template {source!r} uses a missing column ({exc.message}). "
            f"Columns that exist: {cols}"
        ) from exc


def render_value(source: str, doc: dict[str, Any], task: str, columns: list[str] | None = None) -> Any:
    """Like render_template, but ``{{ field }}`` alone returns the raw value (lists stay lists)."""
    match = _SINGLE_VAR.match(source)
    if match:
        value: Any = doc
        for part in match.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                cols = ", ".join(columns or sorted(doc))
                raise DataError(
                    f"Task '{task}': column '{match.group(1)}' does not exist. Columns that exist: {cols}"
                )
            value = value[part]
        return value
    return render_template(source, doc, task, columns)


def _ref_from_value(value: Any, media_root: Path | None, what: str) -> MediaRef:
    from lmms_eval.media.hashing import with_sha256

    if isinstance(value, dict):  # Hugging Face Image/Audio feature with decode=False
        if value.get("bytes"):
            return with_sha256(MediaRef(data=value["bytes"]))
        value = value.get("path")
    if isinstance(value, (bytes, bytearray)):
        return with_sha256(MediaRef(data=bytes(value)))
    if not isinstance(value, str) or not value:
        raise DataError(f"{what}: expected a media path, URL or bytes, got {type(value).__name__}")
    if value.startswith(("http://", "https://")):
        return with_sha256(MediaRef(url=value))
    path = Path(value)
    if not path.is_absolute() and media_root is not None:
        path = media_root / path
    return MediaRef(path=str(path))


def _text_part(text: str) -> TextPart:
    return TextPart(text=text)


def _message(role: Literal["system", "user", "assistant"], content: list[Part]) -> Message:
    return Message(role=role, content=content)


class PromptRenderer:
    """Turns docs into messages for one task; media paths resolve against ``media_root``."""

    def __init__(self, spec: PromptSpec, task: str, media_root: Path | None, columns: list[str]) -> None:
        self.spec, self.task, self.media_root, self.columns = spec, task, media_root, columns

    def messages(
        self, doc: dict[str, Any], shots: list[tuple[dict[str, Any], str]] | None = None
    ) -> list[Message]:
        out: list[Message] = []
        if self.spec.system:
            out.append(_message("system", [_text_part(self._text(self.spec.system, doc))]))
        for shot_doc, shot_target in shots or []:
            out.append(_message("user", self.parts(shot_doc)))
            out.append(_message("assistant", [_text_part(shot_target)]))
        out.append(_message("user", self.parts(doc)))
        return out

    def _text(self, source: str, doc: dict[str, Any]) -> str:
        return render_template(source, doc, self.task, self.columns)

    def parts(self, doc: dict[str, Any]) -> list[Part]:
        parts: list[Part] = []
        for spec in self.spec.user:
            if spec.text is not None:
                text = self._text(spec.text, doc)
                if text:
                    parts.append(_text_part(text))
            else:
                parts.extend(self._media_parts(spec, doc))
        return parts

    def _media_values(self, media: MediaSpec, doc: dict[str, Any]) -> Any:
        if media.path is not None:
            return self._text(media.path, doc)
        assert media.field is not None
        if media.field not in doc:
            raise DataError(
                f"Task '{self.task}': media column '{media.field}' does not exist. "
                f"Columns that exist: {', '.join(self.columns or sorted(doc))}"
            )
        return doc[media.field]

    def _media_parts(self, spec: PartSpec, doc: dict[str, Any]) -> list[Part]:
        kind = spec.kind
        media: MediaSpec = getattr(spec, kind)
        value = self._media_values(media, doc)
        values = value if kind == "images" else [value]
        if kind == "images" and not isinstance(values, list):
            raise DataError(
                f"Task '{self.task}': 'images' expects a list column, '{media.field}' is not a list"
            )
        what = f"Task '{self.task}', {kind} '{media.field or media.path}'"
        parts: list[Part] = []
        for item in values:
            ref = _ref_from_value(item, self.media_root, what)
            if kind in ("image", "images"):
                parts.append(ImagePart(ref=ref, max_pixels=media.max_pixels, min_pixels=media.min_pixels))
            elif kind == "video":
                parts.append(
                    VideoPart(
                        ref=ref, num_frames=media.num_frames, fps=media.fps, max_pixels=media.max_pixels
                    )
                )
            else:
                parts.append(AudioPart(ref=ref, sampling_rate=media.sampling_rate))
        return parts
