from __future__ import annotations

import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.extractors import (
    extract_answer_tag,
    extract_boxed,
    extract_identity,
    extract_last_line,
    extract_mcq_letter,
    extract_number,
    extract_regex,
    extract_true_false,
    extract_yes_no,
    find_numbers,
    parse_number,
)
from lmms_eval.scoring.normalize import (
    apply_steps,
    normalize_vqa,
    vqa_process_digit_article,
    vqa_process_punctuation,
)

DOC: dict[str, object] = {}
OPTS = {"options": ["cat", "dog", "42", "a bird"]}


def test_identity_and_last_line() -> None:
    assert extract_identity("  B \n", DOC) == "B"
    assert extract_last_line("reasoning\n\nAnswer: 5\n  \n", DOC) == "Answer: 5"
    assert extract_last_line(" \n\n", DOC) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("B", "B"),
        ("(B)", "B"),
        ("B.", "B"),
        ("b", "B"),
        ("The answer is (B).", "B"),
        ("Answer: b", "B"),
        ("**B**", "B"),
        ("I think the answer is B) 42", "B"),
        (r"\boxed{B}", "B"),
        (r"$\boxed{\text{C}}$", "C"),
        ("Option C", "C"),
        ("C. Paris", "C"),
        ("B) 42", "B"),
        ("[D]", "D"),
        ("I think it's B", "B"),
        ("The correct option is D, since the others fail.", "D"),
        ("The answer is A because the angle is acute.", "A"),
        ("A", "A"),
        ("A.", "A"),
        ("Looking at the chart, A is wrong. Final answer: C", "C"),
        ("<think>maybe (A)</think>The answer is D", "D"),
        ("A cat is sitting on the mat.", None),
        ("The answer is a cat", None),
        ("I don't know", None),
        ("(A) is wrong, the right one is (C)", None),
        ("", None),
    ],
)
def test_mcq_letter_without_options(text: str, expected: str | None) -> None:
    assert extract_mcq_letter(text, DOC) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dog", "B"),
        ("Dog.", "B"),
        ("The answer is dog.", "B"),
        ("It is 42, clearly", "C"),
        ("Answer: A bird.", "D"),  # the option text wins over the letter A
        ("A cat is sitting on the mat.", "A"),  # contains option A's text "cat"
        (r"\boxed{dog}", "B"),
        ("E", None),  # only A-D are valid with four options
        ("The answer is E", None),
        ("a dog or a cat", None),  # two options mentioned
    ],
)
def test_mcq_letter_with_options(text: str, expected: str | None) -> None:
    assert extract_mcq_letter(text, OPTS) == expected


def test_mcq_letter_args() -> None:
    doc = {"choices": {"A": "red", "B": "blue"}}
    assert extract_mcq_letter("blue", doc, options_field="choices") == "B"
    assert extract_mcq_letter("The answer is C", doc, options_field="choices") is None
    assert extract_mcq_letter("The answer is E", DOC, letters="ABCD") is None
    assert extract_mcq_letter("The answer is d", DOC, letters="abcd") == "D"
    for bad in ("", "1234", None):
        with pytest.raises(ConfigError):
            extract_mcq_letter("A", DOC, letters=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Yes, there is a dog.", "yes"),
        ("No.", "no"),
        ("no", "no"),
        ("YES", "yes"),
        ("The answer is no", "no"),
        ("**Yes**", "yes"),
        ("Yes and no", "yes"),  # both: the one at the start wins
        ("I would say yes. But the answer is no.", "no"),  # "answer is" wins
        ("There is a dog, so yes.", "yes"),
        ("It could be yes or no.", None),  # both, neither first nor after "answer is"
        ("Not sure", None),
        ("Nobody knows", None),  # whole words only
        ("<think>no wait</think> Yes.", "yes"),
    ],
)
def test_yes_no(text: str, expected: str | None) -> None:
    assert extract_yes_no(text, DOC) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("True", "true"),
        ("false.", "false"),
        ("The statement is false.", "false"),
        ("Yes, it is true.", "true"),
        ("No", "false"),
        ("The answer is: True", "true"),
        ("true or false?", "true"),  # both: the one at the start wins
        ("Is it true or false? Hard to say.", None),
        ("maybe", None),
    ],
)
def test_true_false(text: str, expected: str | None) -> None:
    assert extract_true_false(text, DOC) == expected


@pytest.mark.parametrize(
    "text, last, first",
    [
        ("1,234", "1234", "1234"),
        ("The length is 12 cm", "12", "12"),
        ("About 50% of them", "50", "50"),
        ("-3", "-3", "-3"),
        ("The change is -0.50 units", "-0.5", "-0.5"),
        ("It costs $3.50.", "3.5", "3.5"),
        (r"\frac{1}{2}", "0.5", "0.5"),
        (r"$\dfrac{3}{4}$", "0.75", "0.75"),
        ("1/3 of it", "0.3333333333333333", "0.3333333333333333"),
        ("pages 3-5", "5", "3"),
        ("H2O has 2 atoms", "2", "2"),
        ("1e3", "1000", "1000"),
        ("costs $1,234,567.89!", "1234567.89", "1234567.89"),
        ("x=−4", "-4", "-4"),
        ("1,2,3", "3", "1"),
        ("2.0 and 7.", "7", "2"),
        ("From 10 to 20, the answer is 15.", "15", "10"),
        ("no digits", None, None),
    ],
)
def test_number(text: str, last: str | None, first: str | None) -> None:
    assert extract_number(text, DOC) == last
    assert extract_number(text, DOC, first=True) == first


def test_parse_number_needs_exactly_one_number() -> None:
    assert parse_number("$1,234.50") == 1234.5
    assert parse_number("12%") == 12.0
    assert parse_number("2 to 3") is None
    assert parse_number("n/a") is None
    assert parse_number(None) is None
    assert find_numbers("1/0 and 4") == ["4"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (r"so \boxed{\frac{1}{2}}.", r"\frac{1}{2}"),
        (r"\boxed{3} then \boxed{x^{2}}", "x^{2}"),
        (r"$\boxed 5$", "5"),
        (r"\fbox{ 7 }", "7"),
        (r"\boxed{unclosed", None),
        ("no box", None),
    ],
)
def test_boxed(text: str, expected: str | None) -> None:
    assert extract_boxed(text, DOC) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<answer>B</answer>", "B"),
        ("<think>hmm <answer>no</answer></think> <ANSWER>\n42\n</answer>", "42"),
        ("<answer>1</answer> then <answer> 2 </answer>", "2"),
        ("reasoning </think><answer>yes", "yes"),
        ("plain text", None),
    ],
)
def test_answer_tag(text: str, expected: str | None) -> None:
    assert extract_answer_tag(text, DOC) == expected


def test_regex() -> None:
    text = "Score: 3. Final Score: 7"
    assert extract_regex(text, DOC, pattern=r"score:\s*(\d+)") == "3"
    assert extract_regex(text, DOC, pattern=r"score:\s*(\d+)", last=True) == "7"
    assert extract_regex(text, DOC, pattern=r"score:\s*(\d+)", ignore_case=False) is None
    assert extract_regex(text, DOC, pattern=r"Final \w+") == "Final Score"
    assert extract_regex(text, DOC, pattern=r"(?P<v>\d)", group="v", last=True) == "7"
    assert extract_regex(text, DOC, pattern=r"(x)?Score", group=1) is None
    assert extract_regex(text, DOC, pattern=r"nothing") is None


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"pattern": ""},
        {"pattern": "(unclosed"},
        {"pattern": r"(\d)", "group": 2},
        {"pattern": "a", "group": "x"},
    ],
)
def test_regex_bad_args(args: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        extract_regex("abc", DOC, **args)  # type: ignore[arg-type]


# --- normalization ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, steps, expected",
    [
        ("  The Cat  ", ["strip"], "The Cat"),
        ("  The Cat  ", ["strip", "lower"], "the cat"),
        ("a  b\n c", ["whitespace"], "a b c"),
        ("Hello, world! «ok»", ["punctuation"], "Hello world ok"),
        ("The cat and a dog", ["articles"], "cat and dog"),
        ("  The, Cat!  ", ["lower", "punctuation", "articles", "whitespace"], "cat"),
        ("Two dogs", ["vqa"], "2 dogs"),
        ("x", [], "x"),
        ("x", None, "x"),
        (" x ", "strip", "x"),
    ],
)
def test_apply_steps(text: str, steps: list[str] | str | None, expected: str) -> None:
    assert apply_steps(text, steps) == expected


def test_unknown_step() -> None:
    with pytest.raises(ConfigError, match="Unknown normalization"):
        apply_steps("x", ["strip", "stem"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Two", "2"),
        ("none", "0"),
        ("the dog", "dog"),
        ("A Dog.", "dog"),
        ("dont", "don't"),
        ("isnt it", "isn't it"),
        ("yes!", "yes"),
        ("1,000", "1000"),  # digit-comma-digit: all punctuation deleted
        ("3.5", "3.5"),  # a period before a digit stays
        ("red, white", "red white"),  # comma next to a space: deleted
        ("black/white", "black white"),  # slash not next to a space: becomes a space
        ("t-shirt", "t shirt"),
        ("left - right", "left right"),
        ("  Yes\tsir \n", "yes sir"),
        ("ten", "10"),
        ("an apple", "apple"),
        ("Im", "im"),  # the official table's capitalised entries never match lowercased words
    ],
)
def test_vqa_normalization(text: str, expected: str) -> None:
    assert normalize_vqa(text) == expected


def test_vqa_steps_separately() -> None:
    assert vqa_process_punctuation("hi. there.") == "hi there"
    assert vqa_process_punctuation("(a)") == " a "
    assert vqa_process_digit_article("The Three  Bears") == "3 bears"
    assert vqa_process_punctuation("." * 40) == "." * 8  # at most 32 periods removed, as the official code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The statement is not true.", "false"),
        ("This is not false, the tower has four blocks.", "true"),
        ("It isn't true that there are two squares.", "false"),
        ("The statement is true.", "true"),
        ("Not true and not false.", None),
    ],
)
def test_true_false_reads_negation(text: str, expected: str | None) -> None:
    assert extract_true_false(text, {}) == expected


def test_number_words_are_read_only_when_asked() -> None:
    assert extract_number("Seven.", {}) is None
    assert extract_number("Seven.", {}, words=True) == "7"
    assert extract_number("zero", {}, words=True) == "0"
    assert extract_number("I heard twenty one", {}, words=True) == "1"  # the last number word
    assert extract_number("Someone said 3.", {}, words=True) == "3"
    assert extract_number("Stone.", {}, words=True) is None  # whole words only
