"""mmerealworld end to end: rows in the schema of yifanzhang114/MME-RealWorld-Lmms-eval (train) in the mirror
layout (made-up questions, tiny generated images as base64 text, as the dataset stores them), messy replayed
answers read with the official extraction (first capital A-E after removing the answer prefixes; else the
first option containing the answer), and the accuracies overall, per task and per subtask by hand; the
Chinese variant's prompt."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hub_fixture import datasets, png, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of yifanzhang114/MME-RealWorld-Lmms-eval
    {
        "bytes": STR,
        "path": STR,
        "index": datasets.Value("int64"),
        "question": STR,
        "multi-choice options": datasets.Sequence(STR),
        "answer": STR,
        "category": STR,
        "l2-category": STR,
    }
)
OPTIONS = ["(A) 2", "(B) 3", "(C) 4", "(D) 5", "(E) The image does not feature the object"]
ROWS = [  # (category, l2-category, answer, response, read as)
    ("Perception/Autonomous_Driving", "object attribute/color", "C", "The best answer is C", "C"),
    (
        "Perception/Autonomous_Driving",
        "counting/vehicle",
        "D",
        "Based on the image, D",
        "B",
    ),  # "B" of "Based"
    ("Perception/Monitoring", "counting/person", "A", "", "A"),  # empty: the first option's letter
    ("Reasoning/Monitoring", "intention/pedestrian", "E", "(E) The image does not feature the object", "E"),
    ("Reasoning/Monitoring", "intention/vehicle", "D", "five", None),  # no capital, in no option: nothing
]


def _columns(rows: list[tuple[str, str, str, str, str | None]], question: str) -> dict[str, list[object]]:
    return {
        "bytes": [
            base64.b64encode(png(c)).decode() for c in ("red", "green", "blue", "white", "black")[: len(rows)]
        ],
        "path": [f"{i}.png" for i in range(len(rows))],
        "index": [100 + i for i in range(len(rows))],
        "question": [question for _ in rows],
        "multi-choice options": [OPTIONS for _ in rows],
        "answer": [r[2] for r in rows],
        "category": [r[0] for r in rows],
        "l2-category": [r[1] for r in rows],
    }


def test_mmerealworld_official_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "yifanzhang114/MME-RealWorld-Lmms-eval", "train", _columns(ROWS, "How many?"), FEATURES)
    preds = {str(100 + i): r[3] for i, r in enumerate(ROWS)}
    results, samples = replay(tmp_path, monkeypatch, "mmerealworld", root, preds)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[str(100 + i)]["extracted"] for i in range(5)] == [r[4] for r in ROWS]
    assert value(results, "mme_realworld_score") == pytest.approx(3 / 5)
    assert value(results, "mme_realworld_score", "task", "Perception") == pytest.approx(2 / 3)
    assert value(results, "mme_realworld_score", "task", "Reasoning") == pytest.approx(1 / 2)
    assert value(results, "mme_realworld_score", "subtask", "Perception/Autonomous_Driving") == pytest.approx(
        1 / 2
    )
    assert value(results, "mme_realworld_score", "subtask", "Reasoning/Monitoring") == pytest.approx(1 / 2)
    # the official categories: lower-cased, every "attribute" category merged
    assert value(results, "mme_realworld_score", "task_category", "Perception/Autonomous_Driving/object attribute/attribute") == 1.0  # fmt: skip
    (message,) = samples["100"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == (
        "How many? The choices are listed below:\n"
        + "\n".join(OPTIONS)
        + "\nSelect the best answer to the above "
        "multiple-choice question based on the image. Respond with only the letter (A, B, C, D, or E) of the "
        "correct option.\nThe best answer is: "
    )


def test_mmerealworld_cn_prompt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(
        root, "yifanzhang114/MME-RealWorld-CN-Lmms-eval", "train", _columns(ROWS[:1], "有几辆车?"), FEATURES
    )
    results, samples = replay(tmp_path, monkeypatch, "mmerealworld_cn", root, {"100": "C"})
    assert value(results, "mme_realworld_score") == 1.0
    assert samples["100"]["prompt"][0]["content"][1]["text"] == (
        "有几辆车? 选项如下所示:\n" + "\n".join(OPTIONS) + "\n根据图像选择上述多项选择题的最佳答案。"
        "只需回答正确选项的字母（A, B, C, D 或 E）。\n最佳答案为： "
    )


def test_mmerealworld_lite_scores_like_the_full_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lite subset has the same columns, prompt and scoring as the English set: the same rows score the
    same as in test_mmerealworld_official_scores."""
    root = tmp_path / "root"
    write_split(
        root, "yifanzhang114/MME-RealWorld-lite-lmms-eval", "train", _columns(ROWS, "How many?"), FEATURES
    )
    preds = {str(100 + i): r[3] for i, r in enumerate(ROWS)}
    results, samples = replay(tmp_path, monkeypatch, "mmerealworld_lite", root, preds)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[str(100 + i)]["extracted"] for i in range(5)] == [r[4] for r in ROWS]
    assert value(results, "mme_realworld_score") == pytest.approx(3 / 5)
