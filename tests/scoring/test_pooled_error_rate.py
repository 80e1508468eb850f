"""Pooled (corpus) WER and CER against jiwer 4.0.0, the library behind the Open ASR Leaderboard's WER
(``evaluate``'s ``wer`` metric calls it on the whole list of references and predictions).

``fixtures/pooled_error_rate_official_cases.jsonl``: 400 random corpora of 1-25 utterances, each line the
raw ``references`` and ``predictions`` and jiwer's corpus ``wer`` (``process_words``), ``cer``
(``process_characters``) and edit counts over the texts after openai/whisper's official
``EnglishTextNormalizer`` (commit c0d2f62). Made outside the repository from the inputs of
``whisper_normalizers_official_cases.jsonl``: references drawn from inputs that normalize to something,
predictions made from them by dropping, replacing, upper-casing and inserting words ("uh", "[noise]",
"Colour"...), some empty, some unrelated.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.pooled_error_rate import (
    CODE_BASE,
    cer_counts,
    decode_counts,
    encode_counts,
    pooled_error_rate,
    wer_counts,
)
from lmms_eval.stats import estimate

CORPORA = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "pooled_error_rate_official_cases.jsonl").open(
        encoding="utf-8"
    )
]


def _codes(metric, corpus: dict) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.array(
        [
            metric(p, r, {}, normalize="whisper_english")
            for p, r in zip(corpus["predictions"], corpus["references"])
        ]
    )


def test_corpus_wer_and_cer_match_jiwer_on_every_corpus() -> None:
    assert len(CORPORA) == 400
    for corpus in CORPORA:
        wer = pooled_error_rate(_codes(wer_counts, corpus))[0]
        cer = pooled_error_rate(_codes(cer_counts, corpus))[0]
        assert wer == pytest.approx(corpus["wer"], abs=1e-12), corpus
        assert cer == pytest.approx(corpus["cer"], abs=1e-12), corpus
        edits, _ = decode_counts(_codes(wer_counts, corpus))
        assert edits.sum() == corpus["substitutions"] + corpus["deletions"] + corpus["insertions"]


def test_pooled_is_not_the_mean_of_utterance_rates() -> None:
    codes = np.array([wer_counts("a b c d", "a b c d e f g h", {}), wer_counts("x", "y", {})])
    assert pooled_error_rate(codes)[0] == pytest.approx(5 / 9)  # 4 + 1 edits over 8 + 1 words
    assert np.mean([4 / 8, 1 / 1]) == pytest.approx(0.75)


def test_codes_round_trip_and_missing_predictions() -> None:
    assert decode_counts(np.array([encode_counts(3, 17)])) == (np.array([3.0]), np.array([17.0]))
    assert wer_counts(None, "one two three", {}) == encode_counts(3, 3)  # all deleted
    assert cer_counts("  ab ", "abc", {}) == encode_counts(1, 3)  # surrounding spaces stripped
    assert wer_counts("", "", {}) == 0.0 and pooled_error_rate(np.array([0.0]))[0] == 0.0
    assert np.isnan(pooled_error_rate(np.array([encode_counts(2, 0)]))[0])  # edits over no reference
    with pytest.raises(ValueError, match="out of range"):
        encode_counts(0, CODE_BASE)
    with pytest.raises(ConfigError, match="wer_counts"):
        pooled_error_rate(np.array([0.5]))


def test_counts_form_and_bootstrap_agree_with_resampling_by_hand() -> None:
    rng = np.random.default_rng(0)
    codes = np.array(
        [encode_counts(int(e), int(n)) for e, n in zip(rng.integers(0, 5, 40), rng.integers(1, 30, 40))]
    )
    draws = rng.integers(0, 40, size=(7, 40))
    by_rows = pooled_error_rate(codes[draws])
    counts = np.stack([np.bincount(d, minlength=40) for d in draws])
    assert np.allclose(pooled_error_rate.from_counts(codes, None, counts), by_rows)  # type: ignore[attr-defined]
    edits, lengths = decode_counts(codes[draws])
    assert np.allclose(by_rows, edits.sum(axis=1) / lengths.sum(axis=1))
    result = estimate(codes, pooled_error_rate, bootstrap_iters=200)
    assert result.value == pytest.approx(decode_counts(codes)[0].sum() / decode_counts(codes)[1].sum())
    assert result.ci_low < result.value < result.ci_high
