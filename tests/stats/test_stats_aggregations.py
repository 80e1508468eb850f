"""lmms_eval.scoring.aggregations: vectorized forms vs loops / numpy, and counts forms vs vectorized forms."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring import AGGREGATIONS
from lmms_eval.scoring import aggregations as agg
from lmms_eval.stats.bootstrap import atoms

NAMES = ["mean", "median", "macro_mean", "yes_precision", "yes_recall", "yes_f1", "yes_ratio"]


def test_registry_resolves_every_name() -> None:
    for name in NAMES:
        assert AGGREGATIONS.get(name) is getattr(agg, name)
        assert callable(getattr(AGGREGATIONS.get(name), "from_counts", None))


def test_mean_median_match_numpy() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 100):
        x = rng.normal(size=(13, n))
        np.testing.assert_allclose(agg.mean(x), x.mean(axis=1))
        np.testing.assert_allclose(agg.median(x), np.median(x, axis=1))
    one = rng.random(9)
    assert agg.mean(one).shape == (1,)
    assert agg.median(one)[0] == pytest.approx(np.median(one))


def _macro_loop(row: np.ndarray, labels: Any) -> float:
    groups: dict[Any, list[float]] = defaultdict(list)
    for v, lab in zip(row.tolist(), list(labels), strict=True):
        groups[lab].append(v)
    return float(np.mean([np.mean(g) for g in groups.values()]))


def test_macro_mean_vectorized_matches_loop() -> None:
    rng = np.random.default_rng(1)
    b, n = 50, 40
    scores = rng.random((b, n))
    labels = rng.integers(0, 6, size=(b, n))  # some rows miss some categories
    expected = np.array([_macro_loop(scores[i], labels[i]) for i in range(b)])
    np.testing.assert_allclose(agg.macro_mean(scores, labels), expected, rtol=1e-12)
    # string labels (factorized internally), shape (n,) shared by all rows
    str_labels = np.array([f"c{v}" for v in rng.integers(0, 4, size=n)])
    expected = np.array([_macro_loop(scores[i], str_labels) for i in range(b)])
    np.testing.assert_allclose(agg.macro_mean(scores, str_labels), expected, rtol=1e-12)


def test_macro_mean_differs_from_mean_when_groups_unbalanced() -> None:
    scores = np.array([[1.0, 1.0, 1.0, 0.0]])
    labels = np.array(["a", "a", "a", "b"])
    assert agg.macro_mean(scores, labels)[0] == pytest.approx(0.5)
    assert agg.mean(scores)[0] == pytest.approx(0.75)


def test_macro_mean_needs_labels() -> None:
    with pytest.raises(ConfigError, match="macro_mean"):
        agg.macro_mean(np.ones((1, 3)))
    with pytest.raises(ValueError, match="labels must have shape"):
        agg.macro_mean(np.ones((2, 3)), np.zeros((3, 2), dtype=int))


def _codes_from(pred_yes: np.ndarray, target_yes: np.ndarray) -> np.ndarray:
    return np.where(
        pred_yes & target_yes,
        3.0,
        np.where(~pred_yes & target_yes, 2.0, np.where(pred_yes & ~target_yes, 1.0, 0.0)),
    )


def _hand(pred: list[bool], target: list[bool]) -> dict[str, float]:
    tp = sum(p and t for p, t in zip(pred, target, strict=True))
    fp = sum(p and not t for p, t in zip(pred, target, strict=True))
    fn = sum((not p) and t for p, t in zip(pred, target, strict=True))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"yes_precision": prec, "yes_recall": rec, "yes_f1": f1, "yes_ratio": sum(pred) / len(pred)}


def test_confusion_aggregations_match_hand_computation() -> None:
    rng = np.random.default_rng(2)
    b, n = 30, 25
    pred = rng.random((b, n)) < 0.4
    target = rng.random((b, n)) < 0.5
    pred[0] = False  # no "yes" prediction: precision 0/0 -> 0
    target[1] = False  # no "yes" target: recall 0/0 -> 0
    pred[2] = target[2] = False  # all TN: F1 0/0 -> 0
    codes = _codes_from(pred, target)
    for name in ("yes_precision", "yes_recall", "yes_f1", "yes_ratio"):
        expected = [_hand(pred[i].tolist(), target[i].tolist())[name] for i in range(b)]
        np.testing.assert_allclose(getattr(agg, name)(codes), expected, rtol=1e-12, err_msg=name)
    assert agg.yes_precision(codes[:1])[0] == 0.0
    assert agg.yes_recall(codes[1:2])[0] == 0.0
    assert agg.yes_f1(codes[2:3])[0] == 0.0


def _counts_from_indices(idx: np.ndarray, k: int, atom_of: np.ndarray) -> np.ndarray:
    b = idx.shape[0]
    flat = (np.arange(b)[:, None] * k + atom_of[idx]).ravel()
    return np.bincount(flat, minlength=b * k).reshape(b, k)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["continuous", "discrete"])
def test_counts_form_equals_vectorized_form(name: str, kind: str) -> None:
    rng = np.random.default_rng(3)
    n, b = 60, 40
    if name.startswith("yes_"):
        scores = rng.integers(0, 4, n).astype(float)
    elif kind == "discrete":
        scores = rng.integers(0, 3, n) / 2.0
    else:
        scores = rng.normal(size=n)
    labels = rng.integers(0, 5, n)
    fn = getattr(agg, name)
    idx = rng.integers(0, n, size=(b, n))
    expected = fn(scores[idx], labels[idx])
    # atoms = each sample itself
    got = fn.from_counts(scores, labels, _counts_from_indices(idx, n, np.arange(n)))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    # atoms = distinct (score, label) pairs
    values, atom_labels, atom_of = atoms(scores, labels, 5)
    got = fn.from_counts(values, atom_labels, _counts_from_indices(idx, len(values), atom_of))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_median_counts_form_even_and_odd_sizes() -> None:
    values = np.array([3.0, 1.0, 2.0])
    counts = np.array([[1, 1, 0], [1, 1, 1], [0, 4, 1], [2, 0, 0], [1, 0, 2]])
    expected = [2.0, 2.0, 1.0, 3.0, 2.0]
    from_counts = getattr(agg.median, "from_counts")  # noqa: B009
    np.testing.assert_allclose(from_counts(values, None, counts), np.array(expected))


def test_label_codes() -> None:
    codes, k = agg.label_codes(np.array(["b", "a", "b", "c"]))
    assert codes.tolist() == [1, 0, 1, 2] and k == 3
    codes, k = agg.label_codes(np.array([-1, 5, -1]))
    assert codes.tolist() == [0, 1, 0] and k == 2
    codes, k = agg.label_codes(np.array([2, 0, 2]))
    assert codes.tolist() == [2, 0, 2] and k == 3
    codes, k = agg.label_codes(np.array([1, "1", None, 1], dtype=object))
    assert codes.tolist() == [0, 1, 2, 0] and k == 3
