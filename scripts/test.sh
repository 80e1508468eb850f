#!/usr/bin/env bash
# The project's checks: lint (ruff), types (mypy), then the test suite (pytest). Any failure fails the script,
# including pytest's exit code 5 (no tests collected).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check lmms_eval tests benchmarks scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
