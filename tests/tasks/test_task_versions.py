"""Changing what a task scores bumps its version: the catalog must match lmms_eval/tasks/catalog/versions.lock.json,
and a changed prompt or scorer without a new version is caught."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lmms_eval.tasks.spec import TaskSpec
from lmms_eval.tasks.versions import LockedTask, VersionLock, check, task_digest
from lmms_eval.tasks.yaml_loader import parse_spec

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from lock_task_versions import catalog_specs  # noqa: E402

TASK = """task: toy
version: 1
description: "{description}"
dataset:
  local: {{path: ./toy.jsonl}}
doc_id: qid
prompt:
  user:
    - text: "{prompt}"
target: "{{{{ answer }}}}"
extractor: {extractor}
metrics:
  - {{name: exact_match}}
"""


def _spec(
    tmp_path: Path, prompt: str = "Q: {{ question }}", extractor: str = "identity", description: str = "a"
) -> TaskSpec:
    path = tmp_path / "toy.yaml"
    path.write_text(TASK.format(prompt=prompt, extractor=extractor, description=description))
    spec = parse_spec(path)
    assert isinstance(spec, TaskSpec)
    return spec


def test_the_catalog_matches_the_version_lock() -> None:
    from lmms_eval.tasks.versions import read_lock

    problems = check(catalog_specs(), read_lock())
    assert not problems, "\n".join(problems)


def test_prompt_and_scorer_changes_move_the_digest_and_descriptions_do_not(tmp_path: Path) -> None:
    base = task_digest(_spec(tmp_path))
    assert task_digest(_spec(tmp_path, description="another description")) == base
    assert task_digest(_spec(tmp_path, prompt="Question: {{ question }}")) != base
    assert task_digest(_spec(tmp_path, extractor="number")) != base


def test_a_changed_task_without_a_new_version_is_reported(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    lock = VersionLock(tasks={"toy": LockedTask(version="1", digest=task_digest(spec))})
    assert check({"toy": spec}, lock) == []
    changed = _spec(tmp_path, prompt="Question: {{ question }}")
    problems = check({"toy": changed}, lock)
    assert len(problems) == 1 and "bump `version:`" in problems[0] and problems[0].startswith("toy:")
    assert check({}, lock) == [
        "toy: in the lock but no longer in the catalog: run `python scripts/lock_task_versions.py`"
    ]


@pytest.mark.parametrize("module", ["lmms_eval.scoring.pope", "lmms_eval.scoring.metrics"])
def test_scorer_code_counts_but_its_docstrings_do_not(module: str) -> None:
    from lmms_eval.tasks import versions

    code = versions._module_code(module)
    assert code and '"""' not in code
    source = Path(__import__(module, fromlist=["x"]).__file__ or "").read_text()
    first_doc_line = source.split('"""')[1].strip().splitlines()[0]
    assert first_doc_line not in code  # the module docstring is not part of the digest


def test_a_scorer_helper_in_another_scoring_module_counts() -> None:
    """muirbench parses answers with mmmu's parser: a change there changes muirbench's scores and digest."""
    from lmms_eval.tasks import versions

    assert "lmms_eval.scoring.mmmu" in versions._with_imports({"lmms_eval.scoring.muirbench"})
    assert "lmms_eval.scoring.grounding" in versions._with_imports({"lmms_eval.scoring.click_point"})


def test_a_lock_from_an_older_digest_schema_is_reported_once() -> None:
    problems = check({}, VersionLock(schema_version=1, tasks={"x": LockedTask(version="1", digest="0")}))
    assert len(problems) == 1 and "digest schema 1" in problems[0]
