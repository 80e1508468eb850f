"""realworldqa end to end: rows in the schema of lmms-lab-encoder/RealWorldQA (test) in the mirror layout
(made-up questions in the dataset's two styles, tiny generated images), messy replayed answers, and exact
match by hand: a letter answer read as an option letter (or an option's text), another answer compared
ignoring case, surrounding space and a final period."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features({"image": datasets.Image(), "question": STR, "answer": STR})
MCQ = "Which object is closer to the camera{}?\nA. the car\nB. the tree\nC. the sign\nPlease answer directly with only the letter of the correct option and nothing else."  # fmt: skip
OPEN = "How many lanes are there? Please answer directly with a single word or number."
ROWS = [  # (question, answer, response, right)
    (MCQ.format(""), "B", "B", True),
    (MCQ.format(" on the left"), "A", "the car", True),  # an option's text
    (OPEN, "3", "3.", True),
    (
        "Is the road going uphill or downhill? Please answer directly with a single word or number.",
        "Downhill",
        "uphill",
        False,
    ),  # fmt: skip
    (MCQ.format(" on the right"), "C", "I think it's B", False),
]


def test_realworldqa_exact_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "image": [image("red") for _ in ROWS],
        "question": [r[0] for r in ROWS],
        "answer": [r[1] for r in ROWS],
    }
    write_split(root, "lmms-lab-encoder/RealWorldQA", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "realworldqa", root, {str(i): r[2] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["extracted"] for i in range(5)] == ["B", "A", "3", "uphill", "B"]
    assert [samples[str(i)]["scores"]["exact_match"] == 1.0 for i in range(5)] == [r[3] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(60.0)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == MCQ.format("")
