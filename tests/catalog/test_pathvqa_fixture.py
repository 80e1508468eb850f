"""pathvqa and pathvqa_open end to end: rows in the schema of flaviagiammarino/path-vqa (test: image, question,
answer) in the mirror layout (made-up questions, tiny generated images), messy replayed answers; pathvqa's
accuracy by hand under lmms-eval 0.7.3's SLAKE normalization, overall and per answer_type (closed: the answer
is yes or no), and pathvqa_open's official scores (PathVQA's evaluation script) over the open rows only."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"image": datasets.Image(), "question": STR, "answer": STR})
ROWS = [  # (question, answer, response, right)
    ("is there evidence of necrosis?", "no", "No.", True),
    ("is the liver enlarged?", "yes", "Yes, it is enlarged.", False),
    ("are the cells normal?", "Yes", "YEAH", True),
    ("what organ is shown?", "liver", "The liver", False),
    ("where is the lesion?", "right lower lobe", "Right lower lobe.", True),
    ("what imaging modality is used?", "x-ray", "X ray", True),
]
RESPONSES = {str(i): r[2] for i, r in enumerate(ROWS)}
PROMPT = "\nAnswer the question using a single word or phrase."


def _root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    columns = {
        "image": [image("red") for _ in ROWS],
        "question": [r[0] for r in ROWS],
        "answer": [r[1] for r in ROWS],
    }
    write_split(root, "flaviagiammarino/path-vqa", "test", columns, FEATURES)
    return root


def _valid(task: str, root: Path) -> None:
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []


def test_pathvqa_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _root(tmp_path)
    results, samples = replay(tmp_path, monkeypatch, "pathvqa", root, RESPONSES)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (6, 6, 0)
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(6)] == [r[3] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(400 / 6)
    assert value(results, "accuracy", "answer_type", "closed") == pytest.approx(200 / 3)  # 2 of 3
    assert value(results, "accuracy", "answer_type", "open") == pytest.approx(200 / 3)  # 2 of 3
    assert samples["0"]["prompt"][0]["content"][1]["text"] == ROWS[0][0] + PROMPT
    _valid("pathvqa", root)


def test_pathvqa_open_official_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _root(tmp_path)
    # without an id column, a doc is identified by its row after the filter: rows 3, 4, 5 are docs 0, 1, 2
    open_responses = {str(i): ROWS[3 + i][2] for i in range(3)}
    results, samples = replay(tmp_path, monkeypatch, "pathvqa_open", root, open_responses)
    # only the open rows 3-5 (row 2's "Yes" is closed too): "The liver" for "liver"; "Right lower lobe." for
    # "right lower lobe"; "X ray" for "x-ray" (the script deletes the hyphen: "xray" shares no word with
    # "x ray", yet its BLEU skips zero precisions and the character lengths are equal, so BLEU-1 and BLEU-2 are
    # 1; no trigram: BLEU-3 divides by zero, scored 0)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    assert [samples[str(i)]["target"] for i in range(3)] == ["liver", "right lower lobe", "x-ray"]
    expected = {
        "exact_match": [0.5, 1, 0],
        "f1": [2 / 3, 1, 0],
        "bleu1": [0.5, 1, 1],
        "bleu2": [math.sqrt(0.5), 1, 1],
        "bleu3": [0, 1, 0],
    }
    for key, per_row in expected.items():
        assert [samples[str(i)]["scores"][key] for i in range(3)] == pytest.approx(per_row), key
        assert value(results, key) == pytest.approx(100 * sum(per_row) / 3), key
    _valid("pathvqa_open", root)
