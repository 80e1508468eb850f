"""vlmsareblind end to end: rows in the schema of XAI/vlmsareblind (valid) in the mirror layout (made-up
prompts in the dataset's tasks, tiny generated images), messy replayed answers read per task
(lmms_eval/scoring/vlmsareblind.py), accuracy overall, per task (counting grids merged) and their unweighted
mean by hand; the lite task keeps the first rows of each task."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"task": STR, "image": datasets.Image(), "prompt": STR, "groundtruth": STR, "metadata": STR}
)
ROWS = [  # task, groundtruth, response, right
    ("Circled Letter", "b", "{b}", True),
    ("Circled Letter", "b", "The letter is b", False),  # reads "t"
    ("Touching Circles", "Yes", " YES ", True),
    ("Touching Circles", "No", "No.", False),  # not exactly yes/no
    ("Counting Grid - Blank Grids", "3,4", "rows={3} columns={4}", True),
    ("Counting Grid - Word Grids", "4,3", "(4, 3)", True),
    ("Counting Grid - Word Grids", "5,5", "5 by 5", False),
    ("Nested Squares", "3", "There are {3} squares", True),
]


def _write(root: Path) -> None:
    columns = {
        "task": [r[0] for r in ROWS],
        "image": [image("white") for _ in ROWS],
        "prompt": [f"Question {i}. Answer in curly brackets, e.g., {{3}}." for i in range(len(ROWS))],
        "groundtruth": [r[1] for r in ROWS],
        "metadata": ["{}" for _ in ROWS],
    }
    write_split(root, "XAI/vlmsareblind", "valid", columns, FEATURES)


def test_vlmsareblind_per_task_matching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    results, samples = replay(
        tmp_path, monkeypatch, "vlmsareblind", root, {str(i): r[2] for i, r in enumerate(ROWS)}
    )
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(len(ROWS))] == [r[3] for r in ROWS]
    assert [samples[str(i)]["extracted"] for i in (1, 3, 6)] == ["t", None, None]
    assert value(results, "accuracy") == pytest.approx(5 / 8)
    assert value(results, "accuracy", "task_group", "counting grid") == pytest.approx(2 / 3)
    assert value(results, "accuracy", "task_group", "touching circles") == pytest.approx(0.5)
    assert value(results, "task_mean") == pytest.approx((0.5 + 0.5 + 2 / 3 + 1.0) / 4)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        "Question 0. Answer in curly brackets, e.g., {3}.\nAnswer only in the required format."
    )


def test_vlmsareblind_lite_and_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    results, _ = replay(
        tmp_path, monkeypatch, "vlmsareblind_lite", root, {str(i): r[2] for i, r in enumerate(ROWS)}
    )
    assert results["n_docs"] == 8  # fewer than 100 rows per task: all kept, grouped by task
    reports = validate(["vlmsareblind", "vlmsareblind_lite"], data_root=root)
    assert [(r.status, r.data) for r in reports] == [("ok", "mirror"), ("ok", "mirror")], [
        r.findings for r in reports
    ]
