"""The VoxPopuli tasks and their group end to end: rows in the columns of facebook/voxpopuli (one config per
language, split test: audio_id, language (class label), audio, raw_text, normalized_text, gender, speaker_id,
is_gold_transcript, accent; tiny generated WAV clips), one segment transcribed right (capitalized, with a
period), one with its last word missing and one with an empty reference (left out, as on the Open ASR
Leaderboard), and corpus WER computed by hand: Whisper's English normalizer for en and en_accented, its basic
normalizer for the other languages (openai/whisper@c0d2f62, whisper/normalizers/), word edits and reference
words pooled. The word counts below were checked against the official normalizers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
LANGUAGES = ["en", "de", "fr", "es", "pl", "it", "ro", "hu", "cs", "nl", "fi", "hr", "sk", "sl", "et", "lt"]
FEATURES = datasets.Features(
    {
        "audio_id": STR,
        "language": datasets.ClassLabel(names=[*LANGUAGES, "en_accented"]),
        "audio": datasets.Audio(sampling_rate=16000),
        "raw_text": STR,
        "normalized_text": STR,
        "gender": STR,
        "speaker_id": STR,
        "is_gold_transcript": datasets.Value("bool"),
        "accent": STR,
    }
)
SENTENCES = {  # config -> (segment answered right, its words; segment answered without its last word, its words)
    "en": ("the session is open", 4, "thank you mister president", 4),
    "en_accented": ("we must protect our environment", 5, "the vote will take place tomorrow", 6),
    "de": ("die sitzung ist eröffnet", 4, "vielen dank herr präsident", 4),
    "fr": ("la séance est ouverte", 4, "merci monsieur le président", 4),
    "es": ("se abre la sesión", 4, "gracias señor presidente", 3),
    "pl": ("otwieram posiedzenie", 2, "dziękuję panie przewodniczący", 3),
    "it": ("la seduta è aperta", 4, "grazie signor presidente", 3),
    "ro": ("ședința este deschisă", 3, "mulțumesc domnule președinte", 3),
    "hu": ("az ülést megnyitom", 3, "köszönöm elnök úr", 3),
    "cs": ("zahajuji zasedání", 2, "děkuji pane předsedající", 3),
    "nl": ("de vergadering is geopend", 4, "dank u wel voorzitter", 4),
    "fi": ("istunto on avattu", 3, "kiitos arvoisa puhemies", 3),
    "hr": ("sjednica je otvorena", 3, "hvala gospodine predsjedniče", 3),
    "sk": ("otváram rokovanie", 2, "ďakujem pán predsedajúci", 3),
    "sl": ("sejo odpiram", 2, "hvala gospod predsednik", 3),
    "et": ("istung on avatud", 3, "tänan austatud juhataja", 3),
    "lt": ("posėdis pradedamas", 2, "dėkoju pirmininke", 2),
}
ACCENTS = ["en_nl", "en_fr", "en_de"]  # of the three en_accented segments (the second is left out)


def _expected(config: str) -> float:
    _, right_words, _, short_words = SENTENCES[config]
    return 100 * 1 / (right_words + short_words)  # one deleted word over both references


def _rows(config: str) -> list[tuple[str, str]]:
    """(normalized_text, response) of the three segments of a config."""
    right, _, short, _ = SENTENCES[config]
    return [(right, right.capitalize() + "."), ("", "Thank you."), (short, short.rsplit(" ", 1)[0])]


def _id(config: str, i: int) -> str:
    return f"20180206-0900-PLENARY-{config}_{i}"


def _mirror(root: Path) -> None:
    for config in SENTENCES:
        rows = _rows(config)
        label = LANGUAGES.index(config) if config in LANGUAGES else 16
        columns: dict[str, list[Any]] = {
            "audio_id": [_id(config, i) for i in range(3)],
            "language": [label] * 3,
            "audio": [{"bytes": wav(hz=240 + 20 * i), "path": f"{_id(config, i)}.wav"} for i in range(3)],
            "raw_text": [r[0] for r in rows],
            "normalized_text": [r[0] for r in rows],
            "gender": ["female", "male", "female"],
            "speaker_id": ["1001", "1002", "1003"],
            "is_gold_transcript": [True] * 3,
            "accent": ACCENTS if config == "en_accented" else ["None"] * 3,
        }
        write_audio_split(root, "facebook/voxpopuli", "test", columns, FEATURES, config=config)


@pytest.mark.parametrize("config", list(SENTENCES))
def test_voxpopuli_corpus_wer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str) -> None:
    root = tmp_path / "root"
    _mirror(root)
    task = f"voxpopuli_{config}"
    answers = {_id(config, i): r[1] for i, r in enumerate(_rows(config))}
    results, samples = replay(tmp_path, monkeypatch, task, root, answers)
    assert sorted(samples) == [_id(config, 0), _id(config, 2)]  # the empty reference is left out
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert value(results, "wer") == pytest.approx(_expected(config))
    (message,) = samples[_id(config, 0)]["prompt"]
    assert [p["type"] for p in message["content"]] == ["audio", "text"]
    code = "en" if config == "en_accented" else config
    assert message["content"][1]["text"] == f"Please transcribe the following audio in {code}."


def test_voxpopuli_en_accented_by_accent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    answers = {_id("en_accented", i): r[1] for i, r in enumerate(_rows("en_accented"))}
    results, _ = replay(tmp_path, monkeypatch, "voxpopuli_en_accented", root, answers)
    assert value(results, "wer", "accent", "en_nl") == pytest.approx(0.0)  # 0 edits over 5 words
    assert value(results, "wer", "accent", "en_de") == pytest.approx(100 / 6)  # 1 deletion over 6 words
    assert "en_fr" not in results["breakdown"]["accent"]


def test_voxpopuli_group_is_the_mean_of_the_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _mirror(root)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    lines = [
        json.dumps({"task": f"voxpopuli_{c}", "doc_id": _id(c, i), "response": r[1]}) + "\n"
        for c in SENTENCES
        for i, r in enumerate(_rows(c))
    ]
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "voxpopuli", "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    data: dict[str, Any] = json.loads(next(out.glob("replay/*/results.json")).read_text())
    assert len(data["results"]) == 17
    expected = [_expected(c) for c in SENTENCES]
    assert value(data["groups"]["voxpopuli"], "wer") == pytest.approx(sum(expected) / 17)


def test_voxpopuli_validates_on_the_fixture(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _mirror(root)
    reports = validate([f"voxpopuli_{c}" for c in SENTENCES], data_root=root)
    assert [(r.data, [f for f in r.findings if f.level == "error"]) for r in reports] == [("mirror", [])] * 17
