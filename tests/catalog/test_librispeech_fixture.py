"""The LibriSpeech tasks and their group end to end: rows in the columns of lmms-lab-audio/librispeech (one
config per split: audio, gt, prompt, source, task; tiny generated WAV clips), messy replayed transcripts,
and corpus WER computed by hand as the Open ASR Leaderboard does: Whisper's English normalizer
(openai/whisper@c0d2f62, whisper/normalizers/english.py) on both sides, word edits summed over the split
divided by reference words summed over the split. The normalized words below were checked against the
official normalizer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"audio": datasets.Audio(sampling_rate=16000), "gt": STR, "prompt": STR, "source": STR, "task": STR}
)
PROMPT = "Please recognize the speech and only output the recognized content:"
SPLITS = {  # split -> [(reference, response, word edits, reference words after normalization)]
    "librispeech_dev_clean": [
        # "mr" -> "mister", punctuation dropped: no edit (17 words)
        (
            "MISTER QUILTER IS THE APOSTLE OF THE MIDDLE CLASSES AND WE ARE GLAD TO WELCOME HIS GOSPEL",
            "Mr. Quilter is the apostle of the middle classes, and we are glad to welcome his gospel.",
            0,
            17,
        ),
        # "quilter's" -> "quilter is" on both sides (11 words); a chatty preamble: 5 insertions
        (
            "NOR IS MISTER QUILTER'S MANNER LESS INTERESTING THAN HIS MATTER",
            "Sure! Here is the transcription: Nor is Mr. Quilter's manner less interesting than his matter.",
            5,
            11,
        ),
        # no answer: 19 deletions
        (
            "HE TELLS US THAT AT THIS FESTIVE SEASON OF THE YEAR WITH CHRISTMAS AND ROAST BEEF LOOMING BEFORE US",
            "",
            19,
            19,
        ),
    ],
    "librispeech_dev_other": [
        ("TWENTY FIVE YEARS AGO", "25 years ago.", 0, 3),  # both "25 years ago"
        ("THE COLOUR OF THE SKY", "The color of the sea", 1, 5),  # colour -> color; sky/sea
    ],
    "librispeech_test_clean": [("HELLO WORLD", "hello word", 1, 2)],
    "librispeech_test_other": [("I DO NOT KNOW", "I don't know", 0, 4)],  # don't -> do not
}
# corpus WERs in percent: pooled, not the mean of per-utterance rates ((0 + 5/11 + 1) / 3 for dev-clean)
EXPECTED = {
    "librispeech_dev_clean": 100 * 24 / 47,
    "librispeech_dev_other": 100 * 1 / 8,
    "librispeech_test_clean": 100 * 1 / 2,
    "librispeech_test_other": 0.0,
}


def _mirror(root: Path) -> None:
    for split, rows in SPLITS.items():
        columns: dict[str, list[Any]] = {
            "audio": [{"bytes": wav(hz=300 + 50 * i), "path": f"{split}-{i}.flac"} for i in range(len(rows))],
            "gt": [r[0] for r in rows],
            "prompt": [PROMPT] * len(rows),
            "source": ["librispeech"] * len(rows),
            "task": ["asr_en"] * len(rows),
        }
        write_audio_split(root, "lmms-lab-audio/librispeech", split, columns, FEATURES, config=split)


@pytest.mark.parametrize("task", list(SPLITS))
def test_librispeech_corpus_wer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    root = tmp_path / "root"
    _mirror(root)
    rows = SPLITS[task]
    assert 100 * sum(r[2] for r in rows) / sum(r[3] for r in rows) == pytest.approx(EXPECTED[task])
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[1] for i, r in enumerate(rows)})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (len(rows), len(rows), 0)
    assert value(results, "wer") == pytest.approx(EXPECTED[task])
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    assert message["content"][1]["text"] == PROMPT


def _run_group(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    group: str,
    root: Path,
    answers: dict[tuple[str, str], str],
) -> dict[str, Any]:
    """Run a group over the mirror with the replay model answering ``(task, doc_id) -> response``; the
    results of the group and of its tasks, by name."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "group_predictions.jsonl"
    lines = (json.dumps({"task": t, "doc_id": d, "response": r}) + "\n" for (t, d), r in answers.items())
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "group_out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", group, "--data_root", str(root),
         "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    data = json.loads(next(out.glob("replay/*/results.json")).read_text())
    return {**data["results"], **data["groups"]}


def test_librispeech_group_is_the_mean_of_the_split_wers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    answers = {(split, str(i)): r[1] for split, rows in SPLITS.items() for i, r in enumerate(rows)}
    results = _run_group(tmp_path, monkeypatch, "librispeech", root, answers)
    for split, expected in EXPECTED.items():
        assert value(results[split], "wer") == pytest.approx(expected), split
    assert value(results["librispeech"], "wer") == pytest.approx(sum(EXPECTED.values()) / 4)


def test_librispeech_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _mirror(root)
    reports = validate(list(SPLITS), data_root=root)
    assert [(r.data, [f for f in r.findings if f.level == "error"]) for r in reports] == [("mirror", [])] * 4
