"""The GigaSpeech tasks and their group end to end: rows in the columns lmms-eval 0.7.3 reads from
lmms-lab-audio/gigaspeech (configs dev / test; audio, gt, with prompt, source and task as in lmms-lab's other
ASR sets; tiny generated WAV clips), GigaSpeech-style references (punctuation and garbage tags), messy replayed
transcripts, and corpus WER computed by hand as the Open ASR Leaderboard does: Whisper's English normalizer
(openai/whisper@c0d2f62) on both sides, utterances whose normalized reference is empty left out
(normalizer/data_utils.py is_target_text_in_range), edits and reference words pooled. The normalized words
below were checked against the official normalizer."""

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
SPLITS = {  # task -> (config, split, [(gt, response, kept, edits, reference words)])
    "gigaspeech_dev": (
        "dev",
        "validation",
        [
            # "as they are leaving can kash pull zahra aside really quickly" on both sides
            (
                "AS THEY'RE LEAVING <COMMA> CAN KASH PULL ZAHRA ASIDE REALLY QUICKLY <QUESTIONMARK>",
                "As they're leaving, can Kash pull Zahra aside really quickly?",
                True,
                0,
                11,
            ),
            ("<SIL>", "[silence]", False, 0, 0),  # garbage utterances normalize to nothing: left out
            ("<NOISE> <MUSIC>", "music playing", False, 0, 0),
            ("UM", "um", False, 0, 0),  # a filler only: nothing left either
            ("I THINK SO <PERIOD>", "I think so too.", True, 1, 3),
            ("UH HUH", "", True, 1, 1),  # "huh" remains: kept, and deleted by the empty answer
        ],
    ),
    "gigaspeech_test": ("test", "test", [("HELLO <COMMA> WORLD <PERIOD>", "hello world", True, 0, 2)]),
}
EXPECTED = {"gigaspeech_dev": 100 * 2 / 15, "gigaspeech_test": 0.0}  # without the filter dev would be 5 / 15
# lmms-eval 0.7.3 also reads the dev and test sets from the configs of the training-subset releases (xs ... xl),
# which hold the same utterances: task -> (config, split, the gigaspeech_dev / gigaspeech_test task it repeats)
SIZES = {
    f"gigaspeech_{size}_{name}": (size, split, f"gigaspeech_{name}")
    for size in ("xs", "s", "m", "l", "xl")
    for name, split in (("dev", "validation"), ("test", "test"))
}


def _mirror(root: Path) -> None:
    for config, split, rows in SPLITS.values():
        n = len(rows)
        columns: dict[str, list[Any]] = {
            "audio": [{"bytes": wav(hz=220 + 20 * i), "path": f"{config}-{i}.wav"} for i in range(n)],
            "gt": [r[0] for r in rows],
            "prompt": [PROMPT] * n,
            "source": ["gigaspeech"] * n,
            "task": ["asr_en"] * n,
        }
        write_audio_split(root, "lmms-lab-audio/gigaspeech", split, columns, FEATURES, config=config)
        for size in ("xs", "s", "m", "l", "xl"):
            write_audio_split(root, "lmms-lab-audio/gigaspeech", split, columns, FEATURES, config=size)


def _kept(rows: list[tuple[str, str, bool, int, int]]) -> list[tuple[str, str, bool, int, int]]:
    """The rows the task keeps; without an id column, a doc's id is its position among them."""
    return [r for r in rows if r[2]]


@pytest.mark.parametrize("task", [*SPLITS, *SIZES])
def test_gigaspeech_corpus_wer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    root = tmp_path / "root"
    _mirror(root)
    same = SIZES[task][2] if task in SIZES else task
    rows = SPLITS[same][2]
    kept = _kept(rows)
    assert 100 * sum(r[3] for r in rows) / sum(r[4] for r in rows) == pytest.approx(EXPECTED[same])
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[1] for i, r in enumerate(kept)})
    assert sorted(samples) == [str(i) for i in range(len(kept))]
    assert [samples[str(i)]["target"] for i in range(len(kept))] == [r[0] for r in kept]
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (len(kept), len(kept), 0)
    assert value(results, "wer") == pytest.approx(EXPECTED[same])
    config, split = SIZES[task][:2] if task in SIZES else SPLITS[task][:2]
    assert results["dataset"]["source"] == f"hf:lmms-lab-audio/gigaspeech/{config}[{split}]"
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    assert message["content"][1]["text"] == PROMPT


def test_gigaspeech_group_is_the_mean_of_dev_and_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    lines = [
        json.dumps({"task": task, "doc_id": str(i), "response": r[1]}) + "\n"
        for task, (_, _, rows) in SPLITS.items()
        for i, r in enumerate(_kept(rows))
    ]
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "gigaspeech", "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    data: dict[str, Any] = json.loads(next(out.glob("replay/*/results.json")).read_text())
    for task, expected in EXPECTED.items():
        assert value(data["results"][task], "wer") == pytest.approx(expected), task
    assert value(data["groups"]["gigaspeech"], "wer") == pytest.approx(sum(EXPECTED.values()) / 2)


def test_gigaspeech_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _mirror(root)
    reports = validate([*SPLITS, *SIZES], data_root=root)
    assert [(r.data, [f for f in r.findings if f.level == "error"]) for r in reports] == [("mirror", [])] * 12


#: the tasks the parametrized tests above run, by name (scripts/gen_tasks_doc.py reads the names here)
TASK_NAMES = (
    "gigaspeech_l_dev",
    "gigaspeech_l_test",
    "gigaspeech_m_dev",
    "gigaspeech_m_test",
    "gigaspeech_s_dev",
    "gigaspeech_s_test",
    "gigaspeech_xl_dev",
    "gigaspeech_xl_test",
    "gigaspeech_xs_dev",
    "gigaspeech_xs_test",
)


def test_the_parametrized_tasks_are_the_named_ones() -> None:
    assert sorted(list(SIZES)) == sorted(TASK_NAMES)
