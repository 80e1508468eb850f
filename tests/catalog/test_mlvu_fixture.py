"""mlvu_dev end to end: rows in the schema of sy1998/MLVU_dev (split test; the features of its copies on the
Hub: video_name, duration, question, candidates, answer, task_type, question_id) in the mirror layout, tiny
generated videos at ``<video_name>`` under the media folder, messy replayed answers, and lmms-eval 0.7.3's
verdicts by hand: the mean of the task-type accuracies, and each task type."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split
from test_videomme_fixture import tiny_mp4

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "video_name": STR,
        "duration": datasets.Value("float64"),
        "question": STR,
        "candidates": datasets.Sequence(STR),
        "answer": STR,
        "task_type": STR,
        "question_id": STR,
    }
)
ROWS = [  # (video_name, task_type, answer, response, read)
    ("1_plotQA.mp4", "plotQA", "B", "B) the boy", "B"),
    ("2_plotQA.mp4", "plotQA", "C", "gray", None),
    ("3_count.mp4", "count", "D", "The answer is D.", "D"),
    ("4_needle.mp4", "needle", "A", "A is wrong, C is right", "A"),
    ("5_order.mp4", "order", "B", "(C)", "C"),
    ("6_ego.mp4", "ego", "A", "I choose A", "A"),
    ("7_anomaly.mp4", "anomaly_reco", "C", "C", "C"),
    ("8_topic.mp4", "topic_reasoning", "D", "B.", "B"),
]


def test_mlvu_dev_mean_of_task_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "video_name": [r[0] for r in ROWS],
        "duration": [600.0] * len(ROWS),
        "question": [f"What happens in {r[0]}?\n(A) one\n(B) two\n(C) three\n(D) four" for r in ROWS],
        "candidates": [["one", "two", "three", "four"]] * len(ROWS),
        "answer": [r[2] for r in ROWS],
        "task_type": [r[1] for r in ROWS],
        "question_id": [f"q{i}" for i in range(len(ROWS))],
    }
    write_split(root, "sy1998/MLVU_dev", "test", columns, FEATURES)
    for i, r in enumerate(ROWS):
        tiny_mp4(root / "hf" / "sy1998/MLVU_dev" / "media" / r[0], gray=20 + 25 * i)
    (report,) = validate(["mlvu_dev"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(
        tmp_path, monkeypatch, "mlvu_dev", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (8, 8)
    assert [samples[str(i)]["extracted"] for i in range(len(ROWS))] == [r[4] for r in ROWS]
    key = "mlvu_percetion_score"
    # per type: plotQA 1/2, count 1, needle 1, order 0, ego 1, anomaly_reco 1, topic_reasoning 0
    assert value(results, key) == pytest.approx(100 * (0.5 + 1 + 1 + 0 + 1 + 1 + 0) / 7)
    assert value(results, key, "task_type", "plotQA") == pytest.approx(50.0)
    assert value(results, key, "task_type", "order") == pytest.approx(0.0)
    text = samples["0"]["prompt"][0]["content"][1]["text"]
    assert text.endswith("(D) four\nOnly give the best option.\nBest option: (")
