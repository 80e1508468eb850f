"""clotho_aqa_val and clotho_aqa_test end to end: rows in the columns lmms-eval 0.7.3 reads from
lmms-lab-audio/ClothoAQA (config clotho_aqa: audio, question, answer; tiny generated WAV clips), messy replayed
answers, exact match by hand ignoring case, punctuation and surrounding space."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"audio": datasets.Audio(), "question": STR, "answer": STR})
ROWS = [  # (question, answer, response, right)
    ("Is there a dog barking?", "yes", "Yes.", True),
    ("What is making the noise?", "birds", " Birds!", True),
    ("Are people talking?", "no", "no, nobody", False),
    ("What is the weather like?", "rainy", "rain", False),
    ("How many cars pass by?", "two", "'two'", True),
]


@pytest.mark.parametrize(
    ("task", "split"),
    [("clotho_aqa_val", "clotho_aqa_val_filtered"), ("clotho_aqa_test", "clotho_aqa_test_filtered")],
)
def test_clotho_aqa_exact_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, split: str
) -> None:
    root = tmp_path / "root"
    columns = {
        "audio": [{"bytes": wav(), "path": None} for _ in ROWS],
        "question": [r[0] for r in ROWS],
        "answer": [r[1] for r in ROWS],
    }
    write_audio_split(root, "lmms-lab-audio/ClothoAQA", split, columns, FEATURES, config="clotho_aqa")
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[2] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["scores"]["exact_match"] == 1.0 for i in range(5)] == [r[3] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(60.0)
    text = samples["0"]["prompt"][0]["content"][1]["text"]
    assert text == "Is there a dog barking?\nAnswer the question using a single word only. "
    assert [p["type"] for p in samples["0"]["prompt"][0]["content"]] == ["audio", "text"]
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
