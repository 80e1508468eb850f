"""ocrbench_v2 and ocrbench_v2_rules end to end: rows in the schema of ling99/OCRBench_v2 (test; the features of
lmms-eval 0.7.3's upload script: id, dataset_name, question, type, answers, image, eval ("None" when the
question has none), bbox, bbox_list, content) in the mirror layout, messy replayed answers. ocrbench_v2 runs
predict-only over every question; ocrbench_v2_rules scores the rule-scored types with the official rules,
computed by hand, overall and per type, and leaves the other types out."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
INT = datasets.Value("int32")
FEATURES = datasets.Features(
    {
        "id": INT,
        "dataset_name": STR,
        "question": STR,
        "type": STR,
        "answers": datasets.Sequence(STR),
        "image": datasets.Image(),
        "eval": STR,
        "bbox": datasets.Sequence(INT),
        "bbox_list": datasets.Sequence(datasets.Sequence(INT)),
        "content": datasets.Sequence(STR),
    }
)
ROWS = [  # (type, answers, eval, response, score)
    ("text recognition en", ["Hello World"], "None", "The text reads: HELLO WORLD.", 1.0),
    ("text recognition en", ["Hello World"], "None", "Hello Wrld", 0.0),  # short answer: substring only
    ("science QA en", ["B"], "multiple choice", "(B).", 1.0),
    ("science QA en", ["C"], "multiple choice", "Answer: C", 0.0),  # letters "AnswerC"
    ("text counting en", ["5"], "regression", "I count 4 words.", 0.8),
    ("cognition VQA cn", ["北京大学"], "None", "答案是北京 大学。", 1.0),  # spaces removed
    ("formula recognition cn", ["\\text{面积}=x^2"], "None", "面积 = x^2", 1.0),
    ("text spotting en", ["HELLO"], "None", "<box>1,2,3,4</box> HELLO", None),  # not scored by rules
]


def _write(root: Path) -> None:
    n = len(ROWS)
    columns = {
        "id": list(range(n)),
        "dataset_name": ["made-up"] * n,
        "question": [f"  Question {i}?\n" for i in range(n)],
        "type": [r[0] for r in ROWS],
        "answers": [r[1] for r in ROWS],
        "image": [image("white") for _ in ROWS],
        "eval": [r[2] for r in ROWS],
        "bbox": [None] * n,
        "bbox_list": [None] * (n - 1) + [[[1, 2, 3, 4]]],
        "content": [None] * n,
    }
    write_split(root, "ling99/OCRBench_v2", "test", columns, FEATURES)


def test_ocrbench_v2_rules_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    scored = {str(i): r for i, r in enumerate(ROWS) if r[4] is not None}
    results, samples = replay(
        tmp_path, monkeypatch, "ocrbench_v2_rules", root, {k: r[3] for k, r in scored.items()}
    )
    assert (results["n_docs"], results["n_scored"]) == (7, 7)
    assert {k: s["scores"]["ocrbench_v2_score"] for k, s in samples.items()} == pytest.approx(
        {k: r[4] for k, r in scored.items()}
    )
    assert value(results, "ocrbench_v2_score") == pytest.approx(100 * 4.8 / 7)
    assert value(results, "ocrbench_v2_score", "type", "science QA en") == pytest.approx(50.0)
    assert value(results, "ocrbench_v2_score", "type", "text counting en") == pytest.approx(80.0)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == "Question 0?"
    (report,) = validate(["ocrbench_v2_rules"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []


def test_ocrbench_v2_records_every_response(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    answers = {str(i): r[3] for i, r in enumerate(ROWS)}
    results, samples = replay(tmp_path, monkeypatch, "ocrbench_v2", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (8, 8, 0)
    assert {k: s["response"] for k, s in samples.items()} == answers
