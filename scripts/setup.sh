#!/usr/bin/env bash
# Set up lmms-eval on a fresh machine: a virtual environment in .venv with the package and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev,hf]"
echo "lmms-eval installed in $(pwd)/.venv ($(.venv/bin/lmms-eval --version))"
