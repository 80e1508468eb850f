"""Model backends. Each turns a batch of Requests into Responses and knows nothing of tasks.

Names map lazily to classes, so listing models imports no backend (and no torch).
"""

from __future__ import annotations

from typing import Any

from lmms_eval.core.registry import Registry

MODELS: Registry[Any] = Registry("models")
MODELS.add_lazy("dummy", "lmms_eval.models.dummy:DummyModel")
MODELS.add_lazy("replay", "lmms_eval.models.replay:ReplayModel")
