"""IFEval's 25 instruction checkers, by family, re-implemented from the official code.

Source: google-research/google-research, ``instruction_following_eval/instructions.py`` at
3f357bde6df14f1eb8b7d27518072b396b7f8a2a (each class's ``build_description`` and ``check_following``) and
``instructions_registry.py`` at 1d49f2c0d5506a6e11115726164d42f6b7b7b95a (``INSTRUCTION_DICT``: the ids).

:func:`build_checker` turns an instruction id and its kwargs into a ``check(response) -> bool``, applying
what the official ``build_description`` does to the kwargs (keywords sorted, forbidden words de-duplicated
and sorted, markers and phrases stripped, the letter and first word lower-cased, relations validated). The
official quirks are kept:

- keywords, the keyword of ``keywords:frequency``, forbidden words and the postscript marker are used as
  regular expressions, unescaped (``re.search(keyword, response, re.IGNORECASE)``; forbidden words inside
  ``\\b...\\b``);
- ``length_constraints:nth_paragraph_first_word`` counts the paragraphs split on ``\\n\\n`` that are not
  blank but indexes the nth paragraph among all of them, blank ones included;
- ``detectable_format:number_highlighted_sections`` counts ``*x*`` spans and, again, ``**x**`` spans;
- ``language:response_language``, ``change_case:english_capital`` and ``english_lowercase`` count a
  response as followed when langdetect cannot read it (no letters);
- ``keywords:letter_frequency`` counts the letter in the lower-cased response (any character counts).

Where the official ``build_description`` draws a random value (a missing or invalid argument: no keywords,
a negative count, an nth paragraph beyond the number of paragraphs...), a checker cannot reproduce the
draw: :func:`build_checker` raises ``ValueError`` instead. The IFEval rows give every argument.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lmms_eval.scoring.ifeval.text import count_sentences, count_words, detect_language, word_tokens

Check = Callable[[str], bool]

LESS_THAN, AT_LEAST = "less than", "at least"
#: ``instructions_util.LANGUAGE_CODES``: the languages ``language:response_language`` may ask for
LANGUAGE_CODES = frozenset(
    {
        "en", "es", "pt", "ar", "hi", "fr", "ru", "de", "ja", "it", "bn", "uk", "th", "ur", "ta",
        "te", "bg", "ko", "pl", "he", "fa", "vi", "ne", "sw", "kn", "mr", "gu", "pa", "ml", "fi",
    }
)  # fmt: skip
#: ``_CONSTRAINED_RESPONSE_OPTIONS``
CONSTRAINED_RESPONSE_OPTIONS = ("My answer is yes.", "My answer is no.", "My answer is maybe.")


def _random(instruction: str, what: str) -> ValueError:
    return ValueError(
        f"IFEval instruction '{instruction}': {what}; the official code draws a random value here, "
        "which cannot be reproduced"
    )


def _count(instruction: str, name: str, value: Any, *, minimum: int = 0) -> int:
    """A count argument; the official code draws a random one when it is None or below ``minimum``."""
    if value is None or value < minimum:
        raise _random(instruction, f"'{name}' is {value!r}")
    return int(value)


def _relation(instruction: str, relation: Any) -> str:
    if relation is None:
        raise _random(instruction, "no relation")
    if relation not in (LESS_THAN, AT_LEAST):
        raise ValueError(
            f"The supported relation for comparison must be in {(LESS_THAN, AT_LEAST)}, but {relation} is given."
        )
    return str(relation)


def _compare(count: int, relation: str, threshold: int) -> bool:
    return count < threshold if relation == LESS_THAN else count >= threshold


# -- keywords -----------------------------------------------------------------------------------------------


def keyword_existence(*, keywords: Sequence[str] | None = None) -> Check:
    """``keywords:existence``: every keyword (a regex) found, case-insensitively."""
    if not keywords:
        raise _random("keywords:existence", "no keywords")
    patterns = sorted(keywords)
    return lambda value: all(re.search(k, value, flags=re.IGNORECASE) for k in patterns)


def keyword_frequency(
    *, keyword: str | None = None, frequency: int | None = None, relation: str | None = None
) -> Check:
    """``keywords:frequency``: occurrences of the stripped keyword (a regex, case-insensitive)
    ``< frequency`` (``less than``) or ``>= frequency`` (``at least``)."""
    if not keyword:
        raise _random("keywords:frequency", "no keyword")
    pattern = keyword.strip()
    times = _count("keywords:frequency", "frequency", frequency)
    rel = _relation("keywords:frequency", relation)
    return lambda value: _compare(len(re.findall(pattern, value, flags=re.IGNORECASE)), rel, times)


def forbidden_words(*, forbidden_words: Sequence[str] | None = None) -> Check:
    """``keywords:forbidden_words``: no ``\\b<word>\\b`` match, case-insensitively."""
    if not forbidden_words:
        raise _random("keywords:forbidden_words", "no forbidden words")
    words = sorted(set(forbidden_words))
    return lambda value: not any(re.search(r"\b" + w + r"\b", value, flags=re.IGNORECASE) for w in words)


def letter_frequency(
    *, letter: str | None = None, let_frequency: int | None = None, let_relation: str | None = None
) -> Check:
    """``keywords:letter_frequency``: the count of the (stripped, lower-cased) letter in the lower-cased
    response against ``let_frequency``."""
    if not letter or len(letter) > 1:
        raise _random("keywords:letter_frequency", f"letter {letter!r}")
    char = letter.strip().lower()
    times = _count("keywords:letter_frequency", "let_frequency", let_frequency)
    rel = _relation("keywords:letter_frequency", let_relation)
    return lambda value: _compare(collections.Counter(value.lower())[char], rel, times)


# -- language -----------------------------------------------------------------------------------------------


def response_language(*, language: str | None = None) -> Check:
    """``language:response_language``: langdetect reads the language code (followed when it cannot read)."""
    if language is None:
        raise _random("language:response_language", "no language")
    if language not in LANGUAGE_CODES:  # the official description looks its name up: a KeyError there
        raise ValueError(f"IFEval instruction 'language:response_language': unknown language {language!r}")

    def check(value: str) -> bool:
        detected = detect_language(value)
        return detected is None or detected == language

    return check


# -- length constraints -------------------------------------------------------------------------------------


def number_sentences(*, num_sentences: int | None = None, relation: str | None = None) -> Check:
    """``length_constraints:number_sentences``: Punkt English sentences against ``num_sentences``."""
    threshold = _count("length_constraints:number_sentences", "num_sentences", num_sentences)
    rel = _relation("length_constraints:number_sentences", relation)
    return lambda value: _compare(count_sentences(value), rel, threshold)


def number_paragraphs(*, num_paragraphs: int | None = None) -> Check:
    """``length_constraints:number_paragraphs``: parts split on ``***`` (one optional whitespace either
    side); a blank first or last part is not counted, a blank inner part fails; the count must equal."""
    wanted = _count("length_constraints:number_paragraphs", "num_paragraphs", num_paragraphs)

    def check(value: str) -> bool:
        parts = re.split(r"\s?\*\*\*\s?", value)
        count = len(parts)
        for index, part in enumerate(parts):
            if not part.strip():
                if index in (0, len(parts) - 1):
                    count -= 1
                else:
                    return False
        return count == wanted

    return check


def number_words(*, num_words: int | None = None, relation: str | None = None) -> Check:
    """``length_constraints:number_words``: ``\\w+`` runs against ``num_words``."""
    threshold = _count("length_constraints:number_words", "num_words", num_words)
    rel = _relation("length_constraints:number_words", relation)
    return lambda value: _compare(count_words(value), rel, threshold)


def _first_word(paragraph: str) -> str:
    """The first whitespace-separated word, leading ``'`` then ``"`` stripped, lower-cased, cut at the first
    of ``. , ? ! ' "``."""
    word = paragraph.split()[0].strip().lstrip("'").lstrip('"')
    out = ""
    for letter in word:
        if letter in {".", ",", "?", "!", "'", '"'}:
            break
        out += letter.lower()
    return out


def nth_paragraph_first_word(
    num_paragraphs: int | None = None, nth_paragraph: int | None = None, first_word: str | None = None
) -> Check:
    """``length_constraints:nth_paragraph_first_word``: as many non-blank ``\\n\\n`` paragraphs as asked, and
    the nth paragraph (counted among all, blank ones included) starts with ``first_word``."""
    name = "length_constraints:nth_paragraph_first_word"
    wanted = _count(name, "num_paragraphs", num_paragraphs)
    if nth_paragraph is None or nth_paragraph <= 0 or nth_paragraph > wanted:
        raise _random(name, f"nth_paragraph {nth_paragraph!r} with num_paragraphs {wanted}")
    if first_word is None:
        raise _random(name, "no first_word")
    word, nth = first_word.lower(), int(nth_paragraph)

    def check(value: str) -> bool:
        paragraphs = re.split(r"\n\n", value)
        count = sum(1 for p in paragraphs if p.strip())
        if nth > count:
            return False
        paragraph = paragraphs[nth - 1].strip()
        if not paragraph:
            return False
        return count == wanted and _first_word(paragraph) == word

    return check


# -- detectable content -------------------------------------------------------------------------------------


def number_placeholders(*, num_placeholders: int | None = None) -> Check:
    """``detectable_content:number_placeholders``: at least that many ``[...]`` (shortest) spans."""
    wanted = _count("detectable_content:number_placeholders", "num_placeholders", num_placeholders)
    return lambda value: len(re.findall(r"\[.*?\]", value)) >= wanted


def postscript(*, postscript_marker: str | None = None) -> Check:
    """``detectable_content:postscript``: a line (of the lower-cased response) holding the marker: ``P.S.``
    and ``P.P.S`` allow a space after each dot, any other marker is a lower-cased regex."""
    marker = postscript_marker.strip() if isinstance(postscript_marker, str) else postscript_marker
    if marker is None:
        raise _random("detectable_content:postscript", "no postscript_marker")
    if marker == "P.P.S":
        pattern = r"\s*p\.\s?p\.\s?s.*$"
    elif marker == "P.S.":
        pattern = r"\s*p\.\s?s\..*$"
    else:
        pattern = r"\s*" + marker.lower() + r".*$"
    return lambda value: bool(re.findall(pattern, value.lower(), flags=re.MULTILINE))


# -- detectable format --------------------------------------------------------------------------------------


def number_bullet_lists(*, num_bullets: int | None = None) -> Check:
    """``detectable_format:number_bullet_lists``: lines starting (after whitespace) with ``*`` not followed
    by ``*``, plus lines starting with ``-``, exactly ``num_bullets``."""
    wanted = _count("detectable_format:number_bullet_lists", "num_bullets", num_bullets)

    def check(value: str) -> bool:
        stars = re.findall(r"^\s*\*[^\*].*$", value, flags=re.MULTILINE)
        dashes = re.findall(r"^\s*-.*$", value, flags=re.MULTILINE)
        return len(stars) + len(dashes) == wanted

    return check


def constrained_response() -> Check:
    """``detectable_format:constrained_response``: the response holds "My answer is yes/no/maybe."."""
    return lambda value: any(option in value.strip() for option in CONSTRAINED_RESPONSE_OPTIONS)


def number_highlighted_sections(*, num_highlights: int | None = None) -> Check:
    """``detectable_format:number_highlighted_sections``: non-blank ``*x*`` spans plus non-blank ``**x**``
    spans (each within a line), at least ``num_highlights``."""
    wanted = _count("detectable_format:number_highlighted_sections", "num_highlights", num_highlights)

    def check(value: str) -> bool:
        single = [h for h in re.findall(r"\*[^\n\*]*\*", value) if h.strip("*").strip()]
        double = re.findall(r"\*\*[^\n\*]*\*\*", value)
        double = [h for h in double if h.removeprefix("**").removesuffix("**").strip()]
        return len(single) + len(double) >= wanted

    return check


def multiple_sections(*, section_spliter: str | None = None, num_sections: int | None = None) -> Check:
    """``detectable_format:multiple_sections``: splits on ``<spliter> <number>`` (a regex, optional single
    whitespace around); at least ``num_sections`` splits."""
    spliter = section_spliter.strip() if isinstance(section_spliter, str) else section_spliter
    if spliter is None:
        raise _random("detectable_format:multiple_sections", "no section_spliter")
    wanted = _count("detectable_format:multiple_sections", "num_sections", num_sections)
    pattern = r"\s?" + spliter + r"\s?\d+\s?"
    return lambda value: len(re.split(pattern, value)) - 1 >= wanted


def json_format() -> Check:
    """``detectable_format:json_format``: the stripped response, without a leading ```json / ```Json /
    ```JSON / ``` fence and a trailing ```, parses as JSON."""

    def check(value: str) -> bool:
        text = value.strip()
        for fence in ("```json", "```Json", "```JSON", "```"):
            text = text.removeprefix(fence)
        text = text.removesuffix("```").strip()
        try:
            json.loads(text)
        except ValueError:
            return False
        return True

    return check


def title() -> Check:
    """``detectable_format:title``: a ``<<...>>`` span within a line that is not blank inside."""
    return lambda value: any(t.lstrip("<").rstrip(">").strip() for t in re.findall(r"<<[^\n]+>>", value))


# -- combination --------------------------------------------------------------------------------------------


def two_responses() -> Check:
    """``combination:two_responses``: split on ``******``, exactly two non-blank parts that differ (once
    stripped); a blank part other than the first or last fails."""

    def check(value: str) -> bool:
        parts = value.split("******")
        kept = []
        for index, part in enumerate(parts):
            if part.strip():
                kept.append(part)
            elif index not in (0, len(parts) - 1):
                return False
        return len(kept) == 2 and kept[0].strip() != kept[1].strip()

    return check


def repeat_prompt(*, prompt_to_repeat: str | None = None) -> Check:
    """``combination:repeat_prompt``: the stripped, lower-cased response starts with the stripped,
    lower-cased prompt to repeat."""
    if not prompt_to_repeat:
        raise ValueError("prompt_to_repeat must be set.")
    start = prompt_to_repeat.strip().lower()
    return lambda value: value.strip().lower().startswith(start)


# -- start / end --------------------------------------------------------------------------------------------


def end_checker(*, end_phrase: str | None = None) -> Check:
    """``startend:end_checker``: the response, stripped of whitespace then of ``"``, lower-cased, ends with
    the stripped, lower-cased phrase."""
    if end_phrase is None:
        raise _random("startend:end_checker", "no end_phrase")
    end = end_phrase.strip().lower()
    return lambda value: value.strip().strip('"').lower().endswith(end)


def quotation() -> Check:
    """``startend:quotation``: the stripped response is longer than one character and starts and ends
    with ``"``."""

    def check(value: str) -> bool:
        text = value.strip()
        return len(text) > 1 and text[0] == '"' and text[-1] == '"'

    return check


# -- change case --------------------------------------------------------------------------------------------


def capital_word_frequency(
    capital_frequency: int | None = None, capital_relation: str | None = None
) -> Check:
    """``change_case:capital_word_frequency``: ``nltk.word_tokenize`` tokens that are ``isupper()``,
    against ``capital_frequency``."""
    if capital_frequency is None:
        raise _random("change_case:capital_word_frequency", "no capital_frequency")
    rel = _relation("change_case:capital_word_frequency", capital_relation)
    times = int(capital_frequency)
    return lambda value: _compare(sum(1 for w in word_tokens(value) if w.isupper()), rel, times)


def english_capital() -> Check:
    """``change_case:english_capital``: ``isupper()`` and langdetect reads English (followed when an
    upper-case response cannot be read)."""

    def check(value: str) -> bool:
        if not value.isupper():
            return False
        detected = detect_language(value)
        return detected is None or detected == "en"

    return check


def english_lowercase() -> Check:
    """``change_case:english_lowercase``: ``islower()`` and langdetect reads English (followed when a
    lower-case response cannot be read)."""

    def check(value: str) -> bool:
        if not value.islower():
            return False
        detected = detect_language(value)
        return detected is None or detected == "en"

    return check


# -- punctuation --------------------------------------------------------------------------------------------


def no_comma() -> Check:
    """``punctuation:no_comma``: no ``,`` (ASCII comma only)."""
    return lambda value: "," not in value


#: the official ``INSTRUCTION_DICT``: instruction id -> builder of its check
CHECKERS: dict[str, Callable[..., Check]] = {
    "keywords:existence": keyword_existence,
    "keywords:frequency": keyword_frequency,
    "keywords:forbidden_words": forbidden_words,
    "keywords:letter_frequency": letter_frequency,
    "language:response_language": response_language,
    "length_constraints:number_sentences": number_sentences,
    "length_constraints:number_paragraphs": number_paragraphs,
    "length_constraints:number_words": number_words,
    "length_constraints:nth_paragraph_first_word": nth_paragraph_first_word,
    "detectable_content:number_placeholders": number_placeholders,
    "detectable_content:postscript": postscript,
    "detectable_format:number_bullet_lists": number_bullet_lists,
    "detectable_format:constrained_response": constrained_response,
    "detectable_format:number_highlighted_sections": number_highlighted_sections,
    "detectable_format:multiple_sections": multiple_sections,
    "detectable_format:json_format": json_format,
    "detectable_format:title": title,
    "combination:two_responses": two_responses,
    "combination:repeat_prompt": repeat_prompt,
    "startend:end_checker": end_checker,
    "change_case:capital_word_frequency": capital_word_frequency,
    "change_case:english_capital": english_capital,
    "change_case:english_lowercase": english_lowercase,
    "punctuation:no_comma": no_comma,
    "startend:quotation": quotation,
}


def build_checker(instruction_id: str, kwargs: Mapping[str, Any] | None) -> Check:
    """The check of one instruction. ``kwargs`` as a hub row holds them (every argument name, ``None``
    where the instruction has none): the ``None`` ones are dropped, as the official input files leave them
    out; an argument the instruction does not take is a ``TypeError``, as in the official code."""
    try:
        builder = CHECKERS[instruction_id]
    except KeyError:
        raise ValueError(f"unknown IFEval instruction id {instruction_id!r}") from None
    args = {k: v for k, v in (kwargs or {}).items() if v is not None}
    return builder(**args)
