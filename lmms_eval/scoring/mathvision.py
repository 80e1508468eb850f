"""MATH-Vision (Wang et al., 2024, "Measuring Multimodal Mathematical Reasoning with MATH-Vision Dataset")
answer extraction and matching, re-implemented from the official scorer: ``evaluation/evaluate.py``
(``evaluate``) and ``evaluation/utils.py`` (``find_math_answer``, ``_strip_string``, ``eval_tuple``,
``is_equal``) of https://github.com/mathllm/MATH-V at commit 1d361180b02cbff417c77c02acf1b4cacf2d55ea.

Extraction (:func:`extract_mathvision_answer`), in the official order:

1. the response is stripped; if it ends with `` X.`` or `` (X).``, or starts with ``X\\n``, ``(X)\\n`` or
   ``(X) X\\n`` for a letter X in A-E, the answer is that letter;
2. if what follows the last ``"is "`` (trailing periods removed) parses as a float, that is the answer;
3. without a ``\\boxed{``: for each phrase "the final answer is", "the answer is", "the correct answer is",
   "the answer should be" (then its capitalised "The ..." form), the text after the phrase's last
   occurrence is kept, cut at the first newline and at the first ``". "``; with several ``\\boxed{`` only
   the last one is kept;
4. ``find_math_answer``: lowercase; drop ``{}``; take the content of ``\\boxed{...}`` (greedy up to the
   last ``}``, then cut at a ``}`` that has no ``{`` before it); keep what follows the last ``=`` and
   ``\\approx``; remove spaces, ``\\,``, ``\\text``, ``\\mbox``, ``\\left``, ``\\right``, degree marks and the
   units m^3/units/km; ``∞`` -> ``\\infty``; then the MATH ``_strip_string`` clean-up (``dfrac``/``tfrac``
   -> ``frac``, ``$`` and ``\\%`` removed, ``.5`` -> ``0.5``, ``\\sqrt3`` -> ``\\sqrt{3}``, ``\\frac12`` ->
   ``\\frac{1}{2}`` (only when the answer has a ``sqrt``, as in the official code), ``0.5`` and ``1/2``
   -> ``\\frac{1}{2}``);
5. ``(a)``..``(e)`` and ``{a}``..``{e}`` become the bare letter; trailing ``.`` and leading ``:`` go.

Matching (:func:`is_equal`, :func:`mathvision_accuracy`): a prediction is correct when it equals the
answer letter or, for multiple choice, the text of the answer's option. Two strings are equal when,
lower-cased, they are non-blank and (a) identical after stripping, or (b) identical after tuples/lists
``(a,b,...)``/``[a,b,...]`` have each element evaluated and rounded to 2 decimals (elements containing
``infty`` and ``a``/``-a`` are kept as written), or (c) both evaluate to numbers that are equal when
rounded to 2 decimals.

Evaluation: the official code evaluates with ``latex2sympy2`` (``round(eval(str(latex2sympy(s))), 2)``,
``eval`` seeing only the ``math`` module). Here a small built-in LaTeX arithmetic evaluator is used, which
agrees with it on: numbers (``1,000`` is 1000), ``+ - * / ^``, ``!``, ``\\cdot``, ``\\times``, ``\\div``,
``\\frac{}{}``, ``\\sqrt[n]{}``, ``\\pi``, ``\\sin``/``\\cos``/``\\tan``/``\\ln``/``\\exp``, ``\\log`` (base 10)
and ``\\log_b``, brackets, implicit products such as ``2\\sqrt{3}``; symbols, ``e``, ``\\infty``, ``%`` and
brace-less ``\\frac12`` are not numbers (as there). Only when it fails and ``latex2sympy2`` happens to be
installed is ``latex2sympy`` tried (imported lazily; the value is taken with ``float(expr.evalf())``
instead of ``eval``, and is refused when the expression names anything outside ``math``, which is where
the official ``eval`` fails). ``sympy`` is not a dependency. Deviation: rounded tuple elements are
compared as floats, so ``(6,7)`` equals ``(6.0,7)`` (the official string comparison tells sympy's
integer 6 from the float 6.0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from lmms_eval.scoring.metrics import as_targets

__all__ = ["extract_mathvision_answer", "find_math_answer", "is_equal", "latex_value", "mathvision_accuracy"]

_CHOICES = "ABCDE"
_FLAGS = ("the final answer is", "the answer is", "the correct answer is", "the answer should be")


# --- extraction ------------------------------------------------------------------------------------------


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _choice_shortcut(answer: str) -> str:
    """Official step 1: a response ending with " X." / " (X)." or opening with "X\\n" / "(X)\\n" is X."""
    for c in _CHOICES:
        ends = answer.endswith((f" {c}.", f" ({c})."))
        starts = answer.startswith((f"{c}\n", f"({c})\n", f"({c}) {c}\n"))
        if ends or starts:
            answer = c
    return answer


def _cut_after(answer: str, flag: str) -> str:
    """Keep the text after the last ``flag``; when the flag occurs, only its first line/sentence."""
    cut = answer.split(flag)[-1].strip()
    return cut.split("\n")[0].split(". ")[0] if flag in answer else cut


def _pre_extract(response: str) -> str:
    """Official ``evaluate()`` steps 1-3, before ``find_math_answer``."""
    answer = _choice_shortcut(response.strip())
    tail = answer.split("is ")[-1].rstrip(".")
    if _is_float(tail):
        answer = tail
    if "oxed{" not in answer:
        for flag in _FLAGS:
            answer = _cut_after(answer, flag)
            answer = _cut_after(answer, flag.replace("the", "The"))
    elif answer.count("oxed{") > 1:
        answer = "\\boxed{" + answer.split("oxed{")[-1]
    return answer


def _fix_sqrt(text: str) -> str:
    """``\\sqrt3`` -> ``\\sqrt{3}`` (the single character after ``\\sqrt`` gets braces)."""
    parts = text.split("\\sqrt")
    out = parts[0]
    for part in parts[1:]:
        out += "\\sqrt{" + part[0] + "}" + part[1:] if part and part[0] != "{" else "\\sqrt" + part
    return out


def _fix_fracs(text: str) -> str:
    """``\\frac12`` -> ``\\frac{1}{2}``, ``\\frac1{2}`` -> ``\\frac{1}{2}``; unchanged when malformed."""
    parts = text.split("\\frac")
    out = parts[0]
    for part in parts[1:]:
        out += "\\frac"
        if part.startswith("{"):
            out += part
        elif len(part) < 2:
            return text
        elif part[1] != "{":
            out += "{" + part[0] + "}{" + part[1] + "}" + part[2:]
        else:
            out += "{" + part[0] + "}" + part[1:]
    return out


def _fix_a_slash_b(text: str) -> str:
    """``3/4`` (two integers, written canonically) -> ``\\frac{3}{4}``."""
    parts = text.split("/")
    if len(parts) != 2:
        return text
    try:
        a, b = int(parts[0]), int(parts[1])
    except ValueError:
        return text
    return f"\\frac{{{a}}}{{{b}}}" if text == f"{a}/{b}" else text


_STRIP_REPLACEMENTS = (
    ("\n", ""),
    ("\\!", ""),
    ("\\\\", "\\"),
    ("tfrac", "frac"),
    ("dfrac", "frac"),
    ("\\left", ""),
    ("\\right", ""),
    ("^{\\circ}", ""),
    ("^\\circ", ""),
    ("\\$", ""),
    ("$", ""),
)


def _strip_string(text: str) -> str:
    """The MATH-style ``_strip_string`` clean-up of the official utils (module docstring, step 4)."""
    for old, new in _STRIP_REPLACEMENTS:
        text = text.replace(old, new)
    text = text.split("\\text{ ")[0].replace("\\%", "")
    text = text.replace(" .", " 0.").replace("{.", "{0.")
    if not text:
        return text
    if text[0] == ".":
        text = "0" + text
    for sep in ("=", "\\approx"):
        if len(text.split(sep)) == 2:
            text = text.split(sep)[-1]
    if "sqrt" in text:
        text = _fix_sqrt(text)
    text = text.replace(" ", "")
    if "sqrt" in text:
        text = _fix_fracs(text)
    if text == "0.5":
        text = "\\frac{1}{2}"
    return _fix_a_slash_b(text)


_ANSWER_REPLACEMENTS = (
    (" ", ""),
    ("\\,", ""),
    ("∞", "\\infty"),
    ("+\\infty", "\\infty"),
    ("\\\\", "\\"),
    ("\n", ""),
    ("\\text", ""),
    ("\\mbox", ""),
    ("bmatrix", "pmatrix"),
    ("\\left", ""),
    ("\\right", ""),
    ("^{\\circ}", ""),
    ("^\\circ", ""),
    ("{m}^3", ""),
    ("m^3", ""),
    ("{units}", ""),
    ("units", ""),
    ("{km}", ""),
    ("km", ""),
)
_BOXED_GREEDY = re.compile(r"oxed{(.*)}", re.DOTALL)


def find_math_answer(text: str) -> str:
    """The official ``find_math_answer`` (module docstring, step 4)."""
    text = text.lower().replace("{}", "")
    boxed = _BOXED_GREEDY.findall(text)
    answer = boxed[-1] if boxed else text
    close, open_ = answer.find("}"), answer.find("{")
    if close != -1 and (open_ == -1 or close < open_):
        answer = answer.split("}")[0]
    answer = answer.split("=")[-1].split("\\approx")[-1]
    for old, new in _ANSWER_REPLACEMENTS:
        answer = answer.replace(old, new)
    return _strip_string(answer)


def extract_mathvision_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """The answer as MATH-Vision's official ``evaluate()`` extracts it (module docstring, steps 1-5);
    None when nothing is left. ``doc`` is not used (the official extraction ignores the question)."""
    answer = find_math_answer(_pre_extract(text))
    for c in "abcde":
        answer = answer.replace(f"({c})", c)
    for c in "abcde":
        answer = answer.replace(f"{{{c}}}", c)
    answer = answer.rstrip(".").lstrip(":").strip()
    return answer or None


# --- LaTeX arithmetic ------------------------------------------------------------------------------------

_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "ln": math.log,
    "log": math.log10,  # latex2sympy reads \\log{x} as the base-10 logarithm
    "exp": math.exp,
}
_MUL_OPS = {"*": "*", "/": "/", "\\cdot": "*", "\\times": "*", "\\ast": "*", "\\div": "/"}
_COMMAND = re.compile(r"\\[a-zA-Z]+")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+\.?\d*|\.\d+")  # 1,000 is 1000, as latex2sympy
_MATH_NAMES = frozenset(dir(math))
_SPACING = re.compile(r"\\[,;:! ]|\\left|\\right")


class _LatexError(ValueError):
    """The text is not a LaTeX arithmetic expression this evaluator understands."""


class _Parser:
    """Recursive-descent evaluator: expr = term {(+|-) term}; term = unary {op unary | implicit power};
    unary = (+|-) unary | power; power = atom [^ exponent]."""

    def __init__(self, text: str) -> None:
        self.text = _SPACING.sub("", text)
        self.pos = 0

    def parse(self) -> float:
        value = self.expr()
        if self.peek():
            raise _LatexError(f"unexpected {self.text[self.pos :]!r}")
        return value

    def peek(self) -> str:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.text[self.pos : self.pos + 1]

    def command(self) -> str | None:
        self.peek()
        m = _COMMAND.match(self.text, self.pos)
        return m.group(0) if m else None

    def take(self, token: str) -> None:
        self.peek()
        if not self.text.startswith(token, self.pos):
            raise _LatexError(f"expected {token!r} at {self.pos}")
        self.pos += len(token)

    def expr(self) -> float:
        value = self.term()
        while self.peek() in ("+", "-"):
            sign = self.text[self.pos]
            self.pos += 1
            value = value + self.term() if sign == "+" else value - self.term()
        return value

    def mul_op(self) -> str | None:
        ch = self.peek()
        if ch in ("*", "/"):
            return ch
        name = self.command()
        return name if name in _MUL_OPS else None

    def starts_atom(self) -> bool:
        ch = self.peek()
        name = self.command()
        return bool(ch) and (ch.isdigit() or ch in ".({[" or (name is not None and name not in _MUL_OPS))

    def term(self) -> float:
        value = self.unary()
        while True:
            op = self.mul_op()
            if op is not None:
                self.pos += len(op)
                rhs = self.unary()
                value = value * rhs if _MUL_OPS[op] == "*" else value / rhs
            elif self.starts_atom():
                value *= self.power()
            else:
                return value

    def unary(self) -> float:
        if self.peek() in ("+", "-"):
            sign = self.text[self.pos]
            self.pos += 1
            return self.unary() if sign == "+" else -self.unary()
        return self.power()

    def power(self) -> float:
        base = self.factorial()
        if self.peek() != "^":
            return base
        self.pos += 1
        exponent = self.group() if self.peek() == "{" else self.unary()
        result = base**exponent
        if isinstance(result, complex):
            raise _LatexError("complex power")
        return float(result)

    def factorial(self) -> float:
        value = self.atom()
        while self.peek() == "!":
            self.pos += 1
            if value < 0 or value != int(value) or value > 170:
                raise _LatexError("factorial of a non-integer, negative or huge number")
            value = float(math.factorial(int(value)))
        return value

    def group(self) -> float:
        self.take("{")
        value = self.expr()
        self.take("}")
        return value

    def arg(self) -> float:
        """A command argument: ``{expr}`` (latex2sympy rejects ``\\frac12`` and ``\\sqrt2``)."""
        return self.group()

    def atom(self) -> float:
        ch = self.peek()
        brackets = {"(": ")", "{": "}", "[": "]"}
        if ch in brackets:
            self.pos += 1
            value = self.expr()
            self.take(brackets[ch])
            return value
        m = _NUMBER.match(self.text, self.pos)
        if m:
            self.pos = m.end()
            return float(m.group(0).replace(",", ""))
        name = self.command()
        if name is None:
            raise _LatexError(f"unexpected {self.text[self.pos :]!r}")
        self.pos += len(name)
        return self.apply(name[1:])

    def apply(self, name: str) -> float:
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            numerator = self.arg()
            return numerator / self.arg()
        if name == "sqrt":
            return self.root()
        if name == "pi":
            return math.pi
        if name == "log" and self.peek() == "_":
            self.pos += 1
            base = self.group() if self.peek() == "{" else self.atom()
            return math.log(self.arg(), base)
        if name in _FUNCTIONS:
            return _FUNCTIONS[name](self.arg())
        raise _LatexError(f"unsupported command \\{name}")

    def root(self) -> float:
        degree = 2.0
        if self.peek() == "[":
            self.pos += 1
            degree = self.expr()
            self.take("]")
        radicand = self.arg()
        if degree == 2.0:
            return math.sqrt(radicand)
        if radicand < 0:
            raise _LatexError("root of a negative number")
        return float(radicand ** (1.0 / degree))


def _sympy_value(text: str) -> float | None:
    """``latex2sympy2``'s numeric value of ``text`` when that optional package is installed."""
    try:
        from latex2sympy2 import latex2sympy
    except ImportError:
        return None
    try:
        expr = latex2sympy(text)
        # the official eval() sees only the math module: any other name (x, E, oo, Abs) is a failure
        if not set(re.findall(r"[A-Za-z_]\w*", str(expr))) <= _MATH_NAMES:
            return None
        return float(expr.evalf())
    except Exception:  # any parse or conversion failure means "not a number", as in the official code
        return None


def latex_value(text: str) -> float | None:
    """The numeric value of a LaTeX arithmetic expression (``2\\sqrt{3}``, ``\\frac{1}{2}``, ``0.5``);
    None when it is not one (module docstring, "Evaluation")."""
    value: float | None
    try:
        value = _Parser(text).parse()
    except (_LatexError, ZeroDivisionError, OverflowError, ValueError, RecursionError):
        value = _sympy_value(text) if text.strip() else None
    return value if value is not None and math.isfinite(value) else None


# --- matching --------------------------------------------------------------------------------------------


def _eval_tuple(text: str) -> str:
    """``(a,b,...)``/``[a,b,...]`` with each element evaluated and rounded to 2 decimals; unchanged when
    not such a tuple or when an element is not a number (elements with ``infty``, ``a``, ``-a`` are kept)."""
    if len(text) < 2 or (text[0], text[-1]) not in (("(", ")"), ("[", "]")):
        return text
    items = text[1:-1].split(",")
    if len(items) < 2:
        return text
    out = []
    for item in items:
        if "infty" in item or item in ("a", "-a"):
            out.append(item)
            continue
        value = latex_value(item)
        if value is None:
            return text
        out.append(repr(round(value, 2) + 0.0))
    return text[0] + ",".join(out) + text[-1]


def is_equal(answer: str, reference: str) -> bool:
    """The official ``is_equal`` (module docstring, "Matching" (a)-(c))."""
    answer, reference = answer.lower(), reference.lower()
    if not answer.replace(" ", "") or not reference.replace(" ", ""):
        return False
    if answer.strip() == reference.strip():
        return True
    answer, reference = _eval_tuple(answer), _eval_tuple(reference)
    if answer == reference:
        return True
    a, b = latex_value(answer), latex_value(reference)
    return a is not None and b is not None and round(a, 2) == round(b, 2)


def _option_text(answer: str, options: Any) -> str:
    """The text of the option an answer letter names, '' when there is none."""
    if not isinstance(options, (list, tuple)) or len(answer) != 1:
        return ""
    index = ord(answer) - ord("A")
    return str(options[index]) if 0 <= index < len(options) else ""


def mathvision_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the extracted answer :func:`is_equal` to the answer (letter or value) or, for multiple
    choice (``doc["options"]`` non-empty), to the answer's option text; else 0.0."""
    if prediction is None:
        return 0.0
    options = doc.get("options") if isinstance(doc, Mapping) else None
    for answer in as_targets(target):
        if is_equal(answer, prediction) or is_equal(_option_text(answer, options), prediction):
            return 1.0
    return 0.0
