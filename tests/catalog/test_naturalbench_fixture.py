"""naturalbench end to end: two 2x2 groups in the schema of BaiqiL/NaturalBench-lmms-eval (test) in the mirror
layout (made-up questions, tiny generated images), messy replayed answers, and the official accuracies by
hand: an answer is read as the earlier of the whole words yes/no (A/B) and is right when it is the one
expected at its place in the group (q0_i0 and q1_i1: yes/A; q0_i1 and q1_i0: no/B)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # lmms-eval 0.7.3's columns of BaiqiL/NaturalBench-lmms-eval
    {
        "Index": datasets.Value("int64"),
        "Image": datasets.Image(),
        "Question": STR,
        "Question_Type": STR,
        "answer": STR,
    }
)
ROWS = [  # (question type, question, answer, response, read as, right)
    ("yes_no", "Is the dog asleep?", "Yes", "Yes.", "1", True),
    ("yes_no", "Is the dog asleep?", "No", "No, it is not.", "0", True),
    ("yes_no", "Is the dog running?", "No", "no", "0", True),
    ("yes_no", "Is the dog running?", "Yes", "Yes - no doubt", "1", True),  # the earlier word wins
    ("multiple_choice", "Where is the cup? A. left B. right", "A", "A", "1", True),
    ("multiple_choice", "Where is the cup? A. left B. right", "B", "(B)", "0", True),
    (
        "multiple_choice",
        "What color is it? A. red B. blue",
        "B",
        "a cat",
        "1",
        False,
    ),  # the article reads as A
    ("multiple_choice", "What color is it? A. red B. blue", "A", "neither", "-1", False),
]


def test_naturalbench_official_group_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(
        root,
        "BaiqiL/NaturalBench-lmms-eval",
        "test",
        {
            "Index": list(range(len(ROWS))),
            "Image": [image(c) for c in ("red", "blue", "red", "blue", "green", "white", "green", "white")],
            "Question": [r[1] for r in ROWS],
            "Question_Type": [r[0] for r in ROWS],
            "answer": [r[2] for r in ROWS],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "naturalbench", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (8, 8, 0)
    assert [samples[str(i)]["extracted"] for i in range(8)] == [r[4] for r in ROWS]
    assert [samples[str(i)]["scores"]["naturalbench_ACC"] for i in range(8)] == [float(r[5]) for r in ROWS]
    assert value(results, "naturalbench_ACC") == pytest.approx(6 / 8)
    assert value(results, "naturalbench_Q_ACC") == pytest.approx(3 / 4)  # group 1's q1 fails
    assert value(results, "naturalbench_I_ACC") == pytest.approx(2 / 4)  # group 1's i0 and i1 fail
    assert value(results, "naturalbench_G_ACC") == pytest.approx(1 / 2)
    assert value(results, "naturalbench_G_ACC", "Question_Type", "yes_no") == 1.0
    assert value(results, "naturalbench_G_ACC", "Question_Type", "multiple_choice") == 0.0
    assert results["metrics"]["naturalbench_G_ACC"]["n"] == 8
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == "Is the dog asleep? Please answer Yes or No."
    assert samples["4"]["prompt"][0]["content"][1]["text"] == (
        "Where is the cup? A. left B. right Please output the letter corresponding to the correct option."
    )
