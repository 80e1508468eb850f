"""What the SDK backends (``openai``, ``anthropic``, ``gemini``) share: importing an optional SDK, finding
the key, naming a connection error's cause."""

from __future__ import annotations

import importlib
from types import ModuleType
from urllib.parse import urlsplit

from lmms_eval.core.errors import ConfigError
from lmms_eval.models.api.runner import APIModel

#: seconds the SDK's own timeout is given beyond ``timeout``, so the runner's per-attempt timeout decides
SDK_TIMEOUT_MARGIN_S = 5.0
#: the key sent to a local server when none is configured (local servers ignore it; SDKs need one)
PLACEHOLDER_KEY = "EMPTY"


def import_sdk(module: str, extra: str) -> ModuleType:
    """Import an optional SDK, or a ConfigError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"The '{extra}' backend needs the '{module}' package ({exc}). Install it with: "
            f"pip install 'lmms_eval[{extra}]'"
        ) from None


def is_local_url(url: str | None) -> bool:
    """Whether ``url`` points at this machine (127.0.0.1, localhost, ::1)."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def resolve_api_key(model: APIModel, base_url: str | None, backend: str) -> str:
    """The API key for ``model`` (never logged or stored in args): from ``api_key`` or ``api_key_env``; a
    placeholder for a local server; else a ConfigError naming the environment variable."""
    key = model.api_key()
    if key:
        return key
    if is_local_url(base_url):
        return PLACEHOLDER_KEY
    env = model.api_args.api_key_env
    raise ConfigError(
        f"No API key for the '{backend}' backend: set the {env} environment variable "
        f"(or pass api_key=... / api_key_env=NAME in --model_args)"
    )


def connection_cause(exc: BaseException) -> str:
    """The underlying error of an SDK's connection error ("ConnectError: ..."), else the error itself."""
    inner = exc.__cause__ or exc.__context__
    if inner is not None:
        return f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__
    return f"{type(exc).__name__}: {exc}"
