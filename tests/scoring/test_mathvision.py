from __future__ import annotations

import pytest

from lmms_eval.scoring.mathvision import (
    extract_mathvision_answer,
    find_math_answer,
    is_equal,
    latex_value,
    mathvision_accuracy,
)

# Expected values below were checked against the official MATH-V scorer (evaluation/evaluate.py + utils.py
# with latex2sympy2) on the same inputs.


@pytest.mark.parametrize(
    "response, expected",
    [
        ("The answer is 5.", "5"),
        ("Therefore, the final answer is $\\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}"),
        ("So the answer is (B).", "b"),
        ("B\nBecause the angle is larger", "b"),
        ("(A)\nThe triangle", "a"),
        ("the correct answer is C. since blah", "c"),
        ("Thus \\boxed{3} and then \\boxed{4 \\text{ cm}}", "4{cm}"),  # only the last box; \text is dropped
        ("x = 12", "12"),
        ("The area is 0.5", "\\frac{1}{2}"),
        ("\\boxed{(1, 2)}", "(1,2)"),
        ("The answer is 45^\\circ.", "45"),
        ("The answer should be 2\\sqrt{3}", "2\\sqrt{3}"),
        ("\\boxed{\\sqrt3}", "\\sqrt{3}"),
        ("\\boxed{2\\sqrt2}", "2\\sqrt{2}"),
        ("\\boxed{\\frac12}", "\\frac12"),  # frac fixing only happens when there is a sqrt
        ("so it is 1/3.", "soitis1/3"),  # no answer phrase: the whole text, spaces removed
        ("1/3", "\\frac{1}{3}"),
        ("The answer is 7 km", "7"),
        ("\\boxed{5\\%}", "5"),
        ("The answer is 50%.", "50%"),
        ("The final answer is 8. The answer is 9", "9"),
        ("\\boxed{2} \\boxed{3} \\boxed{4}", "4"),
        ("The final answer is: (E)", "e"),
        ("Hence the answer is A.\nMore text", "a"),
        ("The answer is \\text{(C)}", "c"),
        ("\\boxed{x=5}", "5"),
        ("", None),
        ("\\boxed{}", "\\boxed"),  # "{}" is deleted before the box is looked for
    ],
)
def test_extraction(response: str, expected: str | None) -> None:
    assert extract_mathvision_answer(response, {}) == expected


def test_find_math_answer() -> None:
    assert find_math_answer("\\boxed{\\dfrac{\\sqrt{3}}{2}}") == "\\frac{\\sqrt{3}}{2}"
    assert find_math_answer("\\boxed{5} and more}") == "5"
    assert find_math_answer("\\boxed{-\\infty, +∞}") == "-\\infty,\\infty"
    assert find_math_answer("\\boxed{12 units}") == "12"
    assert find_math_answer("y \\approx 3.46") == "3.46"


@pytest.mark.parametrize(
    "text, value",
    [
        ("2\\sqrt{3}", 3.4641016151377544),
        ("\\frac{1}{2}", 0.5),
        ("\\sqrt[3]{27}", 3.0),
        ("2^{10}", 1024.0),
        ("-\\frac{1}{4}", -0.25),
        ("\\frac{2}{3}\\pi", 2.0943951023931953),
        ("6\\div4", 1.5),
        ("2(3+1)", 8.0),
        ("1,000", 1000.0),
        ("\\log{100}", 2.0),
        ("\\log_2{8}", 3.0),
        ("5!", 120.0),
        ("10^{-2}", 0.01),
        ("\\left(1+2\\right)\\cdot 3", 9.0),
    ],
)
def test_latex_value(text: str, value: float) -> None:
    assert latex_value(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "e",
        "\\infty",
        "50%",
        "12,5",
        "1/0",
        "\\frac12",
        "\\sqrt2",
        "\\sqrt{-4}",
        "(-8)^{1/3}",
        "1e3",
        "",
        "2+",
        "((1)",
    ],
)
def test_latex_value_not_a_number(text: str) -> None:
    assert latex_value(text) is None


@pytest.mark.parametrize(
    "a, b, equal",
    [
        ("B", "b", True),
        ("\\frac{1}{2}", "0.5", True),
        ("\\frac{1}{3}", "0.33", True),  # equal after rounding to 2 decimals
        ("\\frac{1}{3}", "0.34", False),
        ("3.14", "\\pi", True),
        ("2\\sqrt{3}", "3.46", True),
        ("(1,2)", "(1,2)", True),
        ("(1,2)", "(\\frac{2}{2},2)", True),
        ("(1,2)", "(2,1)", False),
        ("(-\\infty,2)", "(-\\infty,2)", True),
        ("5", "5{cm}", False),
        ("", "", False),
        ("a", " ", False),
        ("x+1", "1+x", False),  # no symbolic algebra, as in the official eval()
    ],
)
def test_is_equal(a: str, b: str, equal: bool) -> None:
    assert is_equal(a, b) is equal
    assert is_equal(b, a) is equal


def _score(response: str, answer: str, options: list[str]) -> float:
    doc = {"answer": answer, "options": options}
    return mathvision_accuracy(extract_mathvision_answer(response, doc), answer, doc)


@pytest.mark.parametrize(
    "response, answer, options, score",
    [
        ("So the answer is (B).", "B", ["A", "B", "C", "D", "E"], 1.0),
        ("So the answer is (B).", "C", ["A", "B", "C", "D", "E"], 0.0),
        ("The correct answer is (D) 42.", "D", ["1", "2", "3", "42", "5"], 0.0),  # extracted as "d42"
        ("The answer is 42.", "D", ["1", "2", "3", "42", "5"], 1.0),  # option value matches
        ("The answer is 5.", "D", ["1", "2", "3", "42", "5"], 0.0),
        ("Therefore the final answer is $\\boxed{\\frac{1}{2}}$.", "0.5", [], 1.0),
        ("The answer should be 2\\sqrt{3}", "2\\sqrt{3}", [], 1.0),
        ("The answer is 3.14159", "3.14", [], 1.0),
        ("\\boxed{(6, 7)}", "(6,7)", [], 1.0),
        ("I think it is 7", "8", [], 0.0),
        ("", "8", [], 0.0),
    ],
)
def test_accuracy_end_to_end(response: str, answer: str, options: list[str], score: float) -> None:
    assert _score(response, answer, options) == score


def test_accuracy_edge_cases() -> None:
    assert mathvision_accuracy(None, "5", {"options": []}) == 0.0
    assert mathvision_accuracy("5", ["4", "5"], {}) == 1.0  # several accepted answers
    assert mathvision_accuracy("z", "Z", {"options": ["1", "2"]}) == 1.0  # letter out of range: no crash
