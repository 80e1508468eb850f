"""ai2d end to end: rows in the schema of lmms-lab-encoder/ai2d (test) in the mirror layout (made-up diagram
questions, tiny generated images), messy replayed answers, accuracy by hand; and the same task with
``circular: true`` added in a task file of one's own (options list, answer index): every rotation asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.cli.main import main

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/ai2d
    {"question": STR, "options": datasets.Sequence(STR), "answer": STR, "image": datasets.Image()}
)
ROWS = [  # (question, options, answer index, response, right)
    ("Which stage comes after the egg?", ["adult", "larva", "pupa", "nymph"], "1", "B", True),
    ("What does the arrow show?", ["eats", "is eaten by", "lives in"], "2", "The answer is (C).", True),
    ("Which is the producer?", ["grass", "hawk"], "0", "hawk", False),  # the text of option B
    ("How many legs does it have?", ["2", "4", "6", "8"], "3", "**D**", True),
]


def _mirror(root: Path) -> None:
    columns = {
        "question": [r[0] for r in ROWS],
        "options": [r[1] for r in ROWS],
        "answer": [r[2] for r in ROWS],
        "image": [image("red") for _ in ROWS],
    }
    write_split(root, "lmms-lab-encoder/ai2d", "test", columns, FEATURES)


def test_ai2d_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    results, samples = replay(tmp_path, monkeypatch, "ai2d", root, {str(i): r[3] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[str(i)]["target"] for i in range(4)] == ["B", "C", "A", "D"]
    assert [samples[str(i)]["extracted"] for i in range(4)] == ["B", "C", "B", "D"]
    assert value(results, "accuracy") == pytest.approx(75.0)
    assert samples["1"]["prompt"][0]["content"][1]["text"] == (
        "What does the arrow show?\nA. eats\nB. is eaten by\nC. lives in\n"
        "Answer with the option's letter from the given choices directly."
    )


def test_ai2d_with_circular_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    catalog = Path(__file__).resolve().parents[2] / "lmms_eval" / "tasks" / "catalog" / "ai2d" / "ai2d.yaml"
    own = tmp_path / "tasks"
    own.mkdir()
    (own / "ai2d_circular.yaml").write_text(f"include: {catalog}\ntask: ai2d_circular\ncircular: true\n")
    # rotation r shows option (j + r) mod n at letter j: doc 0 answer B -> A, D, C; doc 2 answer A -> B
    answers = {"0": "B", "0#r1": "A", "0#r2": "D", "0#r3": "C", "1": "C", "1#r1": "B", "1#r2": "B",
               "2": "hawk", "2#r1": "grass", "3": "D", "3#r1": "C", "3#r2": "B", "3#r3": "A"}  # fmt: skip
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"task": "ai2d_circular", "doc_id": d, "response": r}) + "\n" for d, r in answers.items()))  # fmt: skip
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "ai2d_circular",
         "--include_path", str(own), "--data_root", str(root), "--output_path", str(tmp_path / "out")]
    )  # fmt: skip
    assert rc == 0
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    results = json.loads((run_dir / "results.json").read_text())["results"]["ai2d_circular"]
    assert (results["n_docs"], results["n_scored"]) == (4, 13)
    # doc 1: rotation 2 wrong ([lives in, eats, is eaten by]: answer A); doc 2: rotation 0 wrong
    assert value(results, "circular_accuracy") == pytest.approx(50.0)
    assert value(results, "accuracy") == pytest.approx(75.0)
