"""pope_full end to end: rows in the schema of lmms-lab-encoder/POPE's default config (test split: the three
samplings concatenated, ``category`` naming each) in the mirror layout, tiny generated images, messy replayed
answers, and every metric computed by hand from the official POPE rule, pooled over all questions: precision,
recall and F1 from the pooled counts, not the mean of the samplings' values (lmms-eval 0.7.3's pope_full is a
group of pope_adv / pope_pop / pope_random; here one task, whose breakdown holds those tasks' numbers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/POPE
    {
        "id": STR,
        "question_id": STR,
        "question": STR,
        "answer": STR,
        "image_source": STR,
        "image": datasets.Image(),
        "category": STR,
    }
)
ROWS = [  # (category, question, answer, response, cell)
    ("adversarial", "Is there a bus in the image?", "yes", "Yes, there is.", "TP"),
    ("adversarial", "Is there a truck in the image?", "no", "I don't know", "FP"),
    ("adversarial", "Is there a car in the image?", "no", "No, there is no car.", "TN"),
    ("popular", "Is there a cup in the image?", "yes", "YES", "TP"),
    ("popular", "Is there a chair in the image?", "no", "not sure", "TN"),
    ("popular", "Is there a dining table in the image?", "yes", "no", "FN"),
    ("popular", "Is there a fork in the image?", "yes", "There is no fork.", "FN"),
    ("random", "Is there a snowboard in the image?", "yes", "", "TP"),
    ("random", "Is there a sandwich in the image?", "no", "There is a sandwich.", "FP"),
    ("random", "Is there a kite in the image?", "no", "Nope", "FP"),  # "No!" or "Nope" would be "yes"
]
KEYS = ("pope_accuracy", "pope_precision", "pope_recall", "pope_f1_score", "pope_yes_ratio")


def _expected(cells: list[str]) -> dict[str, float]:
    tp, fp, tn, fn = (cells.count(c) for c in ("TP", "FP", "TN", "FN"))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {
        "pope_accuracy": (tp + tn) / len(cells),
        "pope_precision": precision,
        "pope_recall": recall,
        "pope_f1_score": 2 * precision * recall / (precision + recall),
        "pope_yes_ratio": (tp + fp) / len(cells),
    }


def test_pope_full_pools_the_three_samplings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": [str(i) for i in range(len(ROWS))],
        "question_id": [str(i + 1) for i in range(len(ROWS))],
        "question": [r[1] for r in ROWS],
        "answer": [r[2] for r in ROWS],
        "image_source": [f"COCO_val2014_{r[0]}" for r in ROWS],
        "image": [image({"adversarial": "blue", "popular": "green", "random": "red"}[r[0]]) for r in ROWS],
        "category": [r[0] for r in ROWS],
    }
    write_split(root, "lmms-lab-encoder/POPE", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "pope_full", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (10, 10, 0)
    # by hand: TP 3, FP 3, TN 2, FN 2 -> precision 1/2, recall 3/5, F1 6/11
    pooled = dict(zip(KEYS, (5 / 10, 1 / 2, 3 / 5, 6 / 11, 6 / 10)))
    assert _expected([r[4] for r in ROWS]) == pytest.approx(pooled)
    for key, expected in pooled.items():
        assert value(results, key) == pytest.approx(expected), key
    by_sampling = {
        "adversarial": dict(zip(KEYS, (2 / 3, 1 / 2, 1.0, 2 / 3, 2 / 3))),
        "popular": dict(zip(KEYS, (1 / 2, 1.0, 1 / 3, 1 / 2, 1 / 4))),
        "random": dict(zip(KEYS, (1 / 3, 1 / 3, 1.0, 1 / 2, 1.0))),
    }
    for category, metrics in by_sampling.items():
        assert _expected([r[4] for r in ROWS if r[0] == category]) == pytest.approx(metrics)
        for key, expected in metrics.items():
            assert value(results, key, "category", category) == pytest.approx(expected), (category, key)
    # the mean of the samplings' F1 (what a group of the three tasks would give) is not POPE's F1
    assert sum(m["pope_f1_score"] for m in by_sampling.values()) / 3 != pytest.approx(6 / 11)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        "Is there a bus in the image?\nAnswer the question using a single word or phrase."
    )
    (report,) = validate(["pope_full"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
