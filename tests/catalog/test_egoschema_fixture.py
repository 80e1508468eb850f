"""egoschema_subset and egoschema end to end: rows in the schema of lmms-lab/egoschema (configs Subset and
GENERATION, split test; question_idx, question, video_idx, option, answer) in the mirror layout, tiny
generated videos as the archives extract them (``videos/<video_idx>.mp4``), messy replayed answers: the subset
scored by hand (lmms-eval 0.7.3's parser, the seeded guess for an unreadable answer), the full test
predict-only with its submission file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split
from test_videomme_fixture import tiny_mp4

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"question_idx": STR, "question": STR, "video_idx": STR, "option": datasets.Sequence(STR), "answer": STR}
)
OPTIONS = ["A. C cooks.", "B. C cleans the table.", "C. C reads.", "D. C paints a wall.", "E. C sleeps."]
GUESS = "ABCDE".index(fallback_choice("q4", list("ABCDE")))
ROWS = [  # (question_idx, answer, response, index read)
    ("q1", "1", "B", 1),
    ("q2", "3", "The answer is (D).", 3),
    ("q3", "0", "(B) then (A)", 1),  # the candidate whose last occurrence starts first
    ("q4", "2", "no idea at all", GUESS),  # the peer guesses at random: here the seeded guess
    ("q5", "4", "I think that in the clip C sleeps on the sofa", 2),  # "C " is a candidate letter
]


def _columns(rows: list[tuple[str, str, str, int]], answers: bool) -> dict[str, list[str | list[str]]]:
    return {
        "question_idx": [r[0] for r in rows],
        "question": [f"What is C doing overall ({r[0]})?" for r in rows],
        "video_idx": [f"vid-{r[0]}" for r in rows],
        "option": [OPTIONS] * len(rows),
        "answer": [r[1] if answers else "" for r in rows],
    }


def _videos(root: Path) -> None:
    for i, r in enumerate(ROWS):
        tiny_mp4(
            root / "hf" / "lmms-lab/egoschema" / "media" / "videos" / f"vid-{r[0]}.mp4", gray=30 + 40 * i
        )


def test_egoschema_subset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab/egoschema", "test", _columns(ROWS, True), FEATURES, config="Subset")
    _videos(root)
    (report,) = validate(["egoschema_subset"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "egoschema_subset", root, {r[0]: r[2] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[r[0]]["extracted"] for r in ROWS] == [str(r[3]) for r in ROWS]
    right = [r[3] == int(r[1]) for r in ROWS]
    assert [samples[r[0]]["scores"]["score"] == 1.0 for r in ROWS] == right
    assert value(results, "score") == pytest.approx(100 * sum(right) / 5)
    text = samples["q1"]["prompt"][0]["content"][1]["text"]
    assert text == "What is C doing overall (q1)?\n" + "\n".join(OPTIONS) + (
        "\nAnswer with the option's letter from the given choices directly."
    )


def test_egoschema_full_is_predict_only_with_a_submission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab/egoschema", "test", _columns(ROWS, False), FEATURES, config="GENERATION")
    _videos(root)
    (report,) = validate(["egoschema"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "egoschema", root, {r[0]: r[2] for r in ROWS})
    assert results["n_docs"] == 5 and results["metrics"] == {}
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    with (run_dir / "submission_egoschema.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [(r["q_uid"], int(r["answer"])) for r in rows] == [(f"vid-{r[0]}", r[3]) for r in ROWS]
    assert json.dumps(rows[1]["prediction"]) == json.dumps("The answer is (D).")
