"""``lmms-eval models``: the registered backends (listed without importing them)."""

from __future__ import annotations

from lmms_eval.models import MODELS


def run_models() -> int:
    for name in MODELS.names():
        print(f"{name:20s} {MODELS.target(name) or ''}")
    return 0
