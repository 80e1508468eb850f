"""wemath end to end: rows in the schema of We-Math/We-Math (testmini) in the mirror layout (one made-up
two-step and one three-step problem, tiny generated images), messy replayed answers read from the <answer>
tag by the official We-Math matching (lmms_eval/scoring/wemath.py), and the four-dimensional metrics, scores
and one/two/three-step accuracies by hand from the official definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "ID": STR,
        "split": STR,
        "knowledge concept": STR,
        "question": STR,
        "option": STR,
        "answer": STR,
        "image_path": datasets.Image(),
        "key": STR,
        "question number": datasets.Value("int64"),
        "knowledge concept description": STR,
    }
)
OPTION = "A. 1;B. 2;C. 3;D. 4; E. No correct answer"
ROWS = [  # ID, key, answer, response, right
    ("2steps_1", "2steps_1", "A", "<think>easy</think><answer>A</answer>", True),
    ("2steps_1", "2steps_2", "B", "<think>..</think><answer>Answer: B.</answer>", True),
    ("2steps_1", "2steps_multi", "C", "<answer>D</answer>", False),  # IG
    ("3steps_1", "3steps_1", "A", "The answer is A", False),  # no <answer> tag
    ("3steps_1", "3steps_2", "B", "<answer>(B)</answer>", False),  # "(" is not an option letter
    ("3steps_1", "3steps_3", "C", "<answer>C</answer>", True),
    ("3steps_1", "3steps_multi", "D", "<answer><Answer>: D</answer>", True),  # RM strict, CM loose
]
SYSTEM = (
    "You are a helpful assistant. When the user asks a question, your response must include two parts: "
    "first, the reasoning process enclosed in <think>...</think> tags, then the final answer enclosed in "
    "<answer>...</answer> tags.Please provide a clear, concise response within <answer> </answer> tags that "
    "directly addresses the question."
)


def _write(root: Path) -> None:
    columns = {
        "ID": [r[0] for r in ROWS],
        "split": ["testmini" for _ in ROWS],
        "knowledge concept": ["Angles" for _ in ROWS],
        "question": [f"  Question {i}?" for i in range(len(ROWS))],
        "option": [OPTION for _ in ROWS],
        "answer": [r[2] for r in ROWS],
        "image_path": [image("blue") for _ in ROWS],
        "key": [r[1] for r in ROWS],
        "question number": [100 + i for i in range(len(ROWS))],
        "knowledge concept description": ["..." for _ in ROWS],
    }
    write_split(root, "We-Math/We-Math", "testmini", columns, FEATURES)


def test_wemath_four_dimensional_metrics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    predictions = {str(100 + i): r[3] for i, r in enumerate(ROWS)}
    results, samples = replay(tmp_path, monkeypatch, "wemath_testmini_reasoning", root, predictions)
    assert [samples[str(100 + i)]["scores"]["accuracy"] == 1.0 for i in range(len(ROWS))] == [
        r[4] for r in ROWS
    ]
    assert value(results, "accuracy") == pytest.approx(100 * 4 / 7)
    # two problems: 2steps_1 is IG (steps right, composite wrong); 3steps_1 has a wrong and a right step and
    # the composite right: RM strict, CM loose (and neither CM strict nor RM loose)
    assert value(results, "IG") == pytest.approx(50.0)
    assert value(results, "IK") == pytest.approx(0.0)
    assert (value(results, "CM_strict"), value(results, "CM_loose")) == pytest.approx((0.0, 50.0))
    assert (value(results, "RM_strict"), value(results, "RM_loose")) == pytest.approx((100.0, 0.0))
    assert value(results, "score_strict") == pytest.approx(100 * (2 - 0.5 - 1) / 2)
    assert value(results, "score_loose") == pytest.approx(100 * (2 - 0.5) / 2)
    assert value(results, "accuracy", "step_kind", "one-step") == pytest.approx(100 * 3 / 5)
    assert value(results, "accuracy", "step_kind", "two-step") == pytest.approx(0.0)
    assert value(results, "accuracy", "step_kind", "three-step") == pytest.approx(100.0)
    prompt = samples["100"]["prompt"]
    assert prompt[0] == {"role": "system", "content": [{"type": "text", "text": SYSTEM}]}
    assert prompt[-1]["content"][-1]["text"] == f"Question 0?\n{OPTION}"


def test_wemath_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root)
    (report,) = validate(["wemath_testmini_reasoning"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
