"""mathkangaroo end to end: rows in the schema of DFKI's Kangaroo dataset (the columns of the dataset card of
DFKI-SLT/kangaroo_math_benchmark, the published form of dfkiuser/kangaroo_math_mc_questions: image, question,
ground_truth, is_text_only, year, class, task_id, math_category, difficulty) in the mirror layout, messy
replayed answers, and lmms-eval 0.7.3's matching computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "image": datasets.Image(),
        "question": STR,
        "ground_truth": STR,
        "is_text_only": datasets.Value("bool"),
        "year": datasets.Value("int32"),
        "class": STR,
        "task_id": STR,
        "math_category": STR,
        "difficulty": STR,
    }
)
ROWS = [  # (ground_truth, response, right)
    ("D", "The answer is D.", True),
    ("B", "answer: b", True),  # case-insensitive after "answer"
    ("C", "Let me think.\n(C)", True),  # a last line that is only a letter
    ("A", "My answer is definitely A", False),  # reads the "d" of "definitely"
    ("E", "It is 42.", False),  # no letter
    ("C", "I choose B or C", True),  # the last standalone letter
]


def test_mathkangaroo_matching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    n = len(ROWS)
    columns = {
        "image": [image("white") for _ in ROWS],
        "question": [f"  Problem {i}: which figure fits?\n(A) 1 (B) 2 (C) 3 (D) 4 (E) 5 " for i in range(n)],
        "ground_truth": [r[0] for r in ROWS],
        "is_text_only": [False] * n,
        "year": [2020] * n,
        "class": ["3und4"] * n,
        "task_id": [f"A{i + 1}" for i in range(n)],
        "math_category": ["Geometrie"] * n,
        "difficulty": ["easy"] * n,
    }
    write_split(root, "dfkiuser/kangaroo_math_mc_questions", "train", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "mathkangaroo", root, {str(i): r[1] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (n, n)
    assert [samples[str(i)]["scores"]["mathkangaroo_accuracy"] == 1.0 for i in range(n)] == [
        r[2] for r in ROWS
    ]
    assert value(results, "mathkangaroo_accuracy") == pytest.approx(100 * 4 / 6)
    text = samples["0"]["prompt"][0]["content"][1]["text"]
    assert (
        text
        == "Problem 0: which figure fits?\n(A) 1 (B) 2 (C) 3 (D) 4 (E) 5\nAnswer with the option letter (A, B, C, D, or E) only."
    )
    (report,) = validate(["mathkangaroo"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
