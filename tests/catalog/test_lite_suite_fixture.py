"""``--tasks suite:lite`` end to end through the ``dummy`` model, over mirrors of every lite task's hub dataset
in its real schema.

The mirrors are the catalog fixture tests' own: each lite task's fixture test runs here (its assertions
included) in a folder of its own, and the mirrored splits it wrote under ``<folder>/root/hf`` are merged into
one data root. A fixture has a handful of rows, so each task's subset is its budget's floor: one doc, or one
whole cluster (MME's image pair, a POPE image, a DocVQA page).
"""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets  # noqa: F401  (skips this module without the datasets package)

from lmms_eval.cli.main import main
from lmms_eval.tasks.data_root import resolve_data_root
from lmms_eval.tasks.index import TaskIndex

#: lite task -> (fixture module, fixture test function, extra arguments)
FIXTURES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "mme": ("test_mme_fixture", "test_mme_official_scores", {}),
    "mmbench_en_dev": ("test_mmbench_fixture", "test_mmbench_en_dev_circular_and_vanilla", {}),
    "mmmu_val": ("test_mmmu_fixture", "test_mmmu_val_official_scores_with_breakdowns", {}),
    "mmstar": ("test_mmstar_fixture", "test_mmstar_official_score_and_l2_average", {}),
    "ai2d": ("test_ai2d_fixture", "test_ai2d_accuracy", {}),
    "chartqa": ("test_chartqa_fixture", "test_chartqa_relaxed_accuracy_by_split", {}),
    "docvqa_val": ("test_docvqa_fixture", "test_docvqa_val_scores_anls", {}),
    "infovqa_val": ("test_infovqa_fixture", "test_infovqa_val_scores_anls", {}),
    "textvqa_val": ("test_textvqa_fixture", "test_textvqa_val_scores_with_the_textvqa_rule", {}),
    "ocrbench": ("test_ocrbench_fixture", "test_ocrbench_points_by_category", {}),
    "pope": ("test_pope_fixture", "test_pope_official_metrics_overall_and_by_sampling", {}),
    "realworldqa": ("test_realworldqa_fixture", "test_realworldqa_exact_match", {}),
    "mathvista_testmini_format": (
        "test_mathvista_fixture", "test_mathvista_rule_based_accuracy", {"task": "mathvista_testmini_format"}
    ),
    "scienceqa_img": ("test_scienceqa_fixture", "test_scienceqa_img_accuracy", {}),
    "hallusion_bench_image": ("test_hallusion_bench_fixture", "test_hallusion_bench_accuracies", {}),
    "cv_bench": ("test_cv_bench_fixture", "test_cv_bench_official_accuracy", {}),
    "muirbench": ("test_muirbench_fixture", "test_muirbench_official_parsing", {}),
}  # fmt: skip


def _merged_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    for task, (module, function, kwargs) in FIXTURES.items():
        folder = tmp_path / "fixtures" / task
        folder.mkdir(parents=True)
        getattr(importlib.import_module(module), function)(folder, monkeypatch, **kwargs)
        shutil.copytree(folder / "root" / "hf", root / "hf", dirs_exist_ok=True)
    return root


def test_lite_runs_end_to_end_through_dummy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lite = TaskIndex.build([], resolve_data_root(None)).suite_tasks("lite")
    assert sorted(FIXTURES) == sorted(lite), "a lite task without a fixture here: add it to FIXTURES"
    root = _merged_mirror(tmp_path, monkeypatch)
    out = tmp_path / "out"
    rc = main(
        ["--model", "dummy", "--tasks", "suite:lite", "--data_root", str(root), "--output_path", str(out)]
    )
    assert rc == 0
    (results_file,) = out.glob("dummy/*/results.json")
    data = json.loads(results_file.read_text())
    assert data["config"]["tasks"] == ["suite:lite"] and data["status"] == "success"
    results = data["results"]
    assert list(results) == lite
    for task, r in results.items():
        subset = r["subset"]
        assert subset["suite"] == "lite" and subset["fraction"] == 0.1 and subset["seed"] == 0
        assert subset["n_full"] == len(_fixture_ids(tmp_path, task)), task
        samples = [
            json.loads(line)
            for line in (results_file.parent / f"samples_{task}.jsonl").read_text().splitlines()
        ]
        ids = {s["doc_id"] for s in samples}
        assert r["n_docs"] == subset["n_selected"] == len(ids) >= 1, task
        assert ids <= _fixture_ids(tmp_path, task) and r["n_scored"] == len(samples) and r["n_errors"] == 0, (
            task
        )
    # a fixture this small keeps one doc (its budget's floor), or one whole cluster: MME's two questions about
    # one image, a POPE image's questions, a HallusionBench set
    assert {t: r["n_docs"] for t, r in results.items() if r["n_docs"] > 1} == {
        "mme": 2, "pope": 4, "hallusion_bench_image": 4
    }  # fmt: skip
    assert (
        results["mme"]["subset"]["stratify"] == "category" and results["ai2d"]["subset"]["stratify"] is None
    )


def _fixture_ids(tmp_path: Path, task: str) -> set[str]:
    """The doc ids the task's own fixture run scored (its samples file)."""
    files = list((tmp_path / "fixtures" / task / "out").glob(f"replay/*/samples_{task}.jsonl"))
    return {json.loads(line)["doc_id"] for f in files for line in f.read_text().splitlines()}
