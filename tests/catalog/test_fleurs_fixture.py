"""The FLEURS tasks and their group end to end: rows in google/fleurs' columns (lmms-lab-audio/fleurs, configs
en_us / cmn_hans_cn / yue_hant_hk, split test; tiny generated WAV clips; two speakers reading one sentence
share its `id`), messy replayed transcripts, and pooled error rates computed by hand: English WER after
Whisper's English normalizer (openai/whisper@c0d2f62, whisper/normalizers/english.py), Chinese CER over the
reference without spaces, punctuation removed then Whisper's basic normalizer. The normalized tokens below
were checked against the official normalizers."""

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
        "id": datasets.Value("int32"),
        "num_samples": datasets.Value("int32"),
        "path": STR,
        "audio": datasets.Audio(sampling_rate=16000),
        "transcription": STR,
        "raw_transcription": STR,
        "gender": datasets.ClassLabel(names=["male", "female", "other"]),
        "lang_id": datasets.Value("int64"),
        "language": STR,
        "lang_group_id": datasets.Value("int64"),
    }
)
PROMPT = "Please recognize the speech and only output the recognized content:"
CONFIGS = {  # task -> (config, language, [(sentence id, transcription, response, edits, reference length)])
    "fleurs_en": (
        "en_us",
        "English",
        [
            (1, "the cat sat on the mat", "The cat sat on the mat.", 0, 6),
            (1, "the cat sat on the mat", "the cat sat on a mat", 1, 6),  # the same sentence, another speaker
            (2, "she bought three apples", "She bought 3 apples and", 1, 4),  # "she bought 3 apples"
        ],
    ),
    "fleurs_cmn_hans_cn": (
        "cmn_hans_cn",
        "Mandarin Chinese",
        [
            (7, "这 是 一 个 测试", "这是一个测试。", 0, 6),  # spaces of the reference and 。 do not count
            (8, "我 爱 北京", "我喜欢北京", 2, 4),  # 爱 -> 喜, 欢 inserted
        ],
    ),
    "fleurs_yue_hant_hk": (
        "yue_hant_hk",
        "Cantonese Chinese",
        [
            (3, "你 好", "你好", 0, 2),
            (4, "廣東話", "广东话", 3, 3),  # simplified characters against the traditional reference
        ],
    ),
}
KEYS = {"fleurs_en": "wer", "fleurs_cmn_hans_cn": "cer", "fleurs_yue_hant_hk": "cer"}
EXPECTED = {"fleurs_en": 100 * 2 / 16, "fleurs_cmn_hans_cn": 100 * 2 / 10, "fleurs_yue_hant_hk": 100 * 3 / 5}


def _path(config: str, i: int) -> str:
    return f"{config}_{9000 + i}.wav"


def _mirror(root: Path) -> None:
    for config, language, rows in CONFIGS.values():
        n = len(rows)
        columns: dict[str, list[Any]] = {
            "id": [r[0] for r in rows],
            "num_samples": [800] * n,
            "path": [_path(config, i) for i in range(n)],
            "audio": [{"bytes": wav(hz=250 + 30 * i), "path": _path(config, i)} for i in range(n)],
            "transcription": [r[1] for r in rows],
            "raw_transcription": [r[1] for r in rows],
            "gender": [i % 2 for i in range(n)],
            "lang_id": [0] * n,
            "language": [language] * n,
            "lang_group_id": [0] * n,
        }
        write_audio_split(root, "lmms-lab-audio/fleurs", "test", columns, FEATURES, config=config)


@pytest.mark.parametrize("task", list(CONFIGS))
def test_fleurs_pooled_error_rate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    root = tmp_path / "root"
    _mirror(root)
    config, _, rows = CONFIGS[task]
    assert 100 * sum(r[3] for r in rows) / sum(r[4] for r in rows) == pytest.approx(EXPECTED[task])
    answers = {_path(config, i): r[2] for i, r in enumerate(rows)}
    results, samples = replay(tmp_path, monkeypatch, task, root, answers)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (len(rows), len(rows), 0)
    assert value(results, KEYS[task]) == pytest.approx(EXPECTED[task])
    (message,) = samples[_path(config, 0)]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    assert message["content"][1]["text"] == PROMPT


def test_fleurs_group_runs_english_and_mandarin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    lines = [
        json.dumps({"task": task, "doc_id": _path(CONFIGS[task][0], i), "response": r[2]}) + "\n"
        for task in ("fleurs_en", "fleurs_cmn_hans_cn")
        for i, r in enumerate(CONFIGS[task][2])
    ]
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "fleurs", "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    data: dict[str, Any] = json.loads(next(out.glob("replay/*/results.json")).read_text())
    assert sorted(data["results"]) == ["fleurs_cmn_hans_cn", "fleurs_en"]
    for task in ("fleurs_en", "fleurs_cmn_hans_cn"):
        assert value(data["results"][task], KEYS[task]) == pytest.approx(EXPECTED[task])
    assert data["groups"]["fleurs"]["metrics"] == {}  # a WER and a CER: nothing to combine


def test_fleurs_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _mirror(root)
    reports = validate(list(CONFIGS), data_root=root)
    assert [(r.data, [f for f in r.findings if f.level == "error"]) for r in reports] == [("mirror", [])] * 3
