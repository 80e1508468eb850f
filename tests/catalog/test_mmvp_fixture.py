"""mmvp end to end: two question pairs in the schema of lmms-lab-eval/MMVP (train) in the mirror layout
(made-up questions, tiny generated images), messy replayed answers read with the rule of MMVP's authors in
Cambrian-1 (the whole stripped reading must be the answer's letter or its option's text), and the per-question
and official pair accuracy (both questions of a pair right) by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # lmms-eval 0.7.3's columns of lmms-lab-eval/MMVP
    {
        "Index": datasets.Value("int64"),
        "Question": STR,
        "Options": STR,
        "Correct Answer": STR,
        "image": datasets.Image(),
    }
)
ROWS = [  # (question, options, answer, response, read as, right)
    ("Is the door open or closed?", "(a) Open (b) Closed", "(a)", "A", "a", True),
    (
        "Is the door open or closed?",
        "(a) Open (b) Closed",
        "(b)",
        "Closed.",
        "closed",
        True,
    ),  # the option's text
    (
        "Are the tusks long or short?",
        "(a) Long (b) Short",
        "(a)",
        "(a) Long",
        "a) long",
        False,
    ),  # not a letter
    ("Are the tusks long or short?", "(a) Long (b) Short", "(b)", "The answer is B", "b", True),
]


def test_mmvp_pair_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns: dict[str, list[Any]] = {
        "Index": [1, 2, 3, 4],
        "Question": [r[0] for r in ROWS],
        "Options": [r[1] for r in ROWS],
        "Correct Answer": [r[2] for r in ROWS],
        "image": [image(c) for c in ("red", "green", "blue", "white")],
    }
    write_split(root, "lmms-lab-eval/MMVP", "train", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "mmvp", root, {str(i + 1): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (4, 4, 0)
    assert [samples[str(i + 1)]["extracted"] for i in range(4)] == [r[4] for r in ROWS]
    assert [samples[str(i + 1)]["scores"]["mmvp_accuracy"] for i in range(4)] == [float(r[5]) for r in ROWS]
    assert value(results, "mmvp_accuracy") == pytest.approx(3 / 4)
    assert value(results, "mmvp_pair_accuracy") == pytest.approx(1 / 2)  # pair 1 (questions 3-4) fails
    assert results["metrics"]["mmvp_pair_accuracy"]["n"] == 4
    (message,) = samples["1"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == (
        "Is the door open or closed?\nA. Open\nB. Closed\nAnswer with the option's letter from the given choices directly."
    )
