"""logicvista end to end: rows with the columns lmms-eval 0.7.3 reads from lscpku/LogicVista (test: image,
question, answer) in the mirror layout (made-up questions, tiny generated images), run predict-only: the
recorded prompt is 0.7.3's (system prompt, image, question), the responses are kept as given and nothing is
scored (LogicVista's official scoring is GPT-4 extraction)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"image": datasets.Image(), "question": STR, "answer": STR})
QUESTIONS = [
    ("  Which choice (A, B, C, or D) completes the pattern?\n", "C"),
    ("Which two gears turn clockwise? A. 1 B. 2 C. 3 D. 4", "A, C"),
]


def _write(root: Path) -> None:
    columns = {
        "image": [image("black") for _ in QUESTIONS],
        "question": [q for q, _ in QUESTIONS],
        "answer": [a for _, a in QUESTIONS],
    }
    write_split(root, "lscpku/LogicVista", "test", columns, FEATURES)


def test_logicvista_predict_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    predictions = {"0": "<think>the dot stays</think><answer>C</answer>", "1": "A and C"}
    results, samples = replay(tmp_path, monkeypatch, "logicvista_reasoning", root, predictions)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert samples["1"]["response"] == "A and C" and samples["1"]["target"] == "A, C"
    system, user = samples["0"]["prompt"]
    assert system["role"] == "system" and system["content"][0]["text"].startswith(
        "You are a helpful assistant. When the user asks a question, your response must include two parts"
    )
    assert system["content"][0]["text"].endswith("<answer>...</answer> tags.Please provide a clear, concise "
                                                 "response within <answer> </answer> tags that directly "
                                                 "addresses the question.")  # fmt: skip
    assert [p["type"] for p in user["content"]] == ["image", "text"]
    assert user["content"][1]["text"] == "Which choice (A, B, C, or D) completes the pattern?"


def test_logicvista_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root)
    (report,) = validate(["logicvista_reasoning"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
