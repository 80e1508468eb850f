"""docs/tasks.md is generated from the task files by scripts/gen_tasks_doc.py and must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from conftest import REPO


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_tasks_doc", REPO / "scripts" / "gen_tasks_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_tasks_md_is_up_to_date() -> None:
    gen = _generator()
    current = (REPO / "docs" / "tasks.md").read_text(encoding="utf-8")
    assert current == gen.render(), f"docs/tasks.md is out of date: run `{gen.COMMAND}` and commit the result"


def test_every_catalog_task_has_a_row_and_real_data_tasks_exist() -> None:
    gen = _generator()
    from lmms_eval.tasks.index import TaskIndex

    index = TaskIndex.build([], None)
    catalog = [e for e in index.entries if e.kind == "task" and Path(e.path).is_relative_to(gen.CATALOG_DIR)]
    text = gen.render()
    for entry in catalog:
        assert f"| `{entry.name}` |" in text
    assert set(gen.REAL_DATA) <= {e.name for e in catalog}, "REAL_DATA names a task the catalog lacks"


def test_checked_on_reads_the_fixture_tests() -> None:
    gen = _generator()
    fixtures = {"tests/catalog/test_x_fixture.py": 'run(tmp_path, "pope_adv", root)'}
    assert gen.checked_on("pope_adv", fixtures) == "fixture (`test_x_fixture.py`)"
    assert gen.checked_on("pope", fixtures) == "structure only"  # a quoted name, not a prefix of one
    assert gen.checked_on("nlvr_dev", fixtures) == "real data"


def test_a_task_run_through_its_group_counts_as_fixture_checked() -> None:
    gen = _generator()
    fixtures = {"tests/catalog/test_g_fixture.py": 'main(["run", "--tasks", "outer"])'}
    groups_of = {"leaf": ["inner", "outer"], "other": ["inner"]}
    assert gen.checked_on("leaf", fixtures, groups_of) == "fixture (group `outer`: `test_g_fixture.py`)"
    assert gen.checked_on("other", fixtures, groups_of) == "structure only"
