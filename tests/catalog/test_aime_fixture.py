"""aime24 and aime25 end to end: rows in the schemas of Maxwell-Jia/AIME_2024 (train: ID, Problem, Solution,
Answer as int64) and math-ai/aime25 (test: problem, answer, id, read from its test.jsonl as strings), messy
replayed answers, and the harness's exact match by hand (last \\boxed{}, else the "$" span, else the whole
response; MATH string normalization)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
AIME24 = datasets.Features({"ID": STR, "Problem": STR, "Solution": STR, "Answer": datasets.Value("int64")})
AIME25 = datasets.Features({"problem": STR, "answer": STR, "id": STR})
ROWS24 = [  # (ID, Answer, response, extracted, right)
    ("2024-I-1", 204, "Walking takes... so the total is \\boxed{204}.", "204", True),
    ("2024-I-2", 25, "We get $xy = 25$ in the end.", "xy = 25", False),  # the "$" span, "xy" too long to drop
    ("2024-II-3", 45, "Thus $k = 45$", "k = 45", True),  # a short "k =" is dropped
    ("2024-II-4", 33, "\\boxed{033}", "033", False),  # compared as text
]
ROWS25 = [  # (id, answer, response, extracted, right)
    ("0", "70", "The base is 70.\nQuestion: what next?", "The base is 70.\nQuestion: what next?", False),
    ("1", "588", "$\\boxed{588}$", "588", True),
    ("2", "16", "I am not sure; maybe \\boxed{16} or \\boxed{17}", "17", False),
]


def test_aime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns24 = {
        "ID": [r[0] for r in ROWS24],
        "Problem": [f"Problem {r[0]}: find the answer." for r in ROWS24],
        "Solution": ["A long solution." for _ in ROWS24],
        "Answer": [r[1] for r in ROWS24],
    }
    write_split(root, "Maxwell-Jia/AIME_2024", "train", columns24, AIME24)
    columns25 = {"problem": [f"Problem {r[0]}" for r in ROWS25], "answer": [r[1] for r in ROWS25], "id": [r[0] for r in ROWS25]}  # fmt: skip
    write_split(root, "math-ai/aime25", "test", columns25, AIME25)
    for task, rows, expected in (("aime24", ROWS24, 50.0), ("aime25", ROWS25, 100 / 3)):
        (tmp_path / task).mkdir()
        results, samples = replay(tmp_path / task, monkeypatch, task, root, {r[0]: r[2] for r in rows})
        assert (results["n_docs"], results["n_scored"]) == (len(rows), len(rows))
        assert [samples[r[0]]["extracted"] for r in rows] == [r[3] for r in rows]
        assert [samples[r[0]]["scores"]["exact_match"] == 1.0 for r in rows] == [r[4] for r in rows]
        assert value(results, "exact_match") == pytest.approx(expected)
        (report,) = validate([task], data_root=root)
        assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    first = samples["0"]["prompt"][0]["content"][0]["text"]
    assert first == "Question: Problem 0\nAnswer:"
