"""AIME scoring as lm-evaluation-harness's ``aime24`` / ``aime25`` tasks compute it.

Follows github.com/EleutherAI/lm-evaluation-harness@4e7e0d47f33bc71070c1d38394bafbb52b117163,
``lm_eval/tasks/aime/utils.py``: ``process_results`` reads the answer as the text between the first and the
last ``$`` of the response (the whole response when it has fewer than two), replaced by the content of the
last ``\\boxed{...}`` / ``\\boxed ...`` / ``\\fbox{...}`` when there is one; ``is_equiv`` compares it with the
reference after the MATH normalization (``strip_string``: spaces, ``\\left``/``\\right``, ``tfrac``/``dfrac``,
degrees, ``\\$``, trailing ``\\text{ units}``, ``\\%``, a leading ``k =``, ``\\sqrt3``, ``\\frac12``, ``a/b``,
``0.5``); where normalizing raises (e.g. two ``\\text{ `` units), the raw strings are compared.

Quirks kept: answers are compared as normalized text, not as integers ("070" does not match 70, "70.0"
does not either); an unclosed ``\\boxed{`` keeps the ``$``-span answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def last_boxed(text: str) -> str | None:
    """The last ``\\boxed{...}`` (braces balanced) or ``\\fbox{...}``, or ``\\boxed `` up to a ``$``."""
    if "\\boxed " in text:
        return "\\boxed " + text.split("\\boxed ")[-1].split("$")[0]
    idx = text.rfind("\\boxed")
    if idx < 0:
        idx = text.rfind("\\fbox")
        if idx < 0:
            return None
    depth = 0
    for i in range(idx, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[idx : i + 1]
    return None


def _unbox(boxed: str) -> str | None:
    """The content of a ``last_boxed`` string; None where the official ``remove_boxed`` raises."""
    if "\\boxed " in boxed:
        return boxed[len("\\boxed ") :] if boxed.startswith("\\boxed ") else None
    if boxed.startswith("\\boxed{") and boxed.endswith("}"):
        return boxed[len("\\boxed{") : -1]
    return None


def extract_aime_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``aime``: the ``$``-span (or the whole response), then the last boxed content if any."""
    dollars = [i for i, ch in enumerate(text) if ch == "$"]
    answer = text if len(dollars) <= 1 else text[dollars[0] + 1 : dollars[-1]]
    boxed = last_boxed(text)
    if boxed is not None:
        content = _unbox(boxed)
        if content is not None:
            answer = content
    return answer


def _fix_fracs(text: str) -> str:
    parts = text.split("\\frac")
    out = parts[0]
    for sub in parts[1:]:
        out += "\\frac"
        if sub[0] == "{":  # an empty part raises IndexError, as the official code does
            out += sub
            continue
        if len(sub) < 2:
            return text
        a, b, rest = sub[0], sub[1], sub[2:]
        out += "{" + a + "}{" + b + "}" + rest if b != "{" else "{" + a + "}" + b + rest
    return out


def _fix_a_slash_b(text: str) -> str:
    parts = text.split("/")
    if len(parts) != 2:
        return text
    # a side that is not an integer raises ValueError, as in the official code (is_equiv then compares raw)
    a, b = int(parts[0]), int(parts[1])
    return f"\\frac{{{a}}}{{{b}}}" if text == f"{a}/{b}" else text


def _remove_right_units(text: str) -> str:
    if "\\text{ " in text:
        parts = text.split("\\text{ ")
        if len(parts) != 2:
            raise ValueError("several \\text{ units")
        return parts[0]
    return text


def _fix_sqrt(text: str) -> str:
    if "\\sqrt" not in text:
        return text
    parts = text.split("\\sqrt")
    out = parts[0]
    for part in parts[1:]:
        out += "\\sqrt{" + part[0] + "}" + part[1:] if part[0] != "{" else "\\sqrt" + part
    return out


def strip_string(text: str) -> str:
    """The MATH normalization (``strip_string``); raises where the official one does."""
    text = text.replace("\n", "").replace("\\!", "").replace("\\\\", "\\")
    text = text.replace("tfrac", "frac").replace("dfrac", "frac")
    text = text.replace("\\left", "").replace("\\right", "")
    text = text.replace("^{\\circ}", "").replace("^\\circ", "").replace("\\$", "")
    text = _remove_right_units(text)
    text = text.replace("\\%", "").replace(" .", " 0.").replace("{.", "{0.")
    if not text:
        return text
    if text[0] == ".":
        text = "0" + text
    halves = text.split("=")
    if len(halves) == 2 and len(halves[0]) <= 2:
        text = halves[1]
    text = _fix_fracs(_fix_sqrt(text).replace(" ", ""))
    if text == "0.5":
        text = "\\frac{1}{2}"
    return _fix_a_slash_b(text)


def is_equiv(answer: str, target: str) -> bool:
    """``is_equiv``: equal after ``strip_string``; the raw strings compared where normalizing raises."""
    try:
        return strip_string(answer) == strip_string(target)
    except Exception:
        return answer == target


def aime_exact_match(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the extracted answer is equivalent to the reference (use the ``aime`` extractor)."""
    if prediction is None:
        return 0.0
    return float(is_equiv(prediction, str(target)))
