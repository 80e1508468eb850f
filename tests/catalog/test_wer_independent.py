"""Corpus WER through the user's path equals an independent computation: transformers' own port of
Whisper's English normalizer (``transformers.models.whisper.english_normalizer.EnglishTextNormalizer``,
given Whisper's spelling table) and jiwer's corpus ``wer`` over the lists of references and predictions.

Two sets: the bundled spoken digits (``fsdd_asr`` over the sample pack's real recordings) and a generated
LibriSpeech-schema split (``librispeech_test_clean`` over rows in lmms-lab-audio/librispeech's columns),
each answered by replayed messy transcripts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.cli.main import main

jiwer = pytest.importorskip("jiwer")
english_normalizer = pytest.importorskip("transformers.models.whisper.english_normalizer")

SPELLING = Path(__file__).resolve().parents[2] / "lmms_eval" / "data" / "whisper_english_spelling.json"
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _independent_wer(references: list[str], predictions: list[str]) -> float:
    normalize = english_normalizer.EnglishTextNormalizer(json.loads(SPELLING.read_text()))
    return 100 * jiwer.wer([normalize(r) for r in references], [normalize(p) for p in predictions])


def _pick(key: str, options: list[str]) -> str:
    return options[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(options)]


def _messy_digit(name: str, digit: int) -> str:
    word, wrong = WORDS[digit], WORDS[(digit + 3) % 10]
    return _pick(name, [f"{word.capitalize()}.", str(digit), wrong, f"The speaker says: {word}", "", f"{word} {word}",
                        f"Uh, {word}!", f"It's {digit}."])  # fmt: skip


def test_fsdd_wer_equals_whisper_normalizer_plus_jiwer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LMMS_EVAL_DATA_ROOT", raising=False)
    recordings = Path(__file__).resolve().parents[2] / "lmms_eval" / "data" / "sample" / "fsdd" / "recordings"
    names = sorted(p.stem for p in recordings.glob("*.wav") if int(p.stem.split("_")[2]) < 5)
    assert len(names) == 120  # the sample pack: 10 digits x 6 speakers x indices 0-1
    answers = {n: _messy_digit(n, int(n[0])) for n in names}
    preds = tmp_path / "preds.jsonl"
    preds.write_text(
        "".join(
            json.dumps({"task": "fsdd_asr", "doc_id": n, "response": r}) + "\n" for n, r in answers.items()
        )
    )
    out = tmp_path / "out"
    argv = ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "fsdd_asr"]
    assert main([*argv, "--output_path", str(out)]) == 0
    results = json.loads(next(out.glob("replay/*/results.json")).read_text())["results"]["fsdd_asr"]
    assert results["n_scored"] == 120
    expected = _independent_wer([WORDS[int(n[0])] for n in names], [answers[n] for n in names])
    assert 50 < expected < 150  # a real mix: right answers, substitutions, deletions, chatty insertions
    assert results["metrics"]["wer"]["value"] == pytest.approx(expected, abs=1e-9)
    for speaker in {n.split("_")[1] for n in names}:
        mine = [n for n in names if n.split("_")[1] == speaker]
        by_speaker = _independent_wer([WORDS[int(n[0])] for n in mine], [answers[n] for n in mine])
        assert value(results, "wer", "speaker", speaker) == pytest.approx(by_speaker, abs=1e-9)


REFERENCES = [
    "MISTER QUILTER IS THE APOSTLE OF THE MIDDLE CLASSES AND WE ARE GLAD TO WELCOME HIS GOSPEL",
    "NOR IS MISTER QUILTER'S MANNER LESS INTERESTING THAN HIS MATTER",
    "HE TELLS US THAT AT THIS FESTIVE SEASON OF THE YEAR WITH CHRISTMAS AND ROAST BEEF LOOMING BEFORE US",
    "TWENTY FIVE YEARS AGO THE COLOUR OF THE SKY WAS GREY",
    "I DO NOT KNOW WHY ONE HUNDRED AND TWENTY THREE PEOPLE CAME",
    "THE PRICE WAS TWO DOLLARS AND FIFTY CENTS AT NINE O'CLOCK",
]
PREDICTIONS = [
    "Mr. Quilter is the apostle of the middle classes, and we are glad to welcome his gospel.",
    "Sure! Here is the transcription: Nor is Mr. Quilter's manner less interesting than his matter.",
    "",
    "25 years ago the color of the sky was gray.",
    "I don't know why 123 people came",
    "The price was $2.50 at 9 o'clock.",
]


def test_librispeech_schema_wer_equals_whisper_normalizer_plus_jiwer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    text = datasets.Value("string")
    features = datasets.Features(
        {
            "audio": datasets.Audio(sampling_rate=16000),
            "gt": text,
            "prompt": text,
            "source": text,
            "task": text,
        }
    )
    n = len(REFERENCES)
    columns = {
        "audio": [{"bytes": wav(hz=200 + 30 * i), "path": f"{i}.wav"} for i in range(n)],
        "gt": REFERENCES,
        "prompt": ["Please recognize the speech and only output the recognized content:"] * n,
        "source": ["librispeech"] * n,
        "task": ["asr"] * n,
    }
    config = "librispeech_test_clean"
    write_audio_split(root, "lmms-lab-audio/librispeech", config, columns, features, config=config)
    results, _ = replay(tmp_path, monkeypatch, config, root, {str(i): p for i, p in enumerate(PREDICTIONS)})
    expected = _independent_wer(REFERENCES, PREDICTIONS)
    assert 20 < expected < 60
    assert value(results, "wer") == pytest.approx(expected, abs=1e-9)
