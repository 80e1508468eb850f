"""charxiv end to end: rows in the schema of princeton-nlp/CharXiv (validation) in the mirror layout (made-up
questions in the dataset's columns, tiny generated images), run predict-only: the recorded prompts are the
official questions (lmms_eval/scoring/charxiv.py, checked against the official code in
tests/scoring/test_charxiv.py), the responses are kept as given, and nothing is scored (CharXiv's official
scoring is GPT-4o grading)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
INT = datasets.Value("int32")
FEATURES = datasets.Features(
    {
        "image": datasets.Image(),
        "category": STR,
        "year": STR,
        "original_figure_path": STR,
        "original_id": STR,
        "figure_path": STR,
        "num_subplots": INT,
        "subplot_row": INT,
        "subplot_col": INT,
        "subplot_loc": STR,
        **{f"descriptive_q{i}": INT for i in range(1, 5)},
        **{f"descriptive_a{i}": STR for i in range(1, 5)},
        "reasoning_q": STR,
        "reasoning_q_source": INT,
        "reasoning_a": STR,
        "reasoning_a_type": INT,
    }
)
ROWS = [  # figure, (row, col, loc), descriptive (qid, answer) x 4, reasoning (q, source, answer)
    (
        0,
        (1, 2, None),
        [(7, "60"), (13, "a, b"), (11, "Yes"), (15, "Not Applicable")],
        ("Which model?", 1, "CNN"),
    ),
    (2, (0, 0, None), [(2, "x"), (8, "0.5"), (18, "1 by 1"), (1, "T")], ("What is the gap?", 4, "0.25")),
    (5, (None, None, "the inset"), [(3, "y"), (19, "2"), (10, "3"), (16, "up")], ("How many?", 4, "7")),
]


def _write(root: Path) -> None:
    columns: dict[str, list[object]] = {name: [] for name in FEATURES}
    for fid, (row, col, loc), descriptive, (q, source, a) in ROWS:
        values: dict[str, object] = {
            "image": image("red"),
            "category": "cs",
            "year": "20",
            "original_figure_path": f"figures/{fid}.png",
            "original_id": "2004.10956",
            "figure_path": f"images/{fid}.jpg",
            "num_subplots": 1,
            "subplot_row": row,
            "subplot_col": col,
            "subplot_loc": loc,
            "reasoning_q": q,
            "reasoning_q_source": source,
            "reasoning_a": a,
            "reasoning_a_type": 1,
        }
        for i, (qid, answer) in enumerate(descriptive, start=1):
            values[f"descriptive_q{i}"] = qid
            values[f"descriptive_a{i}"] = answer
        for name, v in values.items():
            columns[name].append(v)
    write_split(root, "princeton-nlp/CharXiv", "validation", columns, FEATURES)


def _text(sample: dict[str, object]) -> str:
    return sample["prompt"][0]["content"][1]["text"]  # type: ignore[index, no-any-return]


def test_charxiv_reasoning_predict_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    predictions = {"0": "**CNN**", "2": "The gap is 0.25.", "5": ""}
    results, samples = replay(tmp_path, monkeypatch, "charxiv_val_reasoning", root, predictions)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    assert sorted(samples) == ["0", "2", "5"]
    assert samples["2"]["response"] == "The gap is 0.25."
    assert _text(samples["2"]) == (
        "What is the gap?\n    * Your final answer must be a number with 2 decimal places.\n    "
    )
    assert _text(samples["5"]) == "How many?\n    * Your final answer must be an exact integer.\n    "
    assert _text(samples["0"]).startswith(
        "Which model?\n    * Your final answer must be grounded to some text"
    )
    assert samples["0"]["prompt"][0]["content"][0]["type"] == "image"


def test_charxiv_descriptive_four_questions_per_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _write(root)
    keys = [f"{fid}_{i}" for fid, *_ in ROWS for i in range(4)]
    results, samples = replay(
        tmp_path, monkeypatch, "charxiv_val_descriptive", root, {k: f"answer {k}" for k in keys}
    )
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (12, 12, 0)
    assert sorted(samples) == sorted(keys)
    assert _text(samples["0_0"]).startswith(
        "For the subplot at row 1 and column 2, what is the spatially highest labeled tick on the y-axis?\n    * "
    )
    assert _text(samples["2_1"]).startswith("For the current plot, what is difference between consecutive")
    assert _text(samples["2_2"]).startswith("What is the layout of the subplots?\n")  # no subplot prefix
    assert _text(samples["5_0"]).startswith("For the inset, what is the label of the y-axis?")
    assert samples["5_3"]["target"] == "up" and samples["0_1"]["target"] == "a, b"


def test_charxiv_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root)
    reports = validate(["charxiv_val_reasoning", "charxiv_val_descriptive"], data_root=root)
    assert sorted((r.name, r.status, r.data) for r in reports) == [
        ("charxiv_val_descriptive", "ok", "mirror"),
        ("charxiv_val_reasoning", "ok", "mirror"),
    ], [r.findings for r in reports]
