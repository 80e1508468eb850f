"""Answer extractors: pull the answer out of a model's free-form output.

Signature: ``fn(text: str, doc: Mapping[str, Any], **args) -> str | None``; ``None`` means nothing was
found (the metric then scores the sample as wrong). Bad argument values raise ``ConfigError``.
Each extractor's docstring states its rules. Extractors that search the text (``boxed``, ``answer_tag``,
``number``, ``yes_no``, ``true_false``, ``mcq_letter``) first drop ``<think>...</think>`` reasoning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from lmms_eval.core.errors import ConfigError

__all__ = [
    "extract_answer_tag",
    "extract_boxed",
    "extract_identity",
    "extract_last_line",
    "extract_mcq_letter",
    "extract_number",
    "extract_regex",
    "extract_true_false",
    "extract_yes_no",
    "find_numbers",
    "format_number",
    "last_boxed",
    "parse_number",
]


# --- identity / last_line ----------------------------------------------------------------------------------


def extract_identity(text: str, doc: Mapping[str, Any]) -> str | None:
    """The whole output, stripped of surrounding whitespace."""
    return text.strip()


def extract_last_line(text: str, doc: Mapping[str, Any]) -> str | None:
    """The last non-empty line, stripped; None when the output is blank."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else None


# --- boxed / answer tags -----------------------------------------------------------------------------------

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*")


def _balanced_group(text: str, start: int) -> str | None:
    """Content of the ``{...}`` group opening at ``text[start]``, nested braces included; None if unclosed."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    return None


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}`` (or ``\\fbox{...}``, or ``\\boxed 5``) in ``text``."""
    for match in reversed(list(_BOXED.finditer(text))):
        end = match.end()
        if end < len(text) and text[end] == "{":
            content = _balanced_group(text, end)
        else:  # "\boxed 5": the token after the command
            token = re.match(r"[^\s$]+", text[end:])
            content = token.group(0) if token and match.group(0) != match.group(0).rstrip() else None
        if content is not None:
            return content.strip()
    return None


def extract_boxed(text: str, doc: Mapping[str, Any]) -> str | None:
    """Content of the last ``\\boxed{...}`` with nested braces handled (``\\boxed{\\frac{1}{2}}`` ->
    ``\\frac{1}{2}``); ``\\fbox{}`` and the brace-less ``\\boxed 5`` count too. None when absent or unclosed."""
    return last_boxed(strip_think(text))


_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_ANSWER_TAG = re.compile(r"<answer>(.*?)</answer>", re.IGNORECASE | re.DOTALL)


def strip_think(text: str) -> str:
    """Remove ``<think>...</think>`` blocks; text up to a lone ``</think>`` (opened in the prompt) goes too."""
    text = _THINK_BLOCK.sub("", text)
    closing = text.lower().rfind("</think>")
    return text[closing + len("</think>") :] if closing >= 0 else text


def extract_answer_tag(text: str, doc: Mapping[str, Any]) -> str | None:
    """Content of the last ``<answer>...</answer>`` (case-insensitive, multi-line), stripped, after removing
    any ``<think>...</think>`` block. An ``<answer>`` left open at the end (truncated output) yields the rest
    of the text. None when there is no ``<answer>`` tag."""
    text = strip_think(text)
    found = _ANSWER_TAG.findall(text)
    if found:
        return str(found[-1]).strip()
    opening = text.lower().rfind("<answer>")
    return text[opening + len("<answer>") :].strip() if opening >= 0 else None


# --- regex -------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise ConfigError(f"Invalid 'pattern' for the regex extractor: {pattern!r} ({exc}).") from exc


def extract_regex(
    text: str,
    doc: Mapping[str, Any],
    *,
    pattern: str | None = None,
    group: int | str | None = None,
    ignore_case: bool = True,
    last: bool = False,
) -> str | None:
    """The first (``last=True``: last) match of ``pattern``; returns ``group`` (default 1 when the pattern
    has groups, else the whole match), stripped. None when nothing matches or the group did not take part."""
    if not isinstance(pattern, str) or not pattern:
        raise ConfigError("The regex extractor needs a 'pattern' argument (a regular expression string).")
    compiled = _compile(pattern, bool(ignore_case))
    if group is None:
        group = 1 if compiled.groups else 0
    if isinstance(group, int) and not 0 <= group <= compiled.groups:
        raise ConfigError(f"Regex extractor: group {group} does not exist in {pattern!r}.")
    if isinstance(group, str) and group not in compiled.groupindex:
        raise ConfigError(f"Regex extractor: named group '{group}' does not exist in {pattern!r}.")
    matches = list(compiled.finditer(text)) if last else [m for m in [compiled.search(text)] if m]
    if not matches:
        return None
    value = matches[-1].group(group)
    return value.strip() if value is not None else None


# --- numbers -----------------------------------------------------------------------------------------------

_FRAC = re.compile(r"\\[dt]?frac\s*\{\s*(-?[\d.,]+)\s*\}\s*\{\s*(-?[\d.,]+)\s*\}")
_NUMBER = re.compile(
    r"(?P<sign>[-−+])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:[eE](?P<exp>[-+]?\d+))?"
    r"(?:\s*/\s*(?P<den>\d+(?:\.\d+)?)(?![\d.]))?"
)


def format_number(value: Decimal) -> str:
    """Canonical string of a number: no exponent, no trailing zeros, no ``-0`` (``3.50`` -> ``3.5``)."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _to_decimal(match: re.Match[str], text: str) -> Decimal | None:
    sign = match.group("sign") or ""
    if sign and match.start() > 0 and (text[match.start() - 1].isalnum() or text[match.start() - 1] in ")]}"):
        sign = ""  # "3-5" is a range or a subtraction, not the number -5
    try:
        value = Decimal(match.group("num").replace(",", ""))
        if match.group("exp"):
            value = value.scaleb(int(match.group("exp")))
        if match.group("den"):
            den = Decimal(match.group("den"))
            if not den:
                return None
            value = Decimal(repr(float(value / den)))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    return -value if sign in ("-", "−") else value


def _prepare_numbers(text: str) -> str:
    """Turn ``\\frac{a}{b}`` into ``a/b`` and drop currency / LaTeX escapes that sit between sign and digits."""
    text = _FRAC.sub(lambda m: f"{m.group(1)}/{m.group(2)}", text)
    return (
        text.replace("\\$", " ").replace("$", " ").replace("\\%", "%").replace("\\!", "").replace("{,}", ",")
    )


def find_numbers(text: str) -> list[str]:
    """All numbers in ``text`` as canonical strings (see :func:`extract_number` for the rules)."""
    prepared = _prepare_numbers(text)
    out = []
    for match in _NUMBER.finditer(prepared):
        if match.start() > 0 and prepared[match.start() - 1].isalpha() and not match.group("sign"):
            continue  # "x2", "H2O", "v1": part of a word
        value = _to_decimal(match, prepared)
        if value is not None:
            out.append(format_number(value))
    return out


def parse_number(text: str | None) -> float | None:
    """``text`` as a float when it holds exactly one number (units, ``$``, ``%``, commas allowed)."""
    if text is None:
        return None
    numbers = find_numbers(text)
    return float(numbers[0]) if len(numbers) == 1 else None


#: the number words zero..twenty, in order (also Whisper's English normalizer reads one..nineteen from here)
NUMBER_WORDS: tuple[str, ...] = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
)  # fmt: skip
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(NUMBER_WORDS)}
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


def words_to_digits(text: str) -> str:
    """Replace the whole words zero..twenty with digits ("Seven." -> "7.")."""
    return _NUMBER_WORD_RE.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)


def extract_number(
    text: str, doc: Mapping[str, Any], *, first: bool = False, words: bool = False
) -> str | None:
    """The last number in the text (``first=True``: the first), in canonical form.

    Rules: thousands separators are removed (``1,234`` -> ``1234``; a comma not followed by exactly three
    digits separates numbers); ``$`` and units/percent signs around the number are ignored (``$3.50`` ->
    ``3.5``, ``12 cm`` -> ``12``, ``45%`` -> ``45``); a ``-`` directly before the digits makes the number
    negative unless it follows a letter, digit or closing bracket (``3-5`` gives 3 and 5); ``\\frac{1}{2}``,
    ``1/2`` and ``1 / 4`` are evaluated to decimals (``0.5``, ``0.25``); ``1e3`` is 1000. The result has
    no trailing zeros and no exponent (``-0.50`` -> ``-0.5``, ``2.0`` -> ``2``). Digits glued to a letter
    (``H2O``, ``x2``) are not numbers. None when there is no number. ``words=True`` first reads the number
    words zero..twenty as digits (speech recognizers write "Seven." for a spoken 7).
    """
    text = strip_think(text)
    numbers = find_numbers(words_to_digits(text) if words else text)
    if not numbers:
        return None
    return numbers[0] if first else numbers[-1]


# --- yes / no, true / false ------------------------------------------------------------------------------

_MARKDOWN = re.compile(r"[*_`#]+")
_ANSWER_LEAD = r"(?:answer\s*(?:is|would be|should be|:)|answer\s*-)"


def _polar(text: str, positive: Sequence[str], negative: Sequence[str]) -> bool | None:
    """True/False for a positive/negative word found by the yes/no rules; None when absent or ambiguous."""
    words = "|".join(map(re.escape, [*positive, *negative]))
    clean = _MARKDOWN.sub("", strip_think(text)).lower()
    explicit = re.findall(rf"{_ANSWER_LEAD}\s*[\"'(\[]?\s*({words})\b", clean)
    if explicit:
        return explicit[-1] in positive
    leading = re.match(rf"^\W*({words})\b", clean)
    if leading:
        return leading.group(1) in positive
    # a negated word counts as its opposite: "the statement is not true" -> false
    found = {
        (w in positive) != bool(neg) for neg, w in re.findall(rf"(\bnot\s+|n't\s+)?\b({words})\b", clean)
    }
    return found.pop() if len(found) == 1 else None


def extract_yes_no(text: str, doc: Mapping[str, Any]) -> str | None:
    """``"yes"``, ``"no"`` or None.

    Rules, in order (case-insensitive, markdown ``*_`#`` ignored, whole words only):
    1. the word after the last "answer is / answer: / answer would be / answer should be"
       ("The answer is no" -> no);
    2. a yes/no that opens the text ("Yes, there is a dog." -> yes; "No." -> no);
    3. otherwise yes/no anywhere, if only one of the two occurs, a word right after "not" / "n't" counting
       as its opposite ("The statement is not true." -> false); both occurring is ambiguous -> None.
    """
    found = _polar(text, ("yes",), ("no",))
    return None if found is None else ("yes" if found else "no")


def extract_true_false(text: str, doc: Mapping[str, Any]) -> str | None:
    """``"true"``, ``"false"`` or None, by the rules of :func:`extract_yes_no`, where "yes" counts as
    "true" and "no" as "false" ("Yes, it is true." -> true; "False." -> false)."""
    found = _polar(text, ("true", "yes"), ("false", "no"))
    return None if found is None else ("true" if found else "false")


# --- multiple-choice letters ------------------------------------------------------------------------------

_BRACKETED = re.compile(r"[(\[]([A-Za-z])[)\]]")
_LETTER_WRAP = r"[\s\"'(\[{<]*"
_EXPLICIT_LETTER = (
    r"(?:answer|choice|option)s?\s*(?:is|would be|should be|will be)?\s*(?:[:\-=]\s*)?"
    r"(?:(?:option|choice|letter)\s*)?"
)


def _options(doc: Mapping[str, Any], field: str) -> list[str]:
    value = doc.get(field) if isinstance(doc, Mapping) else None
    if isinstance(value, Mapping):
        return [str(v) for v in value.values()]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return []


def _norm_option(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s.\-/%]", " ", text.lower()).split()).strip(" .")


_LETTER_AT = re.compile(_LETTER_WRAP + r"([A-Za-z])(?![A-Za-z0-9])([)\]}>]?)(\s+\w)?")


def _letter_after(text: str, pos: int, valid: str) -> str | None:
    """A choice letter starting at ``text[pos]`` (after optional brackets/quotes), not the start of a word.

    A lower-case letter followed by a space and a word ("a cat") is an article, not a choice."""
    m = _LETTER_AT.match(text, pos)
    if not m or m.group(1).upper() not in valid:
        return None
    if m.group(1).islower() and m.group(3) and not m.group(2):
        return None
    return m.group(1).upper()


def _whole_letter(text: str, valid: str) -> str | None:
    """The letter when the whole text is one choice: "B", "(b)", "B.", "B)", "[C]", "Option B"."""
    m = re.fullmatch(r"\W*(?:(?:option|choice)\s+)?([A-Za-z])\W*", text, re.IGNORECASE)
    return m.group(1).upper() if m and m.group(1).upper() in valid else None


def _leading_letter(text: str, valid: str) -> str | None:
    """A capital choice letter opening the text followed by ``.``, ``)``, ``]``, ``:`` or a line end
    ("B) 42", "C. Paris"), unless a different letter is bracketed later ("(A) is wrong, (C) is right")."""
    m = re.match(r"\s*[(\[]?([A-Z])(?:[.)\]:]|\s*\n)", text)
    if not m or m.group(1) not in valid:
        return None
    later = {c.upper() for c in _BRACKETED.findall(text[m.end() :])} & set(valid)
    return m.group(1) if later <= {m.group(1)} else None


def _explicit_letter(text: str, valid: str) -> str | None:
    """The letter after the last "answer is" / "Answer:" / "correct option is" ... phrase."""
    for m in reversed(list(re.finditer(_EXPLICIT_LETTER, text, re.IGNORECASE))):
        letter = _letter_after(text, m.end(), valid)
        if letter:
            return letter
    return None


def _unique(found: Sequence[str]) -> str | None:
    return found[0] if found and len(set(found)) == 1 else None


def _standalone_letters(text: str, valid: str) -> str | None:
    """The single distinct choice letter written as ``(X)`` or as a lone capital; None if several."""
    bracketed = [m.upper() for m in _BRACKETED.findall(text) if m.upper() in valid]
    if bracketed:
        return _unique(bracketed)
    lone = [m.group(1) for m in re.finditer(r"(?<![\w'’-])([A-Z])(?![\w'’-])", text) if m.group(1) in valid]
    lone = [c for c in lone if c not in "AI"] + [c for c in _lone_a_or_i(text) if c in valid]
    return _unique(lone)


def _lone_a_or_i(text: str) -> list[str]:
    """Capital A / I used as a choice: not followed by a space and a word (that is "A cat", "I think")."""
    return re.findall(r"(?<![\w'’-])([AI])(?![\w'’-])(?!\s+[A-Za-z])", text)


def _option_match(text: str, options: Sequence[str], valid: str) -> str | None:
    """The letter of the option whose text the answer is, or contains (only one, longest wins)."""
    norm = _norm_option(text)
    texts = [_norm_option(o) for o in options]
    exact = [valid[i] for i, o in enumerate(texts) if o and o == norm and i < len(valid)]
    if exact:
        return _unique(exact)
    hits = [
        i
        for i, o in enumerate(texts)
        if o and i < len(valid) and re.search(rf"(?<!\w){re.escape(o)}(?!\w)", norm)
    ]
    hits = [i for i in hits if not any(texts[i] != texts[j] and texts[i] in texts[j] for j in hits)]
    return _unique([valid[i] for i in hits])


def _answer_span(text: str) -> str | None:
    """The rest of the line after the last "answer is" / "answer:" phrase."""
    spans = re.findall(r"answer\s*(?:is|:)\s*(.*)", text, re.IGNORECASE)
    return spans[-1] if spans else None


def _exact_option(text: str, options: Sequence[str], valid: str) -> str | None:
    """The letter of the option whose text equals ``text`` (case, punctuation and spacing ignored)."""
    norm = _norm_option(text)
    return _unique(
        [valid[i] for i, o in enumerate(options) if i < len(valid) and norm and _norm_option(o) == norm]
    )


def _from_boxed(text: str, options: Sequence[str], valid: str) -> str | None:
    boxed = last_boxed(text)
    if boxed is None:
        return None
    inner = re.sub(r"\\text\s*\{([^{}]*)\}", r"\1", boxed)
    return _whole_letter(inner, valid) or (_option_match(inner, options, valid) if options else None)


def _from_answer_phrase(text: str, options: Sequence[str], valid: str) -> str | None:
    span = _answer_span(text)
    if span is not None and options:
        exact = _exact_option(span, options, valid)
        if exact:
            return exact
    found = _explicit_letter(text, valid)
    if not found and span is not None and options:
        found = _option_match(span, options, valid)
    return found


def extract_mcq_letter(
    text: str, doc: Mapping[str, Any], *, options_field: str = "options", letters: str = "ABCDEFGHIJ"
) -> str | None:
    """The chosen option letter (upper case), or None.

    Valid letters are the first ``len(doc[options_field])`` of ``letters`` when the doc lists options
    (a list, or a mapping whose values are the option texts), else all of ``letters``. ``<think>`` blocks
    and markdown emphasis (``**B**``) are ignored. Rules, first hit wins:

    1. the last ``\\boxed{...}``: a letter, or an option's text;
    2. the text after the last "answer is"/"Answer:" is exactly an option's text
       ("Answer: A man riding a horse." picks that option, not letter A);
    3. the letter after the last "answer is / Answer: / correct option is / choice:" phrase
       ("The answer is (B).", "Answer: b", "the answer is B) 42"); a lower-case letter followed by a
       word ("the answer is a cat") is an article, not a choice;
    4. the text after the last "answer is"/"Answer:" contains exactly one option's text;
    5. the whole text is a letter ("B", "(B)", "B.", "Option C") or opens with a capital followed by
       ``.``/``)``/``]``/``:``/newline ("B) 42", "C. Paris") - so "A cat is ..." is not A;
    6. the whole text equals an option's text;
    7. exactly one distinct letter appears in brackets ("(C)"), or, when none is bracketed, as a lone
       capital; "A" and "I" count only when not followed by a word ("A cat", "I think" do not);
    8. the text contains exactly one option's text (a longer option containing a shorter one wins).
    """
    if not isinstance(letters, str) or not letters.isascii() or not letters.isalpha():
        raise ConfigError(
            f"mcq_letter: 'letters' must be a non-empty string of letters such as 'ABCD', got {letters!r}."
        )
    options = _options(doc, options_field)
    valid = letters.upper()[: len(options)] if options else letters.upper()
    clean = _MARKDOWN.sub("", strip_think(text)).strip()
    found = _from_boxed(clean, options, valid) or _from_answer_phrase(clean, options, valid)
    found = found or _whole_letter(clean, valid) or _leading_letter(clean, valid)
    if not found and options:
        found = _exact_option(clean, options, valid)
    found = found or _standalone_letters(clean, valid)
    if not found and options:
        found = _option_match(clean, options, valid)
    return found
