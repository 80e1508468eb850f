"""scienceqa_img end to end: rows in the schema of lmms-lab-encoder/ScienceQA (config ScienceQA-IMG, test)
in the mirror layout (made-up questions, tiny generated images), messy replayed answers, accuracy overall
and by subject by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
TEXT = ["task", "grade", "subject", "topic", "category", "skill", "lecture", "solution"]
FEATURES = datasets.Features(  # the dataset card of lmms-lab/ScienceQA
    {
        "image": datasets.Image(),
        "question": STR,
        "choices": datasets.Sequence(STR),
        "answer": datasets.Value("int8"),
        "hint": STR,
        **{name: STR for name in TEXT},
    }
)
ROWS = [  # (hint, question, choices, answer, subject, grade, response, right)
    ("The map shows a route.", "Which direction is the ship going?", ["north", "south"], 1, "social science", "grade5", "B.", True),
    ("", "Which material is this?", ["wood", "glass", "rubber"], 0, "natural science", "grade3", "(A)", True),
    ("", "Which continent is highlighted?", ["North America", "South America", "Africa", "Europe"], 2, "social science", "grade4", "Africa", True),
    ("", "Which word is a noun?", ["run", "happy", "table"], 2, "language science", "grade2", "I'm not sure.", False),
]  # fmt: skip


def test_scienceqa_img_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "image": [image("red") for _ in ROWS],
        "question": [r[1] for r in ROWS],
        "choices": [r[2] for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "hint": [r[0] for r in ROWS],
        **{name: ["x" for _ in ROWS] for name in TEXT},
        "subject": [r[4] for r in ROWS],
        "grade": [r[5] for r in ROWS],
    }
    write_split(root, "lmms-lab-encoder/ScienceQA", "test", columns, FEATURES, config="ScienceQA-IMG")
    predictions = {str(i): r[6] for i, r in enumerate(ROWS)}
    results, samples = replay(tmp_path, monkeypatch, "scienceqa_img", root, predictions)
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[str(i)]["target"] for i in range(4)] == ["B", "A", "C", "C"]
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(4)] == [r[7] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(75.0)
    assert value(results, "accuracy", "subject", "social science") == 100.0
    assert value(results, "accuracy", "subject", "language science") == 0.0
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        "Context: The map shows a route.\nWhich direction is the ship going?\nA. north\nB. south\n"
        "Answer with the option's letter from the given choices directly."
    )
    assert samples["1"]["prompt"][0]["content"][1]["text"].startswith("Which material is this?\nA. wood")
