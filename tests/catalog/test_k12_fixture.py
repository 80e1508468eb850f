"""k12 end to end, predict-only (lmms-eval 0.7.3 scores it with an LLM judge, which comes with the judge
issue): rows in the columns 0.7.3's task reads from lmms-lab-encoder/k12 (train: image, question, answer) in the
mirror layout; no metric, every sample carries its response, prompt and reference answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"image": datasets.Image(), "question": STR, "answer": STR})
QUESTIONS = [
    "As shown in the figure, AB is the diameter of circle O. Find the measure of angle ACB.",
    "The graph shows the velocity of a car. What is its acceleration in m/s^2?",
]


def test_k12_records_responses_without_a_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {"image": [image("red"), image("blue")], "question": QUESTIONS, "answer": ["90°", "2"]}
    write_split(root, "lmms-lab-encoder/k12", "train", columns, FEATURES)
    answers = {"0": "Since AB is a diameter, angle ACB = 90°.", "1": "  a = 2 m/s^2\n"}
    results, samples = replay(tmp_path, monkeypatch, "k12", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert {k: s["response"] for k, s in samples.items()} == answers
    assert samples["0"]["target"] == "90°"
    content = samples["1"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "text"]
    assert content[1]["text"] == QUESTIONS[1]
    (report,) = validate(["k12"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
