"""MATH-Vision (Wang et al., 2024, "Measuring Multimodal Mathematical Reasoning with MATH-Vision Dataset")
answer extraction and matching, re-implemented from the official scorer: ``evaluation/evaluate.py``
(``evaluate``) and ``evaluation/utils.py`` (``find_math_answer``, ``_strip_string``, ``eval_tuple``,
``is_equal``) of https://github.com/mathllm/MATH-V at commit a1f5cc3add200c0cd080fad463e500f44ef1fb41
(``evaluation/`` is unchanged since the first commit, 1d361180).

Extraction (:func:`extract_mathvision_answer`), in the official order:

1. the response is stripped; if it ends with `` X.`` or `` (X).``, or starts with ``X\\n``, ``(X)\\n`` or
   ``(X) X\\n`` for a letter X in A-E, the answer is that letter;
2. if what follows the last ``"is "`` (trailing periods removed) is accepted by Python's ``float()``, that
   is the answer (``float`` also accepts ``inf``, ``nan``, ``1e3``, ``1_000`` and non-ASCII digits such
   as full-width ``１０``: so does the official code);
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

Matching (:func:`mathvision_accuracy`): the official ``is_equal(answer, prediction) or
is_equal(option, prediction)``, where ``answer`` is the dataset's answer (a letter, or the value of an open
question) and ``option`` the **raw** text of the answer's option (``$\\frac{1}{2}$``, ``$8+2 \\sqrt{2}$``,
``$3: 2$``; never cleaned like the prediction), or ``''`` for open questions. :func:`is_equal` lower-cases
both sides; blank is never equal; then equal when (a) identical after stripping, (b) identical after
:func:`eval_tuple`, or (c) both have an :func:`official_value` and these are equal after ``round(., 2)``.

Values (:func:`official_value`): the official ``eval(str(latex2sympy(s)))``, with ``latex2sympy2``
(imported lazily; the same parser, so its reading of LaTeX is the official one) and, instead of ``eval``,
a small evaluator of the printed sympy expression over Python's ``ast`` that allows only what that ``eval``
could resolve to a number: numeric literals, ``+ - * / ** % //``, unary signs, comparisons, the names the
official namespace binds to numbers (``pi``, ``e``, ``tau``, ``inf``, ``nan`` from ``from math import *``)
and calls of ``math`` functions and of ``abs``/``round``/``min``/``max``/``int``/``float``/``complex``/
``bool``. Any other name (sympy's ``E``, ``I``, ``oo``, ``Abs``, a symbol ``x``) fails where ``eval`` raises
``NameError``; no model text is ever given to Python's ``eval``. Official quirks kept on purpose:

- ``e`` alone is sympy's ``E``: not a number; but ``e^{2}`` prints as ``exp(2)``: 7.39;
- ``\\infty`` (``oo``), ``|x|`` (``Abs``), ``\\frac12`` (a parse error) and ``50%`` are not numbers; ``50\\%``
  is 0.5; ``\\tau`` is ``math.tau`` (6.28) and ``\\pi`` is pi; ``1<2`` is ``True``, i.e. 1;
- ``1,000`` is 1000, but ``12,5`` is a list (not a number); ``3:2`` is 1.5; ``$``, ``\\,``, ``~``,
  ``\\displaystyle`` are ignored by latex2sympy, so a raw option ``$8+2 \\sqrt{2}$`` is 10.83;
- non-ASCII digits (``１０``) are not numbers for latex2sympy's lexer, though step 2 accepts them;
- complex values (``(-8)^{1/3}``, ``\\sqrt{-4}`` via ``math.sqrt``) fail, as ``round`` or ``math`` raise;
- :func:`eval_tuple` writes ``str(round(v, 2))``, so an int and a float differ: ``(\\frac{12}{2},7)``
  becomes ``(6.0,7)``, not ``(6,7)`` (while ``(6.0,7)`` becomes ``(6,7)``: latex2sympy reads ``6.0`` as the
  rational 6);
- ``latex2sympy2`` keeps module state: once it has read a differential (``dx``), every later call in the
  process fails on any letter (``\\tau`` is then not 6.28), so an official run's verdicts can depend on
  the responses before them in its file. Here the state is reset before each response
  (:func:`mathvision_accuracy`) to what importing latex2sympy2 leaves: the verdict is the official one for
  that response evaluated on its own, in a fresh process.

latex2sympy2 is pinned to 1.9.1, the version checked (with sympy 1.14.0); on Python 3.13, which dropped
the ``typing.io`` that its ANTLR runtime (4.7.2) imports, a stand-in module is registered first.
tests/scoring/test_mathvision.py says how the official outputs it is checked against were produced.

The one deviation: an integer power with a result above 2**1,000,000 and ``factorial`` of more than
10,000 are refused (not a number) instead of computed; the official code would spend seconds to hours on
them, and such integers are too long for ``str`` anyway, so no verdict on MATH-Vision's answers changes.
"""

from __future__ import annotations

import ast
import builtins
import math
import operator
import sys
import threading
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from lmms_eval.scoring.metrics import as_targets

__all__ = [
    "eval_tuple",
    "extract_mathvision_answer",
    "find_math_answer",
    "is_equal",
    "mathvision_accuracy",
    "official_value",
]

_CHOICES = "ABCDE"
_FLAGS = ("the final answer is", "the answer is", "the correct answer is", "the answer should be")


# --- extraction ------------------------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    """The official ``is_number``: whatever Python's ``float()`` accepts."""
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
    if _is_number(tail):
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
    """``3/4`` (two ``int()``-readable parts, written canonically) -> ``\\frac{3}{4}``."""
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


def _last_boxed(text: str) -> str:
    """The official ``re.findall('oxed{(.*)}', s, re.S)[-1]``: from the first ``oxed{`` to the last ``}``
    (one greedy match at most), or the whole text when there is none."""
    start = text.find("oxed{")
    end = text.rfind("}")
    return text[start + 5 : end] if start != -1 and end >= start + 5 else text


def find_math_answer(text: str) -> str:
    """The official ``find_math_answer`` (module docstring, step 4)."""
    text = text.lower().replace("{}", "")
    answer = _last_boxed(text)
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


# --- values: latex2sympy, then the official eval() namespace ---------------------------------------------

_MAX_POWER_BITS = 1_000_000
_MAX_FACTORIAL = 10_000
# names ``from math import *`` binds to numbers in the official utils module
_NUMBERS: dict[str, float] = {k: v for k, v in vars(math).items() if isinstance(v, float)}
_CALLABLE: dict[str, Callable[..., Any]] = {
    **{k: getattr(builtins, k) for k in ("abs", "round", "min", "max", "int", "float", "complex", "bool")},
    **{k: v for k, v in vars(math).items() if callable(v) and not k.startswith("_")},  # math.pow wins
}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_STATE_LOCK = threading.RLock()


class NotANumber(ValueError):
    """The official ``eval`` would fail on this expression (or it is refused: module docstring)."""


@cache
def _latex2sympy2() -> tuple[Any, dict[Any, Any], dict[Any, Any]]:
    """The latex2sympy2 module, imported on first use (it imports sympy and an ANTLR parser), with copies of
    its module state (``variances``, ``var``) as importing it leaves them."""
    if sys.version_info >= (3, 13) and "typing.io" not in sys.modules:
        # antlr4-python3-runtime 4.7.2 (pinned by latex2sympy2) imports typing.io, gone since Python 3.13
        shim = types.ModuleType("typing.io")
        shim.TextIO = typing.TextIO  # type: ignore[attr-defined]
        sys.modules["typing.io"] = shim
    import latex2sympy2

    return latex2sympy2, dict(latex2sympy2.variances), dict(latex2sympy2.var)


def _reset_latex2sympy_state() -> None:
    """Put latex2sympy2's module state back as a fresh import has it (module docstring, last quirk)."""
    module, variances, var = _latex2sympy2()
    module.variances, module.var = dict(variances), dict(var)


def _power(base: Any, exponent: Any) -> Any:
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and abs(base) > 1
        and exponent * math.log2(abs(base)) > _MAX_POWER_BITS
    ):
        raise NotANumber("integer power too large")
    return base**exponent


def _call(name: str, args: list[Any]) -> Any:
    if name not in _CALLABLE:
        raise NotANumber(f"name {name!r} is not a function of the official namespace")
    if name == "factorial" and args and isinstance(args[0], int) and args[0] > _MAX_FACTORIAL:
        raise NotANumber("factorial too large")
    return _CALLABLE[name](*args)


def _compare(node: ast.Compare) -> Any:
    """A (chained) comparison, its operands evaluated lazily as Python does."""
    left = _walk(node.left)
    for op, right_node in zip(node.ops, node.comparators):
        if type(op) not in _COMPARE:
            raise NotANumber(f"comparison {type(op).__name__}")
        right = _walk(right_node)
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _walk(node: ast.AST) -> Any:
    """The value Python's ``eval`` gives ``node`` in the official namespace, for the node types sympy's
    printer uses on numbers; NotANumber for everything else."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, complex, bool):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _NUMBERS:
            return _NUMBERS[node.id]
        raise NotANumber(f"name {node.id!r} is not a number")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left), _walk(node.right)
        return _power(left, right) if isinstance(node.op, ast.Pow) else _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_walk(node.operand))
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return _call(node.func.id, [_walk(arg) for arg in node.args])
    raise NotANumber(f"{type(node).__name__} is not evaluated")


def _safe_eval(source: str) -> Any:
    """``eval(source)`` in the official namespace, for numeric expressions only (module docstring)."""
    return _walk(ast.parse(source, mode="eval").body)


def official_value(text: str) -> Any:
    """``eval(str(latex2sympy(text)))`` as the official utils compute it (module docstring, "Values"):
    an int, float or bool; raises (NotANumber, a latex2sympy2 error, ...) where the official code raises."""
    with _STATE_LOCK:
        expr = _latex2sympy2()[0].latex2sympy(text)
    return _safe_eval(str(expr))


def _rounded(text: str) -> Any:
    """``round(official_value(text), 2)``: raises for complex values, as ``round`` does."""
    return round(official_value(text), 2)


# --- matching --------------------------------------------------------------------------------------------


def eval_tuple(text: str) -> str:
    """The official ``eval_tuple``: ``(a,b,...)``/``[a,b,...]`` with each element replaced by
    ``str(round(value, 2))`` (elements containing ``infty`` and ``a``/``-a`` kept as written); the text
    unchanged when it is not such a tuple or when any element fails."""
    items = text[1:-1].split(",")
    if len(text) == 0 or len(items) < 2 or (text[0], text[-1]) not in (("(", ")"), ("[", "]")):
        return text
    try:
        out = [item if "infty" in item or item in ("a", "-a") else str(_rounded(item)) for item in items]
    except Exception:  # any failure leaves the tuple as written, as in the official code
        return text
    return text[0] + ",".join(out) + text[-1]


def is_equal(asw: str, gt_asw: str) -> bool:
    """The official ``is_equal(asw, gt_asw)`` (module docstring, "Matching"); ``evaluate()`` calls it with
    the reference first and the prediction second, and the prediction is evaluated first."""
    asw, gt_asw = asw.lower(), gt_asw.lower()
    if not asw.replace(" ", "") or not gt_asw.replace(" ", ""):
        return False
    if gt_asw.strip() == asw.strip():
        return True
    asw, gt_asw = eval_tuple(asw), eval_tuple(gt_asw)
    if gt_asw == asw:
        return True
    try:
        return bool(_rounded(gt_asw) == _rounded(asw))
    except Exception:  # the official code counts any failure as "not equal"
        return False


def _option_text(answer: str, options: Any) -> str:
    """The raw text of the option an answer letter names, '' when there is none."""
    if not isinstance(options, (list, tuple)) or len(answer) != 1:
        return ""
    index = ord(answer) - ord("A")
    return str(options[index]) if 0 <= index < len(options) else ""


def mathvision_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the official ``is_equal(answer, prediction) or is_equal(option, prediction)`` holds for an
    accepted answer, ``option`` being the raw text of the answer's option for multiple choice
    (``doc["options"]``) and '' otherwise; else 0.0. latex2sympy2's state is reset first."""
    if prediction is None:
        return 0.0
    options = doc.get("options") if isinstance(doc, Mapping) else None
    with _STATE_LOCK:
        _reset_latex2sympy_state()
        for answer in as_targets(target):
            if is_equal(answer, prediction) or is_equal(_option_text(answer, options), prediction):
                return 1.0
    return 0.0
