"""seedbench_2 end to end: rows in the schema of lmms-lab-encoder/SEED-Bench-2 (test; data_id a list,
image a list of images, question_type_id int16) in the mirror layout, tiny generated images, messy replayed
answers read as lmms-eval 0.7.3 reads them (the first character of the stripped response, case-sensitive),
accuracy overall and by data_type by hand, and 0.7.3's prompt (image options and Image Generation's image
tokens written "<image>")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/SEED-Bench-2
    {
        "answer": STR,
        "choice_a": STR,
        "choice_b": STR,
        "choice_c": STR,
        "choice_d": STR,
        "data_id": datasets.Sequence(STR),
        "data_type": STR,
        "data_source": STR,
        "level": STR,
        "question": STR,
        "question_id": STR,
        "question_type_id": datasets.Value("int16"),
        "image": datasets.Sequence(datasets.Image()),
        "subpart": STR,
        "version": STR,
    }
)
GEN = "Image Generation"
# (question_id, data_type, type id, data_id, choices, answer, response, right)
ROWS: list[tuple[Any, ...]] = [
    ("1", "Single Image", 1, ["a.jpg"], ["cat", "dog", "cow", "pig"], "B", " B", True),
    ("2", "Single Image", 2, ["b.jpg"], ["red", "green", "blue", "gray"], "C", "The answer is C", False),
    ("3", "Multiple Images", 24, ["c1.jpg", "c2.jpg"], ["1", "2", "3", "4"], "A", "a", False),  # case-sensitive
    ("4", GEN, 22, ["q1.png", "q2.png", "o1.png", "o2.png", "o3.png", "o4.png"],
     ["o1.png", "o2.png", "o3.png", "o4.png"], "D", "D. the fourth", True),
    ("5", "Video", 12, ["v.mp4"], ["walking", "running", "sitting", "jumping"], "A", "", False),
]  # fmt: skip


def test_seedbench_2_accuracy_and_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "answer": [r[5] for r in ROWS],
        **{f"choice_{c}": [r[4][i] for r in ROWS] for i, c in enumerate("abcd")},
        "data_id": [r[3] for r in ROWS],
        "data_type": [r[1] for r in ROWS],
        "data_source": ["made-up" for _ in ROWS],
        "level": ["L1" for _ in ROWS],
        "question": [f"Question {r[0]}?" for r in ROWS],
        "question_id": [r[0] for r in ROWS],
        "question_type_id": [r[2] for r in ROWS],
        "image": [[image("red") for _ in r[3]] for r in ROWS],
        "subpart": ["x" for _ in ROWS],
        "version": ["v2" for _ in ROWS],
    }
    write_split(root, "lmms-lab-encoder/SEED-Bench-2", "test", columns, FEATURES)
    results, samples = replay(tmp_path, monkeypatch, "seedbench_2", root, {r[0]: r[6] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (
        5,
        5,
        0,
    )  # "" is an answer: wrong
    assert [samples[r[0]]["scores"].get("accuracy") == 1.0 for r in ROWS] == [r[7] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(40.0)
    assert value(results, "accuracy", "data_type", "Single Image") == pytest.approx(50.0)
    assert value(results, "accuracy", "data_type", GEN) == pytest.approx(100.0)
    assert value(results, "accuracy", "data_type", "Multiple Images") == 0.0
    content = samples["4"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image"] * 6 + ["text"]
    assert content[-1]["text"] == (
        "<image> <image>\nQuestion 4?\nA. <image>\nB. <image>\nC. <image>\nD. <image>\n"
        "Answer with the option's letter from the given choices directly."
    )
    assert samples["1"]["prompt"][0]["content"][1]["text"] == (
        "Question 1?\nA. cat\nB. dog\nC. cow\nD. pig\nAnswer with the option's letter from the given choices directly."
    )
    (report,) = validate(["seedbench_2"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
