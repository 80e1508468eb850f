"""gpqa_diamond_cot_zeroshot end to end: rows of Idavidrein/gpqa (config gpqa_diamond, train split) with the
columns the task reads plus a few others (the CSV has many more: the pre-revision texts, expert and
non-expert validator fields), options shuffled by Record ID, messy replayed answers, and both 0.7.3 scores
by hand, overall and per high-level domain."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
COLUMNS = ["Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3",
           "Explanation", "Record ID", "High-level domain", "Subdomain"]  # fmt: skip
FEATURES = datasets.Features({c: STR for c in COLUMNS})
# (Record ID, domain, response, options as shuffled, strict right, flexible right)
ROWS = [
    ("recABC1", "Physics", "Momentum is conserved.\nThe answer is (B).",
     ["w2. x", "right recABC1", "w3", "w1"], 1.0, 1.0),
    ("recDEF2", "Chemistry", "I think the correct one is Right recDEF2",  # the option's text
     ["w3", "w1", "right recDEF2", "w2. x"], 0.0, 1.0),
    ("recGHI3", "Biology", "The answer is (A) because (A) fits. Final: D",
     ["w1", "w3", "w2. x", "right recGHI3"], 0.0, 0.0),
]  # fmt: skip


def test_gpqa_diamond_cot_zeroshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "Question": [f" Which option fits {r[0]}?" for r in ROWS],
        "Correct Answer": [f"right {r[0]}" for r in ROWS],
        "Incorrect Answer 1": ["w1"] * 3,
        "Incorrect Answer 2": ["w2 [title] x"] * 3,
        "Incorrect Answer 3": ["w3 "] * 3,
        "Explanation": ["Because."] * 3,
        "Record ID": [r[0] for r in ROWS],
        "High-level domain": [r[1] for r in ROWS],
        "Subdomain": ["Mechanics", "Organic Chemistry", "Genetics"],
    }
    write_split(root, "Idavidrein/gpqa", "train", columns, FEATURES, config="gpqa_diamond")
    task = "gpqa_diamond_cot_zeroshot"
    results, samples = replay(tmp_path, monkeypatch, task, root, {r[0]: r[2] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (3, 3)
    assert [samples[r[0]]["target"] for r in ROWS] == ["(B)", "(C)", "(D)"]
    assert [samples[r[0]]["scores"]["exact_match_strict_match"] for r in ROWS] == [r[4] for r in ROWS]
    assert [samples[r[0]]["scores"]["exact_match_flexible_extract"] for r in ROWS] == [r[5] for r in ROWS]
    assert value(results, "exact_match_strict_match") == pytest.approx(100 / 3)
    assert value(results, "exact_match_flexible_extract") == pytest.approx(200 / 3)
    assert value(results, "exact_match_flexible_extract", "High-level domain", "Chemistry") == pytest.approx(
        100.0
    )
    assert value(results, "exact_match_strict_match", "High-level domain", "Chemistry") == pytest.approx(0.0)
    opts = ROWS[0][3]
    assert samples["recABC1"]["prompt"][0]["content"][0]["text"] == (
        "What is the correct answer to this question: Which option fits recABC1?\nChoices:\n"
        f"(A) {opts[0]}\n(B) {opts[1]}\n(C) {opts[2]}\n(D) {opts[3]}\nLet's think step by step: "
    )
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
