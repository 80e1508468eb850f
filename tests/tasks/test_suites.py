"""Named suites (``--tasks suite:NAME``, ``lmms-eval tasks --suites``) and a suite's ``subset`` (the ``lite``
suite): resolution, errors, the subset's determinism, stratification and budget, the results record, and runs
end to end through the ``dummy`` model over the bundled sample data."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lmms_eval.cli.main import main
from lmms_eval.core.errors import ConfigError
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.evaluator import load_tasks
from lmms_eval.engine.subset import allocate, budget, subset_positions
from lmms_eval.results.schema import Results
from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import TaskIndex
from lmms_eval.tasks.suite import SUITES_DIR
from lmms_eval.tasks.suite_spec import SubsetSpec

REPO = Path(__file__).resolve().parents[2]

#: suite entries whose tasks are still being added to the catalog ({suite: {task, ...}}): none at present; an
#: entry here lets a suite name a task before it lands, and the test proves the rest resolve
PENDING: dict[str, set[str]] = {}

LITE = SubsetSpec(fraction=0.1, seed=0)


def _index(*include: Path) -> TaskIndex:
    return TaskIndex.build([str(p) for p in include], resolve_data_root(None))


def _suite_file(folder: Path, text: str, name: str = "mini.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder


MINI = """suite: mini
description: "Test suite: two local tasks on a tenth of their docs."
tasks: [nlvr_dev, fsdd_digits]
subset: {fraction: 0.1, seed: 0, stratify: auto}
"""


# ------------------------------------------------------------------------------------------ the catalog


def test_every_catalog_suite_parses_and_names_existing_tasks() -> None:
    index = _index()
    files = sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))
    assert sorted(index.suites) == files
    assert {
        "lite",
        "documents",
        "hallucination",
        "math",
        "video-long",
        "asr",
        "medical",
        "education",
        "driving",
    } <= set(index.suites)
    for name, entry in index.suites.items():
        missing = set(index.missing_members(name))
        assert missing <= PENDING.get(name, set()), (
            f"suite {name}: unknown tasks {missing - PENDING.get(name, set())}"
        )
        assert len(entry.description) > 40, f"suite {name}: say what it measures"
        if not missing:
            assert index.suite_tasks(name)


def test_every_suite_is_documented_with_its_tasks() -> None:
    doc = (REPO / "docs" / "suites.md").read_text()
    index = _index()
    for name, entry in index.suites.items():
        section = re.search(rf"^## `suite:{re.escape(name)}`\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
        assert section, f"docs/suites.md has no section for suite:{name}"
        for task in entry.tasks:
            assert f"`{task}`" in section.group(1), f"docs/suites.md: suite:{name} does not list {task}"


def test_lite_resolves_with_stratified_subsets_under_ten_percent() -> None:
    index = _index()
    tasks, groups = load_tasks(RunConfig(tasks=["suite:lite"]), resolve_data_root(None))
    assert 15 <= len(tasks) <= 20 and groups == {}
    sizes = {}
    for task in tasks:
        assert task.subset is not None and task.subset.suite == "lite"
        assert task.subset.spec == LITE
        assert task.subset.column == (task.spec.breakdown[0] if task.spec.breakdown else None)
        assert task.subset.cluster == task.spec.cluster_key
        assert task.spec.num_docs, f"{task.name}: lite needs num_docs to bound its size"
        sizes[task.name] = task.spec.num_docs
        assert index.get(task.name).size == task.spec.num_docs
    kept = {name: budget(n, LITE.fraction) for name, n in sizes.items()}
    assert all(kept[t] <= 0.1 * sizes[t] for t in sizes)  # never more than the budget: see test_budget_*
    assert sum(kept.values()) < 0.1 * sum(sizes.values())
    assert any(t.subset is not None and t.subset.cluster for t in tasks)  # MME, POPE, DocVQA keep clusters


# ------------------------------------------------------------------------------------------ resolution


def test_suites_mix_with_tasks_and_expand_in_order(tmp_path: Path) -> None:
    folder = _suite_file(tmp_path / "inc", MINI)
    index = _index(folder)
    assert index.expand(["suite:mini", "mathvision_testmini"]) == [
        "nlvr_dev",
        "fsdd_digits",
        "mathvision_testmini",
    ]
    assert "mini" not in index.by_name and "mini" not in index.tags()


def test_unknown_suite_names_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match=r"Unknown suite 'lte'.*Did you mean: lite"):
        _index().expand(["suite:lte"])
    assert main(["--tasks", "suite:documnets", "--model", "dummy"]) == 2
    assert "Did you mean: documents" in capsys.readouterr().err


def test_a_suite_naming_an_unknown_task_names_its_file(tmp_path: Path) -> None:
    folder = _suite_file(tmp_path / "inc", "suite: broken\ndescription: x\ntasks: [nlvr_dev, nlvr_devv]\n")
    index = _index(folder)
    assert index.missing_members("broken") == ["nlvr_devv"]
    with pytest.raises(ConfigError, match=r"Suite 'broken' \(.*mini.yaml\).*'nlvr_devv'.*nlvr_dev"):
        index.expand(["suite:broken"])


def test_an_invalid_suite_file_is_reported(tmp_path: Path) -> None:
    folder = _suite_file(
        tmp_path / "inc", "suite: bad\ndescription: x\ntasks: [nlvr_dev]\nsubset: {fraction: 2}\n"
    )
    index = _index(folder)
    with pytest.raises(ConfigError, match="fraction"):
        index.suite("bad")


def test_a_task_in_full_and_in_a_subset_suite_is_refused(tmp_path: Path) -> None:
    folder = _suite_file(tmp_path / "inc", MINI)
    config = RunConfig(tasks=["suite:mini", "nlvr_dev"], include_path=[str(folder)])
    with pytest.raises(ConfigError, match="'nlvr_dev' is asked in full"):
        load_tasks(config, resolve_data_root(None))


def test_a_suite_without_subset_reports_its_groups(tmp_path: Path) -> None:
    folder = _suite_file(tmp_path / "inc", "suite: vids\ndescription: x\ntasks: [synthetic_video_qa]\n")
    tasks, groups = load_tasks(
        RunConfig(tasks=["suite:vids"], include_path=[str(folder)]), resolve_data_root(None)
    )
    assert list(groups) == ["synthetic_video_qa"] and len(tasks) == 3
    assert all(t.subset is None for t in tasks)


# ------------------------------------------------------------------------------------------ the subset


def test_budget_is_at_most_the_fraction_and_at_least_one() -> None:
    for n in [1, 5, 9, 10, 11, 99, 100, 2374, 9000]:
        assert 1 <= budget(n, 0.1) <= max(1, 0.1 * n)
    assert budget(0, 0.1) == 0 and budget(2374, 0.1) == 237


def test_allocation_keeps_each_stratum_share_and_tiny_strata() -> None:
    sizes = {"a": 500, "b": 300, "c": 195, "d": 5}
    quota = allocate(sizes, 100, min_per_stratum=1)
    assert sum(quota.values()) == 100
    assert quota["d"] == 1  # proportionally 0.5: the floor keeps it
    for s, n in sizes.items():
        assert abs(quota[s] - n * 100 / 1000) <= 1
    assert allocate({"a": 3, "b": 2, "c": 1}, 2, min_per_stratum=1) == {
        "a": 1,
        "b": 1,
        "c": 0,
    }  # floors fit the budget
    rng = random.Random(7)
    for _ in range(200):
        sizes = {f"s{i}": rng.randint(1, 300) for i in range(rng.randint(1, 12))}
        total = budget(sum(sizes.values()), 0.1)
        quota = allocate(sizes, total, min_per_stratum=1)
        assert sum(quota.values()) == total and all(0 <= quota[s] <= sizes[s] for s in sizes)


def _docs(n: int, strata: int) -> tuple[list[str], list[str]]:
    ids = [f"doc{i}" for i in range(n)]
    return ids, [f"s{i % strata}" if i % 97 else "rare" for i in range(n)]


def test_subset_is_deterministic_and_independent_of_row_order() -> None:
    ids, strata = _docs(1000, 4)
    first = subset_positions(ids, strata, "toy", LITE)
    assert first == subset_positions(ids, strata, "toy", LITE)
    order = list(range(1000))
    random.Random(3).shuffle(order)
    shuffled = subset_positions([ids[i] for i in order], [strata[i] for i in order], "toy", LITE)
    assert {ids[order[p]] for p in shuffled} == {ids[p] for p in first}
    other_seed = subset_positions(ids, strata, "toy", SubsetSpec(fraction=0.1, seed=1))
    other_task = subset_positions(ids, strata, "toy2", LITE)
    assert set(other_seed) != set(first) and set(other_task) != set(first)
    assert first == sorted(first)  # the kept docs run in their original order


def test_subset_is_stratified_within_budget() -> None:
    ids, strata = _docs(1000, 4)
    kept = subset_positions(ids, strata, "toy", LITE)
    assert len(kept) == 100
    full, sub = Counter(strata), Counter(strata[p] for p in kept)
    assert set(sub) == set(full)  # "rare" (11 docs) is kept too
    for s, n in full.items():
        assert abs(sub[s] - n / 10) <= 1


def test_clusters_are_kept_whole_and_within_budget() -> None:
    ids = [f"q{i}" for i in range(600)]
    units = [f"img{i // 2}" for i in range(600)]  # MME-like: two questions per image
    strata = [f"c{(i // 2) % 3}" for i in range(600)]
    kept = subset_positions(ids, strata, "toy", LITE, units)
    assert 0 < len(kept) <= budget(600, 0.1)
    per_unit = Counter(units[p] for p in kept)
    assert set(per_unit.values()) == {2}
    uneven = [f"page{min(i // 7, 40)}" for i in range(600)]  # one huge cluster
    kept = subset_positions(ids, [""] * 600, "toy", LITE, uneven)
    assert len(kept) <= 60 and all(uneven[p] != "page40" for p in kept)


# ------------------------------------------------------------------------------------------ end to end


def _run(tmp_path: Path, folder: Path, tasks: str, out: str = "out") -> tuple[dict[str, Any], Path]:
    rc = main(
        [
            "--model",
            "dummy",
            "--tasks",
            tasks,
            "--include_path",
            str(folder),
            "--output_path",
            str(tmp_path / out),
        ]
    )
    assert rc == 0
    (results,) = (tmp_path / out).glob("dummy/*/results.json")
    return json.loads(results.read_text()), results.parent


def test_suite_runs_end_to_end_and_results_record_the_subset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _suite_file(tmp_path / "inc", MINI)
    data, run_dir = _run(tmp_path, folder, "suite:mini,mathvision_testmini")
    Results.model_validate(data)
    res = data["results"]
    assert data["config"]["tasks"] == ["suite:mini", "mathvision_testmini"]
    assert res["mathvision_testmini"]["subset"] is None and res["mathvision_testmini"]["n_docs"] == 60
    assert res["nlvr_dev"]["subset"] == {
        "suite": "mini", "fraction": 0.1, "seed": 0, "stratify": None, "min_per_stratum": 1,
        "n_full": 100, "n_selected": 10,
    }  # fmt: skip
    fsdd = res["fsdd_digits"]
    assert fsdd["subset"]["stratify"] == "speaker" and fsdd["n_docs"] == 12 == fsdd["subset"]["n_selected"]
    speakers = Counter(d.split("_")[1] for d in _doc_ids(run_dir, "fsdd_digits"))
    assert len(speakers) == 6 and set(speakers.values()) == {2}  # 120 docs, 6 speakers of 20: 2 each
    table = capsys.readouterr().out
    assert "fsdd_digits [mini: 12/120 docs]" in table and "| mathvision_testmini " in table
    _, again = _run(tmp_path, folder, "suite:mini", out="again")
    assert _doc_ids(again, "nlvr_dev") == _doc_ids(run_dir, "nlvr_dev")


def _doc_ids(run_dir: Path, task: str) -> list[str]:
    lines = (run_dir / f"samples_{task}.jsonl").read_text().splitlines()
    return [json.loads(line)["doc_id"] for line in lines]


# ------------------------------------------------------------------------------------------ the CLI


def test_tasks_suites_lists_and_describes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = _suite_file(tmp_path / "inc", MINI)
    main(["tasks", "--suites", "--include_path", str(folder)])
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("suite:lite "))
    assert re.search(r"suite:lite\s+17\s+0\.1\s+A quick read", row)
    assert re.search(r"suite:mini\s+2\s+0\.1\s+Test suite", out)
    assert main(["tasks", "suite:mini", "--json", "--include_path", str(folder)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["tasks"] == [
        {"name": "nlvr_dev", "size": 100, "subset_size": 10},
        {"name": "fsdd_digits", "size": 120, "subset_size": 12},
    ]
    assert main(["tasks", "suite:lite"]) == 0
    assert re.search(r"mme\s+2374\s+237", capsys.readouterr().out)
    assert main(["tasks"]) in (0, 1)
    assert "suites: " in capsys.readouterr().out


def test_listing_suites_from_the_cache_imports_no_pydantic() -> None:
    """``lmms-eval tasks`` and ``tasks --suites`` stay fast: with the index cached (the first run builds it),
    listing imports no pydantic (nor torch, numpy, datasets)."""
    code = (
        "import sys, io, contextlib\nfrom lmms_eval.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['tasks']); main(['tasks', '--suites'])\n"
        "print(','.join(m for m in ('pydantic', 'torch', 'numpy', 'datasets') if m in sys.modules))"
    )
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""


def test_validate_takes_a_suite_and_skips_suite_files(tmp_path: Path) -> None:
    from lmms_eval.tasks.validate import validate

    folder = _suite_file(tmp_path / "inc", MINI)
    reports = validate(["suite:mini"], [str(folder)], None, rows=1)
    assert sorted(r.name for r in reports) == ["fsdd_digits", "nlvr_dev"]
    assert all(r.status != "error" for r in reports)
    assert validate([str(folder)], [], None, rows=1) == []  # a suite file is no invalid task file
    with pytest.raises(Exception, match="Did you mean: lite"):
        validate(["suite:lit"], [], None, rows=0)


def test_a_tiny_clustered_task_keeps_one_whole_cluster() -> None:
    ids = [f"q{i}" for i in range(8)]
    units = [f"img{i // 4}" for i in range(8)]  # clusters of 4, budget 1
    kept = subset_positions(ids, [""] * 8, "toy", LITE, units)
    assert kept in ([0, 1, 2, 3], [4, 5, 6, 7])
