"""The Common Voice 15 tasks and their group end to end: rows in Common Voice's columns (lmms-lab-audio/
common_voice_15, configs en / fr / zh-CN, split test; tiny generated WAV clips), messy replayed transcripts,
and pooled error rates computed by hand: English WER after Whisper's English normalizer, French WER after
Whisper's basic normalizer (openai/whisper@c0d2f62, whisper/normalizers/), Mandarin CER over the reference
without spaces, punctuation removed then the basic normalizer, then spaces removed on both sides; overall and by gender. The normalized tokens
below were checked against the official normalizers."""

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
    {
        "client_id": STR,
        "path": STR,
        "audio": datasets.Audio(sampling_rate=48000),
        "sentence": STR,
        "up_votes": datasets.Value("int64"),
        "down_votes": datasets.Value("int64"),
        "age": STR,
        "gender": STR,
        "accent": STR,
        "locale": STR,
        "segment": STR,
        "variant": STR,
    }
)
PROMPT = "Please recognize the speech and only output the recognized content:"
ROWS = {  # config -> [(gender, sentence, response, edits, reference length)]
    "en": [
        ("male", "The colour of the sky is blue.", "the color of the sky is blue", 0, 7),
        ("female", "He said: twenty-five dogs!", "She said 25 dog", 2, 4),  # "he said 25 dogs"
        ("female", "Good morning everyone.", "Transcription: good morning, everyone", 1, 3),
    ],
    "fr": [
        ("male", "Bonjour, comment allez-vous ?", "bonjour comment allez vous", 0, 4),
        (
            "female",
            "C'est l'été à Paris.",
            "C'est l'ete a Paris",
            2,
            6,
        ),  # "c est l été à paris": accents kept
    ],
    "zh-CN": [
        ("male", "我们今天去公园。", "我们今天去公园", 0, 7),
        # 你 -> 您; the response's comma and space do not count (spaces removed on both sides)
        ("female", "你好，世界！", "您好, 世界", 1, 4),
    ],
}
KEYS = {"en": "wer", "fr": "wer", "zh-CN": "cer"}


def _path(config: str, i: int) -> str:
    return f"common_voice_{config}_{1000 + i}.mp3"


def _mirror(root: Path) -> None:
    for config, rows in ROWS.items():
        n = len(rows)
        columns: dict[str, list[Any]] = {
            "client_id": [f"client{i}" for i in range(n)],
            "path": [_path(config, i) for i in range(n)],
            "audio": [
                {"bytes": wav(rate=48000, hz=200 + 40 * i), "path": _path(config, i)} for i in range(n)
            ],
            "sentence": [r[1] for r in rows],
            "up_votes": [2] * n,
            "down_votes": [0] * n,
            "age": ["twenties"] * n,
            "gender": [r[0] for r in rows],
            "accent": [""] * n,
            "locale": [config] * n,
            "segment": [""] * n,
            "variant": [""] * n,
        }
        write_audio_split(root, "lmms-lab-audio/common_voice_15", "test", columns, FEATURES, config=config)


def _rate(rows: list[tuple[str, str, str, int, int]]) -> float:
    return 100 * sum(r[3] for r in rows) / sum(r[4] for r in rows)


@pytest.mark.parametrize("config", list(ROWS))
def test_common_voice_15_pooled_error_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    rows, key = ROWS[config], KEYS[config]
    task = f"common_voice_15_{config}"
    answers = {_path(config, i): r[2] for i, r in enumerate(rows)}
    results, samples = replay(tmp_path, monkeypatch, task, root, answers)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (len(rows), len(rows), 0)
    assert value(results, key) == pytest.approx(_rate(rows))
    for gender in ("male", "female"):
        expected = _rate([r for r in rows if r[0] == gender])
        assert value(results, key, "gender", gender) == pytest.approx(expected), gender
    (message,) = samples[_path(config, 0)]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    assert message["content"][1]["text"] == PROMPT


def test_common_voice_15_hand_values() -> None:
    """The pooled rates above, spelled out: not the mean of per-clip rates."""
    assert _rate(ROWS["en"]) == pytest.approx(100 * 3 / 14)
    assert _rate(ROWS["fr"]) == pytest.approx(100 * 2 / 10)
    assert _rate(ROWS["zh-CN"]) == pytest.approx(100 * 1 / 11)


def test_common_voice_15_group_runs_its_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    lines = [
        json.dumps({"task": f"common_voice_15_{c}", "doc_id": _path(c, i), "response": r[2]}) + "\n"
        for c, rows in ROWS.items()
        for i, r in enumerate(rows)
    ]
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "common_voice_15",
         "--data_root", str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    data: dict[str, Any] = json.loads(next(out.glob("replay/*/results.json")).read_text())
    for config, rows in ROWS.items():
        assert value(data["results"][f"common_voice_15_{config}"], KEYS[config]) == pytest.approx(_rate(rows))
    # WER (en, fr) and CER (zh-CN): no metric shared by all three, so no combined number
    assert data["groups"]["common_voice_15"]["metrics"] == {}


def test_common_voice_15_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _mirror(root)
    reports = validate([f"common_voice_15_{c}" for c in ROWS], data_root=root)
    assert [(r.data, [f for f in r.findings if f.level == "error"]) for r in reports] == [("mirror", [])] * 3
