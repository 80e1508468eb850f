"""Caption metrics against the official pycocoevalcap (https://github.com/salaniz/pycocoevalcap at commit
ad63453cfab57a81a02b2949b17a91fab1c3df77 = PyPI 1.2, run with Python 3.11, numpy 2.x and OpenJDK 17).

Every expected value in ``fixtures/captions_official_cases.jsonl`` is an output of that official code. The
file was made by a generator script kept outside the repository (it imports pycocoevalcap, installed in a
separate virtual environment under /tmp): for 300 caption sets of 1-12 images and 3 sets of 60 images,
each image with 1-6 synthetic COCO-like references (random subject / verb / object sentences, some
upper-cased, with or without a final period, a few empty or one-word references) and a messy prediction
(a reference or a fresh sentence, sometimes shuffled, then one of ~40 edits: upper/lower case, extra spaces
and tabs, newlines, ``**Caption:**`` and ``- `` markup, quotes, repeated words, doubled sentences, numbers
``3.5 m``, ``10:30 a.m.``, ``3 1/2``, ``100 200 300``, ``$5``, ``50%``, brackets, ``<b>``, URLs and e-mail
addresses, ``etc.``, ``U.S.``, ``Plan B.``, ``I.``, an emoji, U+00A0 spaces, ``á``, an empty or one-dot
prediction), it ran what COCOEvalCap runs: ``PTBTokenizer().tokenize`` on the references of all images
(one call) and on the predictions (another call), then ``Bleu(4)``, ``Meteor()``, ``Rouge()`` and
``Cider()`` ``compute_score``, recording the four BLEU values, METEOR, ROUGE-L and CIDEr, the per-image
ROUGE-L and CIDEr and the tokenized captions. For every third set of three or more images and for the
large sets it also drew bootstrap resamples (image indices with replacement) and ran the same on the
resampled list (each drawn copy a separate image id): ``resamples``. Captions with a line break other than
``\\n`` are left out (see :mod:`lmms_eval.scoring.captions.ptb_tokenize`).

``fixtures/captions_ptb_official_cases.jsonl`` holds 4,000 adversarial strings (random mixes of words,
contractions, abbreviations, numbers, URLs, entities, smileys, quotes, brackets, markup, Unicode letters,
symbols, spaces and emoji, from two generators) in batches of 25 with the official ``PTBTokenizer`` output
of each batch, made the same way. During development 250,000 such strings were compared with the jar
with no difference left.
"""

from __future__ import annotations

import json
import math
import random
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.core.errors import LmmsEvalError
from lmms_eval.scoring import AGGREGATIONS, METRICS
from lmms_eval.scoring.captions import meteor as meteor_mod
from lmms_eval.scoring.captions import records
from lmms_eval.scoring.captions.bleu import bleu_from_totals, bleu_stats
from lmms_eval.scoring.captions.cider import CiderD, cider_d
from lmms_eval.scoring.captions.meteor import MeteorJava, additive, meteor_available, meteor_from_totals
from lmms_eval.scoring.captions.ptb_tokenize import (
    corenlp_jar,
    java_available,
    java_lower,
    tokenize,
    tokenize_python,
)
from lmms_eval.scoring.captions.rouge_l import lcs_length, rouge_l
from lmms_eval.stats import estimate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
METRIC_NAMES = ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "METEOR", "ROUGE_L", "CIDEr"]
TOL = 1e-9

needs_java_tokenizer = pytest.mark.skipif(
    not (java_available() and corenlp_jar() is not None),
    reason="needs java and pycocoevalcap's stanford-corenlp-3.4.1.jar (pip install 'lmms_eval[captions]')",
)
needs_meteor = pytest.mark.skipif(
    not meteor_available(),
    reason="needs java and pycocoevalcap's meteor-1.5.jar (pip install 'lmms_eval[captions]')",
)


@cache
def _cases() -> list[dict[str, Any]]:
    path = FIXTURES / "captions_official_cases.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@cache
def _ptb_batches() -> list[dict[str, Any]]:
    path = FIXTURES / "captions_ptb_official_cases.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _tokenized(case: dict[str, Any], tokenizer: str = "python") -> tuple[list[str], list[list[str]]]:
    images = case["images"]
    preds = tokenize([im["prediction"] for im in images], tokenizer)  # type: ignore[arg-type]
    flat = tokenize([r for im in images for r in im["references"]], tokenizer)  # type: ignore[arg-type]
    refs, at = [], 0
    for im in images:
        refs.append(flat[at : at + len(im["references"])])
        at += len(im["references"])
    return preds, refs


def _ours(preds: list[str], refs: list[list[str]], counts: np.ndarray) -> dict[str, float]:
    stats = np.stack([bleu_stats(p, r) for p, r in zip(preds, refs)])
    bleus = bleu_from_totals(counts @ stats)[0]
    rouge = np.array([rouge_l(p, r) for p, r in zip(preds, refs)])
    out = {f"Bleu_{k + 1}": float(bleus[k]) for k in range(4)}
    out["ROUGE_L"] = float(counts[0] @ rouge / counts[0].sum())
    out["CIDEr"] = float(CiderD(preds, refs).scores(counts)[0])
    return out


# -- the fixture ------------------------------------------------------------------------------------------


def test_the_fixture_covers_many_messy_caption_sets() -> None:
    cases = _cases()
    assert len(cases) >= 300
    predictions = [im["prediction"] for c in cases for im in c["images"]]
    assert len(predictions) > 1500
    for messy in ["", " ", "\n", ".", "a a a a a a a a"]:
        assert messy in predictions
    assert any(p.isupper() for p in predictions) and any("  " in p for p in predictions)
    assert any("\n" in p for p in predictions) and any("3 1/2" in p for p in predictions)
    assert sum(len(c.get("resamples", [])) for c in cases) >= 100
    assert max(len(c["images"]) for c in cases) >= 60


def test_the_python_tokenizer_gives_the_official_tokens() -> None:
    for case in _cases():
        preds, refs = _tokenized(case)
        assert preds == case["official_tokens"]["predictions"], case["name"]
        assert refs == case["official_tokens"]["references"], case["name"]


def test_the_python_tokenizer_matches_the_official_one_on_adversarial_strings() -> None:
    batches = _ptb_batches()
    assert sum(len(b["captions"]) for b in batches) == 4000
    for batch in batches:
        assert tokenize_python(batch["captions"]) == batch["official"], batch["captions"]


@pytest.mark.parametrize("metric", ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"])
def test_corpus_metrics_equal_the_official_ones(metric: str) -> None:
    for case in _cases():
        preds, refs = case["official_tokens"]["predictions"], case["official_tokens"]["references"]
        ours = _ours(preds, refs, np.ones((1, len(preds))))
        assert ours[metric] == pytest.approx(case["official"][metric], abs=TOL), case["name"]


def test_per_image_rouge_l_and_cider_equal_the_official_ones() -> None:
    for case in _cases():
        preds, refs = case["official_tokens"]["predictions"], case["official_tokens"]["references"]
        rouge = [rouge_l(p, r) for p, r in zip(preds, refs)]
        assert rouge == pytest.approx(case["ROUGE_L_per_image"], abs=TOL), case["name"]
        mean, per_image = cider_d(preds, refs)
        assert per_image.tolist() == pytest.approx(case["CIDEr_per_image"], abs=TOL), case["name"]
        assert mean == pytest.approx(case["official"]["CIDEr"], abs=TOL)


def test_resampled_corpora_equal_the_official_metrics_on_the_resampled_list() -> None:
    """A bootstrap resample computed from image counts (CIDEr-D's document frequencies counting copies)
    equals the official metrics run on the list of drawn images."""
    n = 0
    for case in _cases():
        if "resamples" not in case:
            continue
        preds, refs = case["official_tokens"]["predictions"], case["official_tokens"]["references"]
        for resample in case["resamples"]:
            counts = np.bincount(resample["draw"], minlength=len(preds)).astype(float)[None, :]
            ours = _ours(preds, refs, counts)
            for metric, value in ours.items():
                assert value == pytest.approx(resample["official"][metric], abs=TOL), (case["name"], metric)
            n += 1
    assert n >= 100


# -- quirks, by hand ---------------------------------------------------------------------------------------


def test_bleu_quirks() -> None:
    # closest reference length, ties to the shorter one: 3 words vs refs of 2 and 4 words -> 2 (brevity 1.0)
    stats = bleu_stats("a b c", ["a b", "a b c d"])
    assert stats[:2].tolist() == [3, 2]
    # no 4-gram at all: the smoothing gives ~1e-6 ** (1/4), not 0
    b4 = bleu_from_totals(stats[None, :])[0, 3]
    assert 0 < b4 < 0.05
    # clipping: "the the the" against "the cat" counts one "the"
    assert bleu_stats("the the the", ["the cat"])[6] == 1


def test_rouge_l_quirks() -> None:
    # precision and recall maximized over different references: "a b" gives R = 1 (P = 2/3), "a b c d e f"
    # gives P = 1 (R = 1/2), so the image scores 1.0 though no reference is matched exactly
    assert rouge_l("a b c", ["a b", "a b c d e f"]) == 1.0
    p, r = 2 / 3, 1.0
    assert rouge_l("a b c", ["a b"]) == pytest.approx((1 + 1.44) * p * r / (r + 1.44 * p))
    assert rouge_l("", [""]) == pytest.approx(1.0)  # an empty caption is one empty word
    assert rouge_l("", ["a b"]) == 0.0


def test_lcs_length_equals_the_dynamic_programme() -> None:
    def dp(a: list[str], b: list[str]) -> int:
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(1, len(a) + 1):
            for j in range(1, len(b) + 1):
                same = a[i - 1] == b[j - 1]
                table[i][j] = table[i - 1][j - 1] + 1 if same else max(table[i - 1][j], table[i][j - 1])
        return table[-1][-1]

    rng = random.Random(0)
    for _ in range(2000):
        a = [rng.choice("abcd") for _ in range(rng.randint(0, 12))]
        b = [rng.choice("abcd") for _ in range(rng.randint(0, 12))]
        assert lcs_length(a, b) == dp(a, b)


def test_cider_quirks() -> None:
    # one image: every weight is log(1) - log(1) = 0
    assert cider_d(["a man"], [["a man"]])[0] == 0.0
    # the length penalty counts bigrams: one word and no word both have 0
    scorer = CiderD(["dog", ""], [["dog"], ["cat"]])
    assert scorer.penalty.tolist() == [1.0, 1.0]


def test_tokenizer_quirks() -> None:
    out = tokenize_python(
        [
            'A man (in red) said: "don\'t!"',
            "Plan B.",
            "The end.",
            "Plan B.",
            "the end",
            "Smile :)",
            "3 1/2 cups",
        ]
    )
    assert out[0] == "a man -lrb- in red -rrb- said do n't"
    assert out[1] == "plan b"  # before "The ...": sentence-final period split off
    assert out[3] == "plan b."  # before "the ...": an abbreviation
    assert out[5] == "smile :-rrb-"  # before a line break
    assert out[6] == "3\u00a01/2 cups"
    assert tokenize_python(["Smile :)"]) == ["smile -rrb-"]  # at the end of the call: ":" and ")", no smiley
    assert tokenize_python(["a\r\nb", "c"]) == ["a b", "c"]  # any line break is a space (not a new line)
    assert java_lower("\u039f\u0394\u039f\u03a3") == "\u03bf\u03b4\u03bf\u03c2"


@needs_java_tokenizer
def test_the_java_tokenizer_path_gives_the_same_tokens() -> None:
    batches = _ptb_batches()[:40]
    captions = [c for b in batches for c in b["captions"]]
    assert tokenize(captions, "java") == tokenize(captions, "python")
    case = max(_cases(), key=lambda c: len(c["images"]))
    assert _tokenized(case, "java") == _tokenized(case, "python")


@needs_java_tokenizer
def test_the_aggregations_with_the_java_tokenizer_give_the_official_values() -> None:
    case = next(c for c in _cases() if c["name"] == "large0")
    keys = _keys(case)
    value = AGGREGATIONS.get("coco_cider")(keys, tokenizer="java")
    assert value.tolist() == pytest.approx([case["official"]["CIDEr"]], abs=TOL)


# -- METEOR ------------------------------------------------------------------------------------------------


def test_meteor_formula_on_known_statistics() -> None:
    # from the jar: "a man riding a horse" / "a man rides a horse" (4 exact + 1 stem match, one chunk)
    stats = np.array([[5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5, 5]], dtype=float)
    assert meteor_from_totals(additive(stats))[0] == pytest.approx(2.45 / 2.75)
    # its EVAL line for "5 5 3 2 1 1 0 0 ... 1 1 1" printed 0.11214953271028037
    stats = np.zeros((1, 23))
    stats[0, :6] = [5, 5, 3, 2, 1, 1]
    stats[0, 20:] = [1, 1, 1]
    assert meteor_from_totals(additive(stats))[0] == pytest.approx(0.11214953271028037, abs=1e-15)
    assert meteor_from_totals(np.zeros((1, 23)))[0] == 0.0  # nothing at all: NaN -> 0


@needs_meteor
def test_meteor_equals_the_official_one() -> None:
    with MeteorJava() as jar:
        for case in _cases():
            preds, refs = case["official_tokens"]["predictions"], case["official_tokens"]["references"]
            stats = additive(jar.stats(preds, refs))
            assert meteor_from_totals(stats.sum(axis=0))[0] == pytest.approx(
                case["official"]["METEOR"], abs=TOL
            )
            for resample in case.get("resamples", []):
                counts = np.bincount(resample["draw"], minlength=len(preds)).astype(float)
                value = meteor_from_totals(counts @ stats)[0]
                assert value == pytest.approx(resample["official"]["METEOR"], abs=TOL), case["name"]


# -- the aggregations --------------------------------------------------------------------------------------


def _keys(case: dict[str, Any]) -> np.ndarray:
    return np.array(
        [METRICS.get("caption_record")(im["prediction"], im["references"], {}) for im in case["images"]]
    )


def test_aggregations_over_record_keys_give_the_official_values() -> None:
    case = next(c for c in _cases() if c["name"] == "large0")
    keys = _keys(case)
    for n in range(1, 5):
        value = AGGREGATIONS.get("coco_bleu")(keys[None, :], n=n)
        assert value.tolist() == pytest.approx([case["official"][f"Bleu_{n}"]], abs=TOL)
    assert AGGREGATIONS.get("coco_rouge_l")(keys).tolist() == pytest.approx(
        [case["official"]["ROUGE_L"]], abs=TOL
    )
    assert AGGREGATIONS.get("coco_cider")(keys).tolist() == pytest.approx(
        [case["official"]["CIDEr"]], abs=TOL
    )
    # resampled rows (the engine's bootstrap) give the official metrics of the resampled lists
    rows = keys[np.array([r["draw"] for r in case["resamples"]])]
    cider = AGGREGATIONS.get("coco_cider")(rows)
    assert cider.tolist() == pytest.approx([r["official"]["CIDEr"] for r in case["resamples"]], abs=TOL)
    bleu4 = AGGREGATIONS.get("coco_bleu")(rows, n=4)
    assert bleu4.tolist() == pytest.approx([r["official"]["Bleu_4"] for r in case["resamples"]], abs=TOL)


@pytest.mark.parametrize("name", ["coco_bleu", "coco_rouge_l", "coco_cider"])
def test_the_counts_form_equals_the_rows_form(name: str) -> None:
    case = next(c for c in _cases() if c["name"] == "large1")
    keys = _keys(case)
    fn = AGGREGATIONS.get(name)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(keys), size=(6, len(keys)))
    counts = np.stack([np.bincount(r, minlength=len(keys)) for r in idx])
    assert fn.from_counts(keys, None, counts).tolist() == pytest.approx(fn(keys[idx]).tolist(), abs=1e-12)


def test_the_engine_bootstrap_gives_a_ci_around_the_official_value() -> None:
    case = next(c for c in _cases() if c["name"] == "large2")
    keys = _keys(case)
    est = estimate(keys, "coco_cider", bootstrap_iters=200, seed=1)
    assert est.value == pytest.approx(case["official"]["CIDEr"], abs=TOL)
    assert est.method == "bootstrap" and est.ci_low < est.value < est.ci_high
    assert est.stderr is not None and est.stderr > 0


def test_record_keys_are_content_hashes_exact_in_float64() -> None:
    key = records.record_key("a dog", ["a dog", "a cat"])
    assert key == records.record_key("a dog", ["a dog", "a cat"]) and 0 < key < 2**52
    assert float(key) == key and key != records.record_key("a dog", ["a cat", "a dog"])
    value = records.caption_record(None, ["a dog"], {})  # no prediction: an empty caption
    assert value == records.record_key("", ["a dog"])
    with pytest.raises(LmmsEvalError, match="references"):
        records.caption_record("a dog", [], {})


def test_an_unknown_record_key_is_an_error() -> None:
    with pytest.raises(LmmsEvalError, match="unknown"):
        AGGREGATIONS.get("coco_bleu")(np.array([[12345.0, 678.0]]))


def test_meteor_without_java_has_no_value_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "meteor_available", lambda jar=None: False)
    monkeypatch.setattr(records, "_WARNED", set())
    keys = _keys(_cases()[0])
    with pytest.warns(RuntimeWarning, match="METEOR skipped"):
        value = AGGREGATIONS.get("coco_meteor")(keys)
    assert math.isnan(value[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once per process
        est = estimate(np.r_[keys, keys], "coco_meteor", bootstrap_iters=50)
    assert math.isnan(est.value) and est.method == "none"
    assert meteor_mod.meteor_jar("/nonexistent/meteor-1.5.jar") is None
