"""scienceqa (ScienceQA-FULL) and the group scienceqa_full end to end: rows in the schema of
lmms-lab-encoder/ScienceQA (configs ScienceQA-FULL and ScienceQA-IMG, test) in the mirror layout, text-only
questions (image null) asked without an image, tiny generated images, messy replayed answers, accuracy
overall and by subject by hand, and the group's size-weighted accuracy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

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
ROWS = [  # (has image, hint, question, choices, answer, subject, response, right)
    (True, "The map shows a route.", "Which direction is the ship going?", ["north", "south"], 1, "social science", "B.", True),
    (False, "", "Which word is a noun?", ["run", "happy", "table"], 2, "language science", "(C)", True),
    (False, "Mia has a magnet.", "Will these magnets attract?", ["attract", "repel"], 0, "natural science", "repel", False),
    (True, "", "Which material is this?", ["wood", "glass", "rubber"], 0, "natural science", "A", True),
    (False, "", "Which is a compound sentence?", ["I ran.", "I ran, and she sat."], 1, "language science", "I'm not sure.", False),
]  # fmt: skip


def _columns(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    return {
        "image": [image("red") if r[0] else None for r in rows],
        "question": [r[2] for r in rows],
        "choices": [r[3] for r in rows],
        "answer": [r[4] for r in rows],
        "hint": [r[1] for r in rows],
        **{name: ["x" for _ in rows] for name in TEXT},
        "subject": [r[5] for r in rows],
        "grade": ["grade3" for _ in rows],
    }


def _mirror(root: Path) -> None:
    write_split(root, "lmms-lab-encoder/ScienceQA", "test", _columns(ROWS), FEATURES, config="ScienceQA-FULL")
    with_image = [r for r in ROWS if r[0]]
    write_split(
        root, "lmms-lab-encoder/ScienceQA", "test", _columns(with_image), FEATURES, config="ScienceQA-IMG"
    )


def test_scienceqa_full_split_with_text_only_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    results, samples = replay(
        tmp_path, monkeypatch, "scienceqa", root, {str(i): r[6] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    assert [samples[str(i)]["target"] for i in range(5)] == ["B", "C", "A", "A", "B"]
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(5)] == [r[7] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "accuracy", "subject", "language science") == pytest.approx(50.0)
    assert value(results, "accuracy", "subject", "natural science") == pytest.approx(50.0)
    assert value(results, "accuracy", "subject", "social science") == pytest.approx(100.0)
    types = {i: [p["type"] for p in samples[str(i)]["prompt"][0]["content"]] for i in range(5)}
    assert types == {0: ["image", "text"], 1: ["text"], 2: ["text"], 3: ["image", "text"], 4: ["text"]}
    assert samples["2"]["prompt"][0]["content"][0]["text"] == (
        "Context: Mia has a magnet.\nWill these magnets attract?\nA. attract\nB. repel\n"
        "Answer with the option's letter from the given choices directly."
    )
    (report,) = validate(["scienceqa"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


def test_scienceqa_full_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    lines = [{"task": "scienceqa", "doc_id": str(i), "response": r[6]} for i, r in enumerate(ROWS)]
    lines += [
        {"task": "scienceqa_img", "doc_id": "0", "response": "B"},
        {"task": "scienceqa_img", "doc_id": "1", "response": "glass"},
    ]
    preds.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "scienceqa_full",
            "--data_root", str(root), "--output_path", str(out)]  # fmt: skip
    assert main(argv) == 0
    run_dir = next(out.glob("replay/*/"))
    written = json.loads((run_dir / "results.json").read_text())
    results = {**written["results"], **written["groups"]}
    assert value(results["scienceqa"], "accuracy") == pytest.approx(60.0)
    assert value(results["scienceqa_img"], "accuracy") == pytest.approx(50.0)  # "glass" is option B: wrong
    # size-weighted: (3 + 1) / (5 + 2)
    assert value(results["scienceqa_full"], "accuracy") == pytest.approx(400 / 7)
