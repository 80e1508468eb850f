"""arc_challenge end to end: rows in the schema of allenai/ai2_arc (config ARC-Challenge, test split: id,
question, choices {text, label} as a sequence feature, answerKey; labels letters or digits, 3 to 5 options),
scored by log-likelihood with the choice-replay model picking an option; accuracy by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from choice_fixture import ChoiceReplayModel, replay_choices
from hub_fixture import datasets, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"id": STR, "question": STR, "choices": datasets.Sequence({"text": STR, "label": STR}), "answerKey": STR}
)
ROWS = [  # (id, question, texts, labels, answerKey, pick, right)
    ("Mercury_7175875", "Which gas do plants take in?", ["oxygen", "carbon dioxide", "helium", "neon"],
     ["A", "B", "C", "D"], "B", 1, True),
    ("Mercury_SC_409171", "What melts ice fastest?", ["salt", "sand", "sawdust"], ["A", "B", "C"], "A", 2, False),
    ("NYSEDREGENTS_2015_4_8", "Which is a mammal?", ["frog", "snake", "whale", "trout"], ["1", "2", "3", "4"],
     "3", 2, True),
    ("MCAS_2004_9_5", "Which tool measures mass?", ["ruler", "balance", "thermometer", "clock", "cup"],
     ["A", "B", "C", "D", "E"], "B", 4, False),
]  # fmt: skip


def test_arc_challenge_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": [r[0] for r in ROWS],
        "question": [r[1] for r in ROWS],
        "choices": [{"text": r[2], "label": r[3]} for r in ROWS],
        "answerKey": [r[4] for r in ROWS],
    }
    write_split(root, "allenai/ai2_arc", "test", columns, FEATURES, config="ARC-Challenge")
    results, samples = replay_choices(
        tmp_path, monkeypatch, "arc_challenge", root, {r[0]: r[5] for r in ROWS}
    )
    task = results["arc_challenge"]
    assert (task["n_docs"], task["n_scored"]) == (4, 4)
    assert [samples[("arc_challenge", r[0])]["scores"]["acc"] == 1.0 for r in ROWS] == [r[6] for r in ROWS]
    assert [ChoiceReplayModel.seen[("arc_challenge", r[0])] for r in ROWS] == [r[2] for r in ROWS]
    assert samples[("arc_challenge", ROWS[2][0])]["target"] == "whale"
    assert value(task, "acc") == pytest.approx(50.0)
    assert value(task, "acc_norm") == pytest.approx(50.0)  # the replayed pick has log-likelihood 0, the rest -1
    prompt = samples[("arc_challenge", ROWS[0][0])]["prompt"]
    assert prompt == [
        {"role": "user", "content": [{"type": "text", "text": f"Question: {ROWS[0][1]}\nAnswer:"}]}
    ]
    (report,) = validate(["arc_challenge"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
