"""hellaswag end to end: rows in the schema of Rowan/hellaswag (validation split: ind, activity_label, ctx_a,
ctx_b, ctx, endings as a list of strings, source_id, split, split_type, label as a string), WikiHow markup
in the contexts and endings, scored by log-likelihood with the choice-replay model picking an ending;
the cleaned prompt and endings and the accuracy by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from choice_fixture import ChoiceReplayModel, replay_choices
from hub_fixture import datasets, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "ind": datasets.Value("int32"),
        "activity_label": STR,
        "ctx_a": STR,
        "ctx_b": STR,
        "ctx": STR,
        "endings": datasets.Sequence(STR),
        "source_id": STR,
        "split": STR,
        "split_type": STR,
        "label": STR,
    }
)
ROWS = [  # (ind, activity_label, ctx_a, ctx_b, endings, label, pick)
    (24, "Roof shingle removal", "A man is sitting on a roof.", "he",
     ["is using wrap to wrap a pair of skis.", "is ripping level tiles off.", "is holding a rubik's cube.",
      "starts pulling up roofing on a roof."], "3", 3),
    (92, "Clean and jerk", "A lady walks to a barbell.", "She bends down and grabs the pole.",
     ["swings and lands in her arms.", "pulls the barbell forward.", "pulls a rope attached to the barbell.",
      "stands and lifts the weight over her head."], "3", 1),
    (106, "Health", "[header] How to cope with stress [title] Breathe deeply.", "[step] Inhale slowly",
     ["[substeps] Count to four.  Then exhale.", "Run away.", "[title] Eat candy.", "Ignore it."], "0", 0),
]  # fmt: skip


def test_hellaswag_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "ind": [r[0] for r in ROWS],
        "activity_label": [r[1] for r in ROWS],
        "ctx_a": [r[2] for r in ROWS],
        "ctx_b": [r[3] for r in ROWS],
        "ctx": [f"{r[2]} {r[3]}" for r in ROWS],
        "endings": [r[4] for r in ROWS],
        "source_id": ["activitynet~v_-JhWjGDPHMY", "activitynet~v_-xQvJmC2jhk", "wikihow~16"],
        "split": ["val"] * 3,
        "split_type": ["indomain", "zeroshot", "indomain"],
        "label": [r[5] for r in ROWS],
    }
    write_split(root, "Rowan/hellaswag", "validation", columns, FEATURES)
    results, samples = replay_choices(
        tmp_path, monkeypatch, "hellaswag", root, {str(r[0]): r[6] for r in ROWS}
    )
    task = results["hellaswag"]
    assert (task["n_docs"], task["n_scored"]) == (3, 3)
    assert [samples[("hellaswag", str(r[0]))]["scores"]["acc"] for r in ROWS] == [1.0, 0.0, 1.0]
    assert value(task, "acc") == pytest.approx(200 / 3)
    # the replayed model gives its pick log-likelihood 0 and the others -1: per character it still wins
    assert value(task, "acc_norm") == pytest.approx(200 / 3)
    wikihow = samples[("hellaswag", "106")]
    assert wikihow["prompt"][0]["content"][0]["text"] == (
        "Health: How to cope with stress. Breathe deeply. inhale slowly"
    )  # ctx_b.capitalize() lower-cases "Inhale" behind its "[step]"; a leading "[...]" leaves its space
    endings = [" Count to four. Then exhale.", "Run away.", " Eat candy.", "Ignore it."]
    assert ChoiceReplayModel.seen[("hellaswag", "106")] == endings
    assert samples[("hellaswag", "24")]["prompt"][0]["content"][0]["text"] == (
        "Roof shingle removal: A man is sitting on a roof. He"
    )
    (report,) = validate(["hellaswag"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
