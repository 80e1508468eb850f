"""User-facing errors: each says what is wrong, where (file, field, task) and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class LmmsEvalError(Exception):
    """An error the user can fix; the CLI prints its message without a traceback and exits non-zero."""


class ConfigError(LmmsEvalError):
    """A task YAML, a model argument or a CLI flag is invalid."""


class UnknownNameError(LmmsEvalError):
    """A name (task, model, metric, ...) that is not registered; the message suggests the closest ones."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        self.kind, self.name = kind, name
        self.suggestions = closest(name, known)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown {kind} '{name}'.{hint}")


class DataError(LmmsEvalError):
    """A dataset cannot be read or lacks a column the task needs."""


class RunFailedError(LmmsEvalError):
    """The evaluation ran but did not succeed (too many errors, nothing to score); results were written."""

    def __init__(self, message: str, outcome: object = None) -> None:
        super().__init__(message)
        self.outcome = outcome


def closest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The registered names nearest to ``name``, best first (substring matches before fuzzy ones)."""
    known = sorted(set(known))
    subs = [k for k in known if name and name.lower() in k.lower()]
    fuzzy = difflib.get_close_matches(name, known, n=n, cutoff=0.6)
    out: list[str] = []
    for k in fuzzy + subs:
        if k not in out:
            out.append(k)
    return out[:n]
