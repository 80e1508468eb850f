"""The POPE tasks end to end: rows in the schema of lmms-lab-encoder/POPE in the mirror layout (pope: the
default config's test split; pope_adv / pope_pop / pope_random: the Full config's adversarial / popular /
random splits, the same columns), real POPE questions (github.com/AoiDragon/POPE, MIT) with tiny generated
images, messy replayed answers, and every metric computed by hand from the official rule (only the first
sentence counts; "No"/"not"/"no" as a word means no, anything else yes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/POPE: the same in both configs
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
ROWS = [  # (category, image, question, answer, response, read as, cell)
    ("random", "COCO_val2014_000000310196", "Is there a snowboard in the image?", "yes", "Yes, there is a snowboard.", "yes", "TP"),
    ("random", "COCO_val2014_000000310196", "Is there a car in the image?", "no", "No, there is no car.", "no", "TN"),
    ("random", "COCO_val2014_000000310196", "Is there a person in the image?", "yes", "Not sure.", "yes", "TP"),
    ("random", "COCO_val2014_000000310196", "Is there a sandwich in the image?", "no", "There is a sandwich.", "yes", "FP"),
    ("popular", "COCO_val2014_000000210789", "Is there a dining table in the image?", "yes", "no", "no", "FN"),
    ("popular", "COCO_val2014_000000210789", "Is there a chair in the image?", "no", "not sure", "no", "TN"),
    ("popular", "COCO_val2014_000000210789", "Is there a cup in the image?", "yes", "YES", "yes", "TP"),
    ("popular", "COCO_val2014_000000210789", "Is there a car in the image?", "no", "Nope", "yes", "FP"),
    ("adversarial", "COCO_val2014_000000429913", "Is there a bus in the image?", "yes", "", "yes", "TP"),
    ("adversarial", "COCO_val2014_000000429913", "Is there a truck in the image?", "no", "I don't know", "yes", "FP"),
    ("adversarial", "COCO_val2014_000000429913", "Is there a person in the image?", "yes", "Yes. There is no doubt.", "yes", "TP"),
    ("adversarial", "COCO_val2014_000000429913", "Is there a car in the image?", "no", "No!", "yes", "FP"),
]  # fmt: skip


KEYS = ("pope_accuracy", "pope_precision", "pope_recall", "pope_f1_score", "pope_yes_ratio")
COLORS = {"random": "red", "popular": "green", "adversarial": "blue"}  # one image per sampling's rows
SPLITS = {"pope_adv": "adversarial", "pope_pop": "popular", "pope_random": "random"}  # task -> Full split


def _columns(indices: list[int]) -> dict[str, list[str | dict[str, object]]]:
    return {
        "id": [str(i) for i in indices],
        "question_id": [str(i % 4 + 1) for i in indices],
        "question": [ROWS[i][2] for i in indices],
        "answer": [ROWS[i][3] for i in indices],
        "image_source": [ROWS[i][1] for i in indices],
        "image": [image(COLORS[ROWS[i][0]]) for i in indices],
        "category": [ROWS[i][0] for i in indices],
    }


def _mirror(root: Path) -> None:
    """All rows as the default config's test split, and each sampling's rows as its own Full split."""
    write_split(root, "lmms-lab-encoder/POPE", "test", _columns(list(range(len(ROWS)))), FEATURES)
    for split in SPLITS.values():
        indices = [i for i, r in enumerate(ROWS) if r[0] == split]
        write_split(root, "lmms-lab-encoder/POPE", split, _columns(indices), FEATURES, config="Full")


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


def test_pope_official_metrics_overall_and_by_sampling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    predictions = {str(i): r[4] for i, r in enumerate(ROWS)}
    results, samples = replay(tmp_path, monkeypatch, "pope", root, predictions)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (12, 12, 0)
    assert [samples[str(i)]["extracted"] for i in range(12)] == [r[5] for r in ROWS]
    # by hand: TP 5, FP 4, TN 2, FN 1
    overall = dict(zip(KEYS, (7 / 12, 5 / 9, 5 / 6, 2 / 3, 9 / 12)))
    assert _expected([r[6] for r in ROWS]) == pytest.approx(overall)
    for key, expected in overall.items():
        assert value(results, key) == pytest.approx(expected), key
    by_category = {
        "random": dict(zip(KEYS, (3 / 4, 2 / 3, 1.0, 4 / 5, 3 / 4))),
        "popular": dict(zip(KEYS, (1 / 2, 1 / 2, 1 / 2, 1 / 2, 1 / 2))),
        "adversarial": dict(zip(KEYS, (1 / 2, 1 / 2, 1.0, 2 / 3, 1.0))),
    }
    for category, metrics in by_category.items():
        assert _expected([r[6] for r in ROWS if r[0] == category]) == pytest.approx(metrics)
        for key, expected in metrics.items():
            assert value(results, key, "category", category) == pytest.approx(expected), (category, key)
    assert results["metrics"]["pope_accuracy"]["n"] == 12
    (message,) = samples["0"]["prompt"]  # lmms-eval's default prompt
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == (
        "Is there a snowboard in the image?\nAnswer the question using a single word or phrase."
    )

    # pope_adv: its own split (Full/adversarial), the same rows and numbers as that breakdown
    (tmp_path / "adv").mkdir()
    adv, adv_samples = replay(tmp_path / "adv", monkeypatch, "pope_adv", root, predictions)
    assert (adv["n_docs"], adv["n_scored"]) == (4, 4)
    assert set(adv_samples) == {"8", "9", "10", "11"}
    for key, expected in by_category["adversarial"].items():
        assert value(adv, key) == pytest.approx(expected), key


@pytest.mark.parametrize("task", ["pope_random", "pope_pop"])
def test_pope_sampling_tasks_read_their_own_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    assert (root / "hf" / "lmms-lab-encoder" / "POPE" / "Full" / f"{SPLITS[task]}.parquet").is_file()
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[4] for i, r in enumerate(ROWS)})
    ids = {str(i) for i, r in enumerate(ROWS) if r[0] == SPLITS[task]}
    assert set(samples) == ids
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    cells = [r[6] for r in ROWS if r[0] == SPLITS[task]]
    for key, expected in _expected(cells).items():
        assert value(results, key) == pytest.approx(expected), key
