"""What the peer-comparison benchmarks share: the peer's (lmms-eval 0.7.3) text task YAML and an offline
environment for child processes. Import from a benchmark script run as ``python benchmarks/NAME.py``."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: the peer's venv: $PEER_VENV, else ``.peer/venv`` in the repository (created by benchmarks/peer_setup.sh)
PEER_VENV = Path(os.environ.get("PEER_VENV", REPO / ".peer" / "venv"))
PEER_BIN = PEER_VENV / "bin" / "lmms-eval"


def write_peer_text_task(
    folder: Path, task: str, data: Path, max_new_tokens: int, until: str | None = None
) -> Path:
    """A peer text task over a JSON-lines file with ``question``/``answer`` columns, scored by exact_match.

    lmms-eval 0.7.3 sends ``dataset_path: json`` + ``dataset_kwargs.data_files`` straight to
    ``datasets.load_dataset("json", data_files=...)``; the split key must match ``test_split``. Returns the
    folder to pass as ``--include_path``."""
    folder.mkdir(parents=True, exist_ok=True)
    stop = f'\n  until: ["{until}"]' if until is not None else ""
    (folder / f"{task}.yaml").write_text(
        f"""task: {task}
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_visual: !function utils.doc_to_visual
doc_to_text: "{{{{question}}}}"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  max_new_tokens: {max_new_tokens}{stop}
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
metadata:
  version: 0.0
""",
        encoding="utf-8",
    )
    (folder / "utils.py").write_text("def doc_to_visual(doc):\n    return []\n", encoding="utf-8")
    return folder


def offline_env(hf_home: Path, **extra: str) -> dict[str, str]:
    """This process's environment with every hub offline, telemetry off and ``HF_HOME`` set; no PYTHONPATH."""
    env = dict(os.environ)
    env.update(
        HF_HOME=str(hf_home),
        HF_HUB_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        WANDB_MODE="disabled",
        TOKENIZERS_PARALLELISM="false",
        PYTHONWARNINGS="ignore",
        **extra,
    )
    env.pop("PYTHONPATH", None)
    return env
