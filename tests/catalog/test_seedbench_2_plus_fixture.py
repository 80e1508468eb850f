"""seedbench_2_plus end to end: rows in the schema of doolayer/SEED-Bench-2-Plus (test) in the mirror layout
(made-up questions, tiny generated images), messy replayed answers read with VLMEvalKit's rule-based choice
matching, and accuracy overall and by category (chart, map, web) by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # lmms-eval 0.7.3's columns of doolayer/SEED-Bench-2-Plus
    {
        "question_id": STR,
        "question": STR,
        "choice_A": STR,
        "choice_B": STR,
        "choice_C": STR,
        "choice_D": STR,
        "answer": STR,
        "question_image_type": STR,
        "image": datasets.Image(),
    }
)
ROWS = [  # (question_id, type, answer, response, read as)
    ("c1", "chart", "B", "The answer is B.", "B"),
    ("c2", "chart", "A", "2019", "A"),  # an option's text
    ("m1", "map", "C", "Paris or Lyon", None),  # two option texts: nothing read
    ("w1", "web", "D", "D", "D"),
]
CHOICES = {"c1": ("10", "20", "30", "40"), "c2": ("2019", "2020", "2021", "2022"),
           "m1": ("Paris", "Lyon", "Nice", "Lille"), "w1": ("Home", "Menu", "Cart", "logo.png")}  # fmt: skip


def test_seedbench_2_plus_accuracy_by_category(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns: dict[str, list[Any]] = {
        "question_id": [r[0] for r in ROWS],
        "question": [f"Question {r[0]}?" for r in ROWS],
        **{f"choice_{c}": [CHOICES[r[0]][k] for r in ROWS] for k, c in enumerate("ABCD")},
        "answer": [r[2] for r in ROWS],
        "question_image_type": [r[1] for r in ROWS],
        "image": [image(c) for c in ("red", "green", "blue", "white")],
    }
    write_split(root, "doolayer/SEED-Bench-2-Plus", "test", columns, FEATURES)
    results, samples = replay(tmp_path, monkeypatch, "seedbench_2_plus", root, {r[0]: r[3] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[r[0]]["extracted"] for r in ROWS] == [r[4] for r in ROWS]
    assert value(results, "seedbench_2_plus_all") == pytest.approx(3 / 4)
    assert value(results, "seedbench_2_plus_all", "question_image_type", "chart") == 1.0
    assert value(results, "seedbench_2_plus_all", "question_image_type", "map") == 0.0
    assert value(results, "seedbench_2_plus_all", "question_image_type", "web") == 1.0
    # lmms-eval 0.7.3's prompt; an option naming an image file is shown as "<image>"
    assert samples["w1"]["prompt"][0]["content"][1]["text"] == (
        "Question w1?\nA. Home\nB. Menu\nC. Cart\nD. <image>\nAnswer with the option's letter from the given choices directly."
    )
