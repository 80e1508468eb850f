from __future__ import annotations

import random

import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring import METRICS
from lmms_eval.scoring.metrics import (
    accuracy,
    anls,
    as_targets,
    character_error_rate,
    exact_match,
    levenshtein,
    numeric_tolerance,
    relaxed_accuracy,
    vqa_accuracy,
    word_error_rate,
    yes_no_confusion,
)

DOC: dict[str, object] = {}


def _reference_levenshtein(a: str, b: str) -> int:
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(
                table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
    return table[-1][-1]


@pytest.mark.parametrize(
    "a, b, d",
    [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("flaw", "lawn", 2),
        ("same", "same", 0),
        ("ab", "ba", 2),
    ],
)
def test_levenshtein(a: str, b: str, d: int) -> None:
    assert levenshtein(a, b) == d
    assert levenshtein(b, a) == d


def test_levenshtein_matches_full_table() -> None:
    rng = random.Random(0)
    for _ in range(200):
        a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 9)))
        assert levenshtein(a, b) == _reference_levenshtein(a, b)
    assert levenshtein(["the", "cat"], ["a", "cat"]) == 1


def test_as_targets() -> None:
    assert as_targets("x") == ["x"]
    assert as_targets(["a", None, 3]) == ["a", "3"]
    assert as_targets(None) == []
    assert as_targets(7) == ["7"]


def test_exact_match() -> None:
    assert exact_match(" Paris ", "Paris", DOC) == 1.0
    assert exact_match("paris", "Paris", DOC) == 0.0
    assert exact_match("paris", "Paris", DOC, normalize=["strip", "lower"]) == 1.0
    assert (
        exact_match(
            "The Eiffel tower!",
            ["eiffel tower", "paris"],
            DOC,
            normalize=["lower", "punctuation", "articles"],
        )
        == 1.0
    )
    assert exact_match("London", ["eiffel tower", "paris"], DOC) == 0.0
    assert exact_match(None, "x", DOC) == 0.0
    assert exact_match("2", 2, DOC) == 1.0
    with pytest.raises(ConfigError):
        exact_match(None, "x", DOC, normalize=["nope"])


def test_accuracy() -> None:
    assert accuracy("b", "B", DOC) == 1.0
    assert accuracy(" Yes ", "yes", DOC) == 1.0
    assert accuracy("yes.", "yes", DOC) == 0.0
    assert accuracy("3", ["2", "3"], DOC) == 1.0
    assert accuracy(None, "A", DOC) == 0.0


@pytest.mark.parametrize(
    "prediction, target, code",
    [
        ("yes", "yes", 3.0),
        ("no", "yes", 2.0),
        (None, "yes", 2.0),
        ("yes", "no", 1.0),
        ("no", "no", 0.0),
        (None, "no", 0.0),
        ("True", "true", 3.0),
        ("false", "true", 2.0),
        ("Yes", ["yes"], 3.0),
        ("maybe", "no", 0.0),
    ],
)
def test_yes_no_confusion(prediction: str | None, target: object, code: float) -> None:
    assert yes_no_confusion(prediction, target, DOC) == code


@pytest.mark.parametrize(
    "prediction, target, score",
    [
        ("Alberto", "Alberto", 1.0),
        ("alberto ", " ALBERTO", 1.0),  # case and surrounding whitespace ignored
        ("Alberto.", "Alberto", 1 - 1 / 8),  # NL = 1/8
        ("Albert", "Alberto", 1 - 1 / 7),
        ("Alb", "Alberto", 0.0),  # NL = 4/7 >= 0.5
        ("abcd", "abef", 0.5),  # similarity 0.5 exactly is not below the 0.5 threshold: kept (official)
        ("abcde", "abcxy", 0.6),  # NL = 0.4
        ("31-12-2019", ["2019", "31-12-2019"], 1.0),  # best answer counts
        ("", "", 1.0),
        (None, "Alberto", 0.0),
    ],
)
def test_anls(prediction: str | None, target: object, score: float) -> None:
    assert anls(prediction, target, DOC) == pytest.approx(score)


def test_anls_threshold() -> None:
    # the official threshold is on the similarity (1 - normalized distance): 0.5 is below 0.6
    assert anls("abcd", "abef", DOC, threshold=0.6) == 0.0
    assert anls("abcd", "abef", DOC, threshold=0.0) == pytest.approx(0.5)
    with pytest.raises(ConfigError):
        anls("a", "a", DOC, threshold=1.5)


@pytest.mark.parametrize(
    "prediction, target, score",
    [
        ("10.4", "10", 1.0),  # 4% off
        ("10.6", "10", 0.0),  # 6% off
        ("-10.5", "-10", 1.0),
        ("12%", "0.12", 1.0),  # official: "%" means /100
        ("12", "12%", 0.0),
        ("Yes", "yes", 1.0),
        ("0", "0", 1.0),  # zero target: string equality
        ("0.0", "0", 0.0),
        ("1,234", "1234", 0.0),  # float() parsing, as the official code
        (" 5 ", ["7", "5.2"], 1.0),
        (None, "5", 0.0),
    ],
)
def test_relaxed_accuracy(prediction: str | None, target: object, score: float) -> None:
    assert relaxed_accuracy(prediction, target, DOC) == score


def test_relaxed_accuracy_tolerance() -> None:
    assert relaxed_accuracy("10.6", "10", DOC, tolerance=0.1) == 1.0
    with pytest.raises(ConfigError):
        relaxed_accuracy("1", "1", DOC, tolerance=-1)


def _answers(match: str, n_match: int, other: str = "blue") -> list[str]:
    return [match] * n_match + [other] * (10 - n_match)


@pytest.mark.parametrize(
    "n_match, score",
    [(0, 0.0), (1, 0.3), (2, 0.6), (3, 0.9), (4, 1.0), (10, 1.0)],
)
def test_vqa_accuracy_leave_one_out(n_match: int, score: float) -> None:
    assert vqa_accuracy("red", _answers("red", n_match), DOC) == pytest.approx(score)


def test_vqa_accuracy_normalization() -> None:
    assert vqa_accuracy("Two.", _answers("2", 3), DOC) == pytest.approx(0.9)
    assert vqa_accuracy("the dog", _answers("dog", 4), DOC) == 1.0
    # official quirk: when all ten answers agree, neither side is normalized beyond stripping
    assert vqa_accuracy("Yes!", _answers("yes", 10), DOC) == 0.0
    assert vqa_accuracy("dont know", _answers("don't know", 2), DOC) == pytest.approx(0.6)
    assert vqa_accuracy("2", "two", DOC) == 0.0  # official: with one human answer no subset can match
    assert vqa_accuracy(None, _answers("red", 10), DOC) == 0.0
    assert vqa_accuracy("red", [], DOC) == 0.0


def test_word_error_rate() -> None:
    ref = "the cat sat on the mat"
    assert word_error_rate("the cat sit on mat", ref, DOC) == pytest.approx(2 / 6)
    assert word_error_rate(ref, ref, DOC) == 0.0
    assert word_error_rate("The Cat sat on the mat", ref, DOC) == pytest.approx(2 / 6)
    assert word_error_rate("The Cat sat on the mat", ref, DOC, normalize=["lower"]) == 0.0
    assert word_error_rate("a b c d", "a", DOC) == 3.0  # insertions can exceed 1
    assert word_error_rate(None, ref, DOC) == 1.0
    assert word_error_rate("x", ["x y", "x"], DOC) == 0.0
    assert word_error_rate("", "", DOC) == 0.0
    assert word_error_rate("x", "", DOC) == 1.0
    with pytest.raises(ConfigError):
        word_error_rate("x", "x", DOC, normalize=["bad"])


def test_character_error_rate() -> None:
    assert character_error_rate("kitten", "sitting", DOC) == pytest.approx(3 / 7)
    assert character_error_rate(" abc ", "abc", DOC) == 0.0
    assert character_error_rate("ABC", "abc", DOC, normalize=["lower"]) == 0.0
    assert character_error_rate("a c", "abc", DOC) == pytest.approx(1 / 3)
    assert character_error_rate(None, "abcd", DOC) == 1.0


def test_numeric_tolerance() -> None:
    assert numeric_tolerance("1,234", "1234", DOC) == 1.0
    assert numeric_tolerance("$3.50", "3.5", DOC) == 1.0
    assert numeric_tolerance(r"\frac{1}{2}", "0.5", DOC) == 1.0
    assert numeric_tolerance("0.5000001", "0.5", DOC) == 1.0
    assert numeric_tolerance("0.51", "0.5", DOC) == 0.0
    assert numeric_tolerance("0.51", "0.5", DOC, abs_tol=0.02) == 1.0
    assert numeric_tolerance("105", 100, DOC, rel_tol=0.05) == 1.0
    assert numeric_tolerance("2 or 3", "3", DOC) == 0.0
    assert numeric_tolerance("three", "3", DOC) == 0.0
    assert numeric_tolerance(None, "3", DOC) == 0.0
    assert numeric_tolerance("3", ["x", "3.0"], DOC) == 1.0
    with pytest.raises(ConfigError):
        numeric_tolerance("1", "1", DOC, rel_tol=-1)


def test_registry_names_resolve() -> None:
    from lmms_eval.scoring import EXTRACTORS

    for name in ("exact_match", "accuracy", "yes_no_confusion", "anls", "relaxed_accuracy", "vqa_accuracy"):
        assert callable(METRICS.get(name))
    for name in ("wer", "cer", "numeric_tolerance", "mathvision_accuracy"):
        assert callable(METRICS.get(name))
    for name in ("identity", "mcq_letter", "yes_no", "true_false", "number", "boxed"):
        assert callable(EXTRACTORS.get(name))
    for name in ("answer_tag", "last_line", "regex", "mathvision"):
        assert callable(EXTRACTORS.get(name))
