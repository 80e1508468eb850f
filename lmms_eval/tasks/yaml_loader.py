"""Read task YAML with line numbers, resolve ``include:`` templates, and validate into TaskSpec/GroupSpec.

Validation errors become one readable message: file, line, the field path, what is wrong, and for an
unknown key the closest valid key.
"""

from __future__ import annotations

import copy
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from lmms_eval.core.errors import ConfigError, closest
from lmms_eval.core.types import GenerationConfig
from lmms_eval.tasks.spec import GroupSpec, TaskSpec


class LineDict(dict[str, Any]):
    """A mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: libyaml's loader when PyYAML was built with it: ~10x faster, no line numbers (the task index parses every
#: task file with it; a file that fails validation is parsed again with line numbers for the message)
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: fast parses by (path, mtime, size): a template included by many task files is parsed once per process
_FAST_PARSES: dict[tuple[str, int, int], Any] = {}


def read_yaml(path: Path, lines: bool = True) -> Any:
    """Parse one YAML file (``lines``: mappings remember the line of each key); a syntax error names the
    file and line. Fast parses (``lines=False``) are cached per file version and handed out as copies."""
    if not lines:
        try:
            stat = path.stat()
        except OSError as exc:
            raise ConfigError(f"Cannot read task file {path}: {exc}") from exc
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        if key not in _FAST_PARSES:
            _FAST_PARSES[key] = _parse(path, lines)
        return copy.deepcopy(_FAST_PARSES[key])
    return _parse(path, lines)


def _parse(path: Path, lines: bool) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read task file {path}: {exc}") from exc
    try:
        return yaml.load(text, Loader=_LineLoader if lines else _FAST_LOADER)  # noqa: S506 - safe loaders
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: malformed YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: malformed YAML: {exc}") from exc


def _merge(base: Any, child: Any) -> Any:
    if isinstance(base, dict) and isinstance(child, dict):
        out = LineDict({**base})
        out.line = getattr(child, "line", 0)
        out.key_lines = {**getattr(base, "key_lines", {}), **getattr(child, "key_lines", {})}
        for key, value in child.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return child


def load_raw(path: Path, _seen: tuple[Path, ...] = (), lines: bool = True) -> LineDict:
    """The YAML mapping of ``path`` with its ``include:`` chain merged in (the file's own keys win)."""
    path = path.resolve()
    if path in _seen:
        chain = " -> ".join(str(p) for p in (*_seen, path))
        raise ConfigError(f"include cycle: {chain}")
    data = read_yaml(path, lines)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a task file must be a YAML mapping, got {type(data).__name__}")
    include = data.pop("include", None)
    if include is None:
        return data  # type: ignore[return-value]
    merged: Any = LineDict()
    merged.key_lines = {}
    for item in include if isinstance(include, list) else [include]:
        merged = _merge(merged, load_raw(path.parent / str(item), (*_seen, path), lines))
    result: LineDict = _merge(merged, data)
    return result


def _line_of(data: Any, loc: tuple[Any, ...]) -> int:
    line = getattr(data, "line", 1) or 1
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = getattr(node, "key_lines", {}).get(str(part), line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if origin in (typing.Union, types.UnionType, list, dict) or origin is not None:
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


# fields typed as free dicts in the schema but validated against a model (for "did you mean")
_DICT_FIELDS: dict[str, type[BaseModel]] = {"generation": GenerationConfig}


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The valid field names of the model found by walking ``loc`` from ``model``."""
    candidates = [model]
    for part in loc:
        if not isinstance(part, str):
            continue
        nxt: list[type[BaseModel]] = []
        for cand in candidates:
            field = cand.model_fields.get(part)
            if field is not None:
                nxt.extend(_models_in(field.annotation))
        if not nxt and part in _DICT_FIELDS:
            nxt = [_DICT_FIELDS[part]]
        if not nxt:
            return []
        candidates = nxt
    return sorted({name for cand in candidates for name in cand.model_fields})


def format_validation_error(path: Path, data: Any, model: type[BaseModel], exc: ValidationError) -> str:
    lines = [f"Invalid task file {path}:"]
    for err in exc.errors():
        loc = tuple(err["loc"])
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
        dotted = ".".join(str(p) for p in loc) or "<top>"
        line = _line_of(data, loc)
        if err["type"] == "extra_forbidden":
            valid = _fields_at(model, loc[:-1])
            hint = closest(str(loc[-1]), valid, n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            listing = f" (valid keys: {', '.join(valid)})" if valid else ""
            lines.append(f"  {path}:{line}: unknown key '{dotted}'{suggestion}{listing}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"  {path}:{line}: {dotted}: {msg}")
    return "\n".join(lines)


def parse_spec(path: Path) -> TaskSpec | GroupSpec:
    """Load, merge includes and validate one task or group file (parsed fast; parsed again with line
    numbers only to report a validation error)."""
    data = load_raw(path, lines=False)
    model: type[TaskSpec] | type[GroupSpec]
    if "group" in data and "task" not in data:
        model = GroupSpec
    elif "task" in data:
        model = TaskSpec
    else:
        raise ConfigError(f"{path}:1: a task file needs a 'task:' (or 'group:') key")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        with_lines = load_raw(path)
        raise ConfigError(format_validation_error(path, with_lines, model, exc)) from None
