#!/usr/bin/env bash
# Create the PEER venv: PyPI lmms-eval==0.7.3 at $PEER_VENV (default: .peer/venv in the repository, git-ignored).
# Never install lmms-eval 0.7.3 into the project's .venv: it shares the import name `lmms_eval`.
# Idempotent: does nothing if the venv already imports lmms_eval 0.7.3 with a CPU torch.
#
# Note: every python check runs with -I from / so that the repo's own ./lmms_eval package
# (cwd on sys.path) can never shadow the peer's installed one.
set -euo pipefail

PEER_VENV="${PEER_VENV:-$(cd "$(dirname "$0")/.." && pwd)/.peer/venv}"
PY="$PEER_VENV/bin/python"

check() {
    (cd / && "$PY" -I - <<'PYEOF'
import importlib.metadata as m, sys
import lmms_eval, torch
ok = (m.version("lmms-eval") == "0.7.3" and "site-packages" in lmms_eval.__file__
      and torch.version.cuda is None)
print(f"peer lmms-eval {m.version('lmms-eval')} from {lmms_eval.__file__}; "
      f"torch {torch.__version__} (cuda={torch.version.cuda}); filelock {m.version('filelock')}")
sys.exit(0 if ok else 1)
PYEOF
    )
}

if [ -x "$PY" ] && check 2>/dev/null; then
    echo "peer venv already set up at $PEER_VENV"
    exit 0
fi

rm -rf "$PEER_VENV"
mkdir -p "$(dirname "$PEER_VENV")"
python3 -m venv "$PEER_VENV"
cd /
"$PY" -m pip install -q --upgrade pip
# 1) torch FIRST: the local CPU wheel (torch 2.13.0+cpu).
"$PY" -m pip install -q "torch==2.13.0"
# 2) the peer itself. torch==2.13.0 is repeated here ON PURPOSE: lmms-eval requires
#    torchvision>=0.16, whose newest release pins torch==2.14.1, so without the pin pip
#    "upgrades" to torch 2.14.1+cu130 and ~5 GB of nvidia-* wheels.
"$PY" -m pip install -q "lmms-eval==0.7.3" "torch==2.13.0"
# 3) torchvision's wheel needs a CUDA torch: remove it.
"$PY" -m pip uninstall -y -q torchvision || true
# 4) filelock 4 breaks a monkeypatch on the first evaluation.
"$PY" -m pip install -q "filelock<4"

check
