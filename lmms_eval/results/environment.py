"""What machine and software produced a run (no heavy imports: versions come from package metadata)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from lmms_eval import __version__
from lmms_eval.results.schema import Environment

_PACKAGES = (
    "torch",
    "transformers",
    "datasets",
    "numpy",
    "pydantic",
    "pillow",
    "av",
    "soundfile",
    "accelerate",
    "vllm",
    "sglang",
    "openai",
    "anthropic",
    "google-genai",
)


def package_versions() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit(path: Path | None = None) -> str | None:
    where = path or Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def gpus() -> list[str]:
    """GPU names, only if torch is already imported (never imported just for this)."""
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_available():
            return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except Exception:
        return []
    return []


def collect_environment() -> Environment:
    return Environment(
        lmms_eval_version=__version__,
        python=sys.version.split()[0],
        platform=platform.platform(),
        machine=platform.machine(),
        cpu_count=os.cpu_count(),
        packages=package_versions(),
        git_commit=git_commit(),
        gpus=gpus(),
    )
