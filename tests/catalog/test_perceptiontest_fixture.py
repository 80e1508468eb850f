"""perceptiontest_val_mc end to end: rows in the schema of lmms-lab/PerceptionTest_Val (config
mc_question_val, split validation; the features of its card) in the mirror layout, tiny generated videos as
the archives extract them (``videos/<video_name>.mp4``), messy replayed answers, and lmms-eval 0.7.3's
verdicts by hand (the first standalone capital A-D), overall and per area and reasoning type."""

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
        "question": STR,
        "question_id": STR,
        "options": datasets.Sequence(STR),
        "answer_id": STR,
        "area": STR,
        "reasoning": STR,
        "tag": datasets.Sequence(STR),
    }
)
ROWS = [  # (video_name, area, reasoning, answer_id, response, read)
    ("video_10909", "memory", "descriptive", "0", "A", "A"),
    ("video_10909", "physics", "predictive", "2", "The answer is C.", "C"),
    ("video_7399", "semantics", "descriptive", "1", "b", None),  # case matters
    ("video_7399", "abstraction", "counterfactual", "1", "I think (D)", "D"),  # D: never right
    ("video_5571", "memory", "explanatory", "1", "Based on it, B", "B"),
]


def test_perceptiontest_val_mc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "video_name": [r[0] for r in ROWS],
        "question": [f"What happens in {r[0]} ({i})?" for i, r in enumerate(ROWS)],
        "question_id": [str(i) for i in range(len(ROWS))],
        "options": [["a cup", "a plate", "a box"]] * len(ROWS),
        "answer_id": [r[3] for r in ROWS],
        "area": [r[1] for r in ROWS],
        "reasoning": [r[2] for r in ROWS],
        "tag": [["object permanence"]] * len(ROWS),
    }
    write_split(
        root, "lmms-lab/PerceptionTest_Val", "validation", columns, FEATURES, config="mc_question_val"
    )
    for i, video in enumerate(("video_10909", "video_7399", "video_5571")):
        media = root / "hf" / "lmms-lab/PerceptionTest_Val" / "media" / "videos"
        tiny_mp4(media / f"{video}.mp4", gray=40 + 60 * i)
    preds = {str(i): r[4] for i, r in enumerate(ROWS)}
    (report,) = validate(["perceptiontest_val_mc"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "perceptiontest_val_mc", root, preds)
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [r[5] for r in ROWS]
    assert [samples[str(i)]["scores"]["accuracy"] for i in range(5)] == [1.0, 1.0, 0.0, 0.0, 1.0]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "accuracy", "area", "memory") == pytest.approx(100.0)
    assert value(results, "accuracy", "reasoning", "descriptive") == pytest.approx(50.0)
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        "What happens in video_10909 (0)?\nA. a cup\nB. a plate\nC. a box\n"
        "Answer with the option's letter from the given choices directly."
    )
