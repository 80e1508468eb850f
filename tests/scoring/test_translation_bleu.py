"""Corpus BLEU through per-sample records against sacreBLEU's own corpus_bleu.

``fixtures/translation_bleu_official_cases.jsonl``: ``sacrebleu.corpus_bleu(hypotheses, [references],
tokenize=...)`` of sacreBLEU 2.6.0, run outside this repository (its own venv) on 120 corpora of 1 to 20
sentences (60 English with the 13a tokenizer, 60 Chinese with the zh tokenizer), the hypotheses messy copies
of the references (words dropped or swapped, lower-cased, prefixed "Translation:", cut, empty, another
sentence)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lmms_eval.core.errors import LmmsEvalError
from lmms_eval.scoring.translation_bleu import sacrebleu_corpus, sentence_stats, translation_record

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "translation_bleu_official_cases.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def _keys(hyps: list[str], refs: list[str]) -> np.ndarray:
    return np.array([translation_record(h, r, {}) for h, r in zip(hyps, refs)])


def test_agrees_with_sacrebleu_corpus_bleu_on_every_case() -> None:
    assert (len(CASES), sum(c["tokenize"] == "zh" for c in CASES)) == (120, 60)
    for case in CASES:
        keys = _keys(case["hypotheses"], case["references"])
        (value,) = sacrebleu_corpus(keys, tokenize=case["tokenize"])
        assert value == pytest.approx(case["official"], abs=1e-9), case


def test_pooled_counts_not_a_mean_of_sentence_scores() -> None:
    case = next(c for c in CASES if c["tokenize"] == "13a" and len(c["hypotheses"]) == 10)
    keys = _keys(case["hypotheses"], case["references"])
    per_sentence = [sacrebleu_corpus(np.array([k]))[0] for k in keys]
    assert sacrebleu_corpus(keys)[0] != pytest.approx(float(np.mean(per_sentence)))


def test_resamples_and_counts_form_agree() -> None:
    case = next(c for c in CASES if c["tokenize"] == "zh" and len(c["hypotheses"]) == 20)
    keys = _keys(case["hypotheses"], case["references"])
    rows = np.random.default_rng(0).choice(keys, size=(5, len(keys)))
    expanded = sacrebleu_corpus(rows, tokenize="zh")
    assert expanded.shape == (5,)
    values, inverse = np.unique(rows, return_inverse=True)
    counts = np.stack([np.bincount(r, minlength=len(values)) for r in inverse.reshape(rows.shape)])
    assert sacrebleu_corpus.from_counts(values, None, counts, tokenize="zh") == pytest.approx(expanded)  # type: ignore[attr-defined]
    for row, value in zip(rows, expanded):
        assert sacrebleu_corpus(row, tokenize="zh")[0] == pytest.approx(value)


def test_sentence_stats_and_records() -> None:
    stats = sentence_stats("the cat sat", "the cat sat down")
    assert stats.tolist() == [3, 4, 3, 2, 1, 0, 3, 2, 1, 0]
    key = translation_record(None, "a reference", {})
    assert sacrebleu_corpus(np.array([key]))[0] == 0.0  # no response: an empty hypothesis
    with pytest.raises(LmmsEvalError, match="unknown"):
        sacrebleu_corpus(np.array([12345.0]))
