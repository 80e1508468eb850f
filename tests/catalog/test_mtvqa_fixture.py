"""mtvqa end to end: rows in the schema of ByteDance/MTVQA (test: image, qa_pairs as the text of a Python list,
lang, id) in the mirror layout, flattened to one doc per question, messy replayed answers, the official
accuracy by hand: per language, then the mean of the languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"image": datasets.Image(), "qa_pairs": STR, "lang": STR, "id": datasets.Value("int64")}
)


def test_mtvqa_scores_the_language_mean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_split(
        tmp_path / "root",
        "ByteDance/MTVQA",
        "test",
        {
            "image": [image("red"), image("green")],
            "qa_pairs": [
                "[{'question': 'Welche Stadt?', 'answer': 'Berlin'}, {'question': 'Welcher Preis?', 'answer': '3.5'},"
                " {'question': 'Welches Jahr?', 'answer': '12'}]",
                "[{'question': 'この店の名前は？', 'answer': '東京'}]",
            ],
            "lang": ["DE", "JA"],
            "id": [101, 202],
        },
        FEATURES,
    )
    predictions = {
        "101_0": "Die Stadt ist BERLIN.",  # right: a substring, case ignored
        "101_1": "3.5",  # wrong: the response loses its period, the answer keeps it
        "101_2": "2012",  # right: "12" is in "2012"
        "202_0": "東京です。",
    }
    results, samples = replay(tmp_path, monkeypatch, "mtvqa", tmp_path / "root", predictions)
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert {k: s["scores"]["accuracy"] for k, s in samples.items()} == {
        "101_0": 1.0, "101_1": 0.0, "101_2": 1.0, "202_0": 1.0,
    }  # fmt: skip
    assert value(results, "accuracy", "lang", "DE") == pytest.approx(100 * 2 / 3)
    assert value(results, "accuracy") == pytest.approx(100 * (2 / 3 + 1) / 2)  # languages weighted equally
