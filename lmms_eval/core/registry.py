"""One registry mechanism for models, extractors, metrics, aggregations and task folders.

Entries are lazy: ``name -> "package.module:attr"`` strings resolved on first use, so listing names never
imports an implementation. Plugins add entries through Python entry points in the group
``lmms_eval.<kind>`` (e.g. ``lmms_eval.models``), each entry point's value being ``module:attr``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from lmms_eval.core.errors import ConfigError, UnknownNameError

T = TypeVar("T")


def import_dotted(path: str, what: str = "object") -> Any:
    """Import ``package.module:attr`` (or ``package.module.attr``); errors name the path."""
    module_name, sep, attr = path.partition(":")
    if not sep:
        module_name, _, attr = path.rpartition(".")
    if not module_name or not attr:
        raise ConfigError(f"Invalid dotted path for {what}: '{path}' (expected 'package.module:name').")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"Cannot import module '{module_name}' for {what} '{path}': {exc}") from exc
    try:
        obj: Any = module
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj
    except AttributeError as exc:
        raise ConfigError(f"Module '{module_name}' has no attribute '{attr}' (for {what} '{path}').") from exc


_ENTRY_POINTS: Any = None


def _plugin_entry_points(group: str) -> list[tuple[str, str]]:
    """``(name, module:attr)`` of the installed entry points in ``group``. The installed distributions are
    scanned once per process; each ``entry_points(group=...)`` call would scan them all again."""
    global _ENTRY_POINTS
    if _ENTRY_POINTS is None:
        from importlib.metadata import entry_points

        _ENTRY_POINTS = entry_points()
    return [(ep.name, ep.value) for ep in _ENTRY_POINTS.select(group=group)]


class Registry(Generic[T]):
    """A lazy name -> object registry of one kind (``models``, ``metrics``, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._lazy: dict[str, str] = {}
        self._loaded: dict[str, T] = {}
        self._entry_points_read = False

    def add_lazy(self, name: str, target: str) -> None:
        self._lazy[name] = target

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: register an object under ``name`` (for code that is already imported)."""

        def deco(obj: T) -> T:
            self._loaded[name] = obj
            return obj

        return deco

    def _read_entry_points(self) -> None:
        if self._entry_points_read:
            return
        self._entry_points_read = True
        for ep_name, value in _plugin_entry_points(f"lmms_eval.{self.kind}"):
            self._lazy.setdefault(ep_name, value)

    def names(self) -> list[str]:
        self._read_entry_points()
        return sorted(set(self._lazy) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def target(self, name: str) -> str | None:
        """The ``module:attr`` an entry points to, without importing it."""
        self._read_entry_points()
        return self._lazy.get(name)

    def get(self, name: str) -> T:
        if name in self._loaded:
            return self._loaded[name]
        if name not in self._lazy:  # built-ins first: plugins are only looked up for names we lack
            self._read_entry_points()
        if name not in self._lazy:
            raise UnknownNameError(self.kind.rstrip("s"), name, self.names())
        obj: T = import_dotted(self._lazy[name], f"{self.kind} entry")
        self._loaded[name] = obj
        return obj
