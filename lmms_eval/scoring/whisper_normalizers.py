"""Whisper's text normalizers for word error rates: the English one and the basic (multilingual) one.

They follow ``openai/whisper@c0d2f624c09dc18e709e37c2ad90c039a4eb72a2``, ``whisper/normalizers/basic.py``
(``BasicTextNormalizer`` with its defaults) and ``whisper/normalizers/english.py``
(``EnglishTextNormalizer``: contractions, numbers spelled out as digits, British to American spelling).
The Open ASR Leaderboard (``huggingface/open_asr_leaderboard``, ``normalizer/``) applies the English one to
both the reference and the prediction before its WER, as does lmms-eval's ASR scoring.

Order of operations of :func:`normalize_english` (each step runs on the whole string):

1. lower-case; drop ``[...]``/``<...>`` spans, then ``(...)`` spans; drop the fillers hmm, mm, mhm, mmm,
   uh, um (as whole words); join a space-preceded apostrophe to the word before it;
2. rewrite contractions and titles (``won't`` -> ``will not``, ``mr`` -> ``mister ``, ``'s been`` ->
   `` has been``, ``n't`` -> `` not`` ... in a fixed order, each a regular expression over the string);
3. remove commas between digits; replace a period not followed by a digit by a space (the character after
   it is kept); NFKD-decompose, drop combining marks (category Mn), map œ ø æ ß đ ð þ ł (and capitals) to
   ASCII, and replace every other mark, symbol or punctuation character by a space, except ``. % $ ¢ € £``;
4. numbers (:class:`_NumberStandardizer`): "and a half" after a number word becomes "point five"; spaces
   are put at letter/digit boundaries and removed before ordinal/plural suffixes; spelled-out numbers,
   ordinals, plurals, currencies, signs, percentages, "double"/"triple" digits and decimals ("point") are
   rewritten as digits word by word; then "$2 and ¢7" becomes "$2.07", "$0.07" becomes "¢7", and a bare
   ``1``/``1s`` becomes ``one``/``ones``;
5. British spellings are replaced word by word from Whisper's table (``lmms_eval/data/
   whisper_english_spelling.json``, see ``lmms_eval/data/ATTRIBUTION.md``: the 1,739 pairs of ``whisper/normalizers/english.json``, MIT License,
   Copyright (c) 2022 OpenAI; the list comes from tysto.com's UK/US spelling list);
6. a ``. $ ¢ € £`` not followed by a digit, and a ``%`` not preceded by one, become spaces; runs of
   whitespace become one space (leading/trailing spaces are kept as one space, as in Whisper).

Quirks kept on purpose (the official normalizer does the same, and published WERs were computed with it):
a number's pending sign or currency is prefixed to the next word even when that word is not a number
("minus and" -> "-and"); "2.0" becomes "2" (integer-valued decimals lose their fraction) while "2.50" stays;
"one oh one" -> "101"; "o" and "oh" between number words are zeros; the result may start or end with a
space. Inputs on which the official normalizer raises (an assertion or ``ValueError`` in its number
parser) raise here too, with the same exception types.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from lmms_eval.scoring.extractors import NUMBER_WORDS

__all__ = ["normalize_basic", "normalize_english", "remove_symbols", "remove_symbols_and_diacritics"]

# -- basic ------------------------------------------------------------------------------------------------

#: letters that NFKD does not split into a base letter and a combining mark, with their ASCII spelling
_EXTRA_DIACRITICS = {
    "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "th", "ł": "l", "Ł": "L",
}  # fmt: skip

_BRACKETED = re.compile(r"[<\[][^>\]]*[>\]]")
_PARENTHESIZED = re.compile(r"\(([^)]+?)\)")
_WHITESPACE = re.compile(r"\s+")


def _category(char: str) -> str:
    return unicodedata.category(char)


def remove_symbols_and_diacritics(text: str, keep: str = "") -> str:
    """NFKD, then: a character of ``keep`` stays; a letter of the extra table is spelled in ASCII; a
    combining mark (Mn) is dropped; any other mark, symbol or punctuation becomes a space."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if char in keep:
            out.append(char)
        elif char in _EXTRA_DIACRITICS:
            out.append(_EXTRA_DIACRITICS[char])
        elif _category(char) == "Mn":
            continue
        elif _category(char)[0] in "MSP":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def remove_symbols(text: str) -> str:
    """NFKC, then every mark, symbol or punctuation character becomes a space (diacritics kept)."""
    return "".join(" " if _category(c)[0] in "MSP" else c for c in unicodedata.normalize("NFKC", text))


def _drop_bracketed(text: str) -> str:
    return _PARENTHESIZED.sub("", _BRACKETED.sub("", text))


def normalize_basic(text: str, *, remove_diacritics: bool = False) -> str:
    """Whisper's ``BasicTextNormalizer`` (without letter splitting): lower-case, drop ``[..]``, ``<..>`` and
    ``(..)`` spans, symbols and punctuation to spaces (and diacritics dropped when asked), lower-case
    again, whitespace runs to one space."""
    text = _drop_bracketed(text.lower())
    text = (remove_symbols_and_diacritics(text) if remove_diacritics else remove_symbols(text)).lower()
    return _WHITESPACE.sub(" ", text)


# -- English: contractions --------------------------------------------------------------------------------

_FILLERS = re.compile(r"\b(hmm|mm|mhm|mmm|uh|um)\b")
_SPACE_APOSTROPHE = re.compile(r"\s+'")

#: (pattern, replacement), applied in this order
_TITLES = (
    "mr:mister", "mrs:missus", "st:saint", "dr:doctor", "prof:professor", "capt:captain", "gov:governor",
    "ald:alderman", "gen:general", "sen:senator", "rep:representative", "pres:president", "rev:reverend",
    "hon:honorable", "asst:assistant", "assoc:associate", "lt:lieutenant", "col:colonel", "jr:junior",
    "sr:senior", "esq:esquire",
)  # fmt: skip
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"\bwon't\b", "will not"), (r"\bcan't\b", "can not"), (r"\blet's\b", "let us"),
        (r"\bain't\b", "aint"), (r"\by'all\b", "you all"), (r"\bwanna\b", "want to"),
        (r"\bgotta\b", "got to"), (r"\bgonna\b", "going to"), (r"\bi'ma\b", "i am going to"),
        (r"\bimma\b", "i am going to"), (r"\bwoulda\b", "would have"), (r"\bcoulda\b", "could have"),
        (r"\bshoulda\b", "should have"), (r"\bma'am\b", "madam"),
        *((rf"\b{short}\b", f"{long} ") for short, long in (t.split(":") for t in _TITLES)),
        (r"'d been\b", " had been"), (r"'s been\b", " has been"), (r"'d gone\b", " had gone"),
        (r"'s gone\b", " has gone"), (r"'d done\b", " had done"), (r"'s got\b", " has got"),
        (r"n't\b", " not"), (r"'re\b", " are"), (r"'s\b", " is"), (r"'d\b", " would"),
        (r"'ll\b", " will"), (r"'t\b", " not"), (r"'ve\b", " have"), (r"'m\b", " am"),
    )
)  # fmt: skip


def _expand_contractions(text: str) -> str:
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


# -- English: numbers -------------------------------------------------------------------------------------

_ONES_NAMES = NUMBER_WORDS[1:20]  # one .. nineteen
_TENS_NAMES = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_BIG_NAMES = [
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
]
_NUMERAL = re.compile(r"^\d+(\.\d+)?$")


class _Vocabulary:
    """The word classes of the number parser (built once)."""

    def __init__(self) -> None:
        self.zeros = {"o", "oh", "zero"}
        self.ones = {name: i for i, name in enumerate(_ONES_NAMES, start=1)}
        plural = {("sixes" if n == "six" else n + "s"): (v, "s") for n, v in self.ones.items()}
        ordinal = {"zeroth": (0, "th"), "first": (1, "st"), "second": (2, "nd"), "third": (3, "rd")}
        ordinal |= {"fifth": (5, "th"), "twelfth": (12, "th")}
        ordinal |= {
            n + ("h" if n.endswith("t") else "th"): (v, "th")
            for n, v in self.ones.items()
            if v > 3 and v not in (5, 12)
        }
        self.ones_suffixed = {**plural, **ordinal}
        self.tens = {n: 10 * i for i, n in enumerate(_TENS_NAMES, start=2)}
        self.tens_suffixed = {n.replace("y", "ies"): (v, "s") for n, v in self.tens.items()}
        self.tens_suffixed |= {n.replace("y", "ieth"): (v, "th") for n, v in self.tens.items()}
        self.multipliers = {"hundred": 100} | {n: 1000**i for i, n in enumerate(_BIG_NAMES, start=1)}
        self.multipliers_suffixed = {n + "s": (v, "s") for n, v in self.multipliers.items()}
        self.multipliers_suffixed |= {n + "th": (v, "th") for n, v in self.multipliers.items()}
        self.decimals = {*self.ones, *self.tens, *self.zeros}
        self.signs = {"minus": "-", "negative": "-", "plus": "+", "positive": "+"}
        self.currencies = {"pound": "£", "pounds": "£", "euro": "€", "euros": "€", "dollar": "$"}
        self.currencies |= {"dollars": "$", "cent": "¢", "cents": "¢"}
        self.prefix_chars = set(self.signs.values()) | set(self.currencies.values())
        self.percent_words = {"per", "percent"}
        self.specials = {"and", "double", "triple", "point"}
        self.all_words = (
            self.zeros | set(self.ones) | set(self.ones_suffixed) | set(self.tens)
            | set(self.tens_suffixed) | set(self.multipliers) | set(self.multipliers_suffixed)
            | set(self.signs) | set(self.currencies) | self.percent_words | self.specials
        )  # fmt: skip


_VOCAB = _Vocabulary()
_SPELLING_TABLE = Path(__file__).resolve().parent.parent / "data" / "whisper_english_spelling.json"

Value = int | str | None


def _as_fraction(text: str) -> Fraction | None:
    try:
        return Fraction(text)
    except ValueError:
        return None


class _NumberStandardizer:
    """Reads a word list left to right, accumulating a number in ``value`` (an int while it is a sum of
    number words, a str once digits are concatenated) and a pending sign/currency in ``prefix``."""

    def __init__(self) -> None:
        self.value: Value = None
        self.prefix: str | None = None

    def emit(self, item: int | str) -> str:
        text = str(item)
        if self.prefix is not None:
            text = self.prefix + text
        self.value, self.prefix = None, None
        return text

    def flush(self) -> Iterator[str]:
        if self.value is not None:
            yield self.emit(self.value)

    def run(self, words: list[str]) -> Iterator[str]:
        v = _VOCAB
        padded: list[str | None] = [None, *words, None]
        skip = False
        for i in range(1, len(padded) - 1):
            if skip:
                skip = False
                continue
            prev, word, nxt = padded[i - 1], padded[i], padded[i + 1]
            assert word is not None
            nxt_numeric = nxt is not None and _NUMERAL.match(nxt) is not None
            signed = word[0] in v.prefix_chars
            unsigned = word[1:] if signed else word
            if _NUMERAL.match(unsigned):
                yield from self.numeral(word, unsigned, signed)
            elif word not in v.all_words:
                yield from self.flush()
                yield self.emit(word)
            elif word in v.zeros:
                self.value = str(self.value or "") + "0"
            elif word in v.ones:
                self.add_ones(prev, v.ones[word])
            elif word in v.ones_suffixed:
                yield self.emit(self.ones_with_suffix(prev, *v.ones_suffixed[word]))
            elif word in v.tens:
                self.add_tens(v.tens[word])
            elif word in v.tens_suffixed:
                yield self.emit(self.tens_with_suffix(*v.tens_suffixed[word]))
            elif word in v.multipliers:
                yield from self.multiply(v.multipliers[word])
            elif word in v.multipliers_suffixed:
                yield from self.multiply_with_suffix(*v.multipliers_suffixed[word])
            elif word in v.signs:
                yield from self.flush()
                if nxt in v.all_words or nxt_numeric:
                    self.prefix = v.signs[word]
                else:
                    yield self.emit(word)
            elif word in v.currencies:
                if self.value is not None:
                    self.prefix = v.currencies[word]
                    yield self.emit(self.value)
                else:
                    yield self.emit(word)
            elif word in v.percent_words:
                outs, skip = self.percent(word, nxt)
                yield from outs
            else:
                outs, skip = self.special(word, prev, nxt, nxt_numeric)
                yield from outs
        yield from self.flush()

    # -- word classes ---------------------------------------------------------------------------------

    def numeral(self, word: str, unsigned: str, signed: bool) -> list[str]:
        """An arabic numeral (``word`` may start with a sign or currency): it extends a pending decimal,
        or it ends the pending number (returned) and starts a new one, an int when it is integer-valued."""
        fraction = _as_fraction(unsigned)
        assert fraction is not None
        done: list[str] = []
        if self.value is not None:
            if isinstance(self.value, str) and self.value.endswith("."):
                self.value = self.value + word  # decimals and IP addresses: the raw word, sign included
                return done
            done.append(self.emit(self.value))
        self.prefix = word[0] if signed else self.prefix
        self.value = fraction.numerator if fraction.denominator == 1 else unsigned
        return done

    def add_ones(self, prev: str | None, ones: int) -> None:
        value = self.value
        if value is None:
            self.value = ones
        elif isinstance(value, str) or prev in _VOCAB.ones:
            if prev in _VOCAB.tens and ones < 10:
                assert isinstance(value, str) and value[-1] == "0"
                self.value = value[:-1] + str(ones)
            else:
                self.value = str(value) + str(ones)
        elif ones < 10:
            self.value = value + ones if value % 10 == 0 else str(value) + str(ones)
        else:
            self.value = value + ones if value % 100 == 0 else str(value) + str(ones)

    def ones_with_suffix(self, prev: str | None, ones: int, suffix: str) -> str:
        value = self.value
        if value is None:
            return str(ones) + suffix
        if isinstance(value, str) or prev in _VOCAB.ones:
            if prev in _VOCAB.tens and ones < 10:
                assert isinstance(value, str) and value[-1] == "0"
                return value[:-1] + str(ones) + suffix
            return str(value) + str(ones) + suffix
        step = 10 if ones < 10 else 100
        return (str(value + ones) if value % step == 0 else str(value) + str(ones)) + suffix

    def add_tens(self, tens: int) -> None:
        value = self.value
        if value is None:
            self.value = tens
        elif isinstance(value, str) or value % 100 != 0:
            self.value = str(value) + str(tens)
        else:
            self.value = value + tens

    def tens_with_suffix(self, tens: int, suffix: str) -> str:
        value = self.value
        if value is None:
            return str(tens) + suffix
        if isinstance(value, str) or value % 100 != 0:
            return str(value) + str(tens) + suffix
        return str(value + tens) + suffix

    def multiply(self, multiplier: int) -> Iterator[str]:
        value = self.value
        if value is None:
            self.value = multiplier
        elif isinstance(value, str) or value == 0:
            fraction = _as_fraction(str(value))
            product = fraction * multiplier if fraction is not None else None
            if product is not None and product.denominator == 1:
                self.value = product.numerator
            else:
                yield self.emit(value)
                self.value = multiplier
        else:
            self.value = value // 1000 * 1000 + value % 1000 * multiplier

    def multiply_with_suffix(self, multiplier: int, suffix: str) -> Iterator[str]:
        value = self.value
        if value is None:
            yield self.emit(str(multiplier) + suffix)
        elif isinstance(value, str):
            fraction = _as_fraction(value)
            product = fraction * multiplier if fraction is not None else None
            if product is not None and product.denominator == 1:
                yield self.emit(str(product.numerator) + suffix)
            else:
                yield self.emit(value)
                yield self.emit(str(multiplier) + suffix)
        else:
            self.value = value // 1000 * 1000 + value % 1000 * multiplier
            yield self.emit(str(self.value) + suffix)
        self.value = None

    def percent(self, word: str, nxt: str | None) -> tuple[list[str], bool]:
        """ "percent" after a number, or "per cent" (then the next word is consumed)."""
        if self.value is None:
            return [self.emit(word)], False
        if word == "percent":
            return [self.emit(str(self.value) + "%")], False
        if nxt == "cent":
            return [self.emit(str(self.value) + "%")], True
        return [self.emit(self.value), self.emit(word)], False

    def special(
        self, word: str, prev: str | None, nxt: str | None, nxt_numeric: bool
    ) -> tuple[list[str], bool]:
        """ "and", "double", "triple", "point": number syntax only when the next word can be numeric."""
        v = _VOCAB
        if nxt not in v.all_words and not nxt_numeric:
            return [*self.flush(), self.emit(word)], False
        if word == "and":
            if prev not in v.multipliers:  # "and" after hundred, thousand... is dropped
                return [*self.flush(), self.emit(word)], False
            return [], False
        if word in ("double", "triple"):
            if nxt in v.ones or nxt in v.zeros:
                digit = str(v.ones.get(nxt, 0))
                self.value = str(self.value or "") + digit * (2 if word == "double" else 3)
                return [], True
            return [*self.flush(), self.emit(word)], False
        if word == "point":
            if nxt in v.decimals or nxt_numeric:
                self.value = str(self.value or "") + "."
            return [], False
        raise ValueError(f"Unexpected token: {word}")


_AND_A_HALF = re.compile(r"\band\s+a\s+half\b")
_LETTER_DIGIT = re.compile(r"([a-z])([0-9])")
_DIGIT_LETTER = re.compile(r"([0-9])([a-z])")
_DIGIT_SUFFIX = re.compile(r"([0-9])\s+(st|nd|rd|th|s)\b")
_CURRENCY_CENTS = re.compile(r"([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\b")
_CURRENCY_ZERO = re.compile(r"[€£$]0.([0-9]{1,2})\b")
_BARE_ONE = re.compile(r"\b1(s?)\b")


def _halves_and_boundaries(text: str) -> str:
    """ "<number word> and a half" -> "<number word> point five"; spaces at letter/digit boundaries, then
    removed again before a suffix (st, nd, rd, th, s)."""
    parts: list[str] = []
    segments = _AND_A_HALF.split(text)
    for i, segment in enumerate(segments):
        if not segment.strip():
            continue
        parts.append(segment)
        if i < len(segments) - 1:
            last = segment.rsplit(maxsplit=2)[-1]
            half = last in _VOCAB.decimals or last in _VOCAB.multipliers
            parts.append("point five" if half else "and a half")
    text = " ".join(parts)
    text = _DIGIT_LETTER.sub(r"\1 \2", _LETTER_DIGIT.sub(r"\1 \2", text))
    return _DIGIT_SUFFIX.sub(r"\1\2", text)


def _join_cents(match: re.Match[str]) -> str:
    try:
        return f"{match.group(1)}{match.group(2)}.{int(match.group(3)):02d}"
    except ValueError:
        return match.string


def _cents_only(match: re.Match[str]) -> str:
    try:
        return f"¢{int(match.group(1))}"
    except ValueError:
        return match.string


def _currency_and_ones(text: str) -> str:
    text = _CURRENCY_CENTS.sub(_join_cents, text)
    text = _CURRENCY_ZERO.sub(_cents_only, text)
    return _BARE_ONE.sub(r"one\1", text)


def standardize_numbers(text: str) -> str:
    """Step 4 of :func:`normalize_english`: spelled-out numbers as digits."""
    text = _halves_and_boundaries(text)
    words = text.split()
    text = " ".join(_NumberStandardizer().run(words)) if words else ""
    return _currency_and_ones(text)


# -- English: spelling and the whole normalizer -----------------------------------------------------------


@lru_cache(maxsize=1)
def _spelling() -> dict[str, str]:
    return dict(json.loads(_SPELLING_TABLE.read_text(encoding="utf-8")))


def _american_spelling(text: str) -> str:
    table = _spelling()
    return " ".join(table.get(word, word) for word in text.split())


_DIGIT_COMMA = re.compile(r"(\d),(\d)")
_PERIOD = re.compile(r"\.([^0-9]|$)")
_LONE_SYMBOL = re.compile(r"[.$¢€£]([^0-9])")
_LONE_PERCENT = re.compile(r"([^0-9])%")


def normalize_english(text: str) -> str:
    """Whisper's ``EnglishTextNormalizer`` (see the module doc for the steps and kept quirks)."""
    text = _drop_bracketed(text.lower())
    text = _FILLERS.sub("", text)
    text = _SPACE_APOSTROPHE.sub("'", text)
    text = _expand_contractions(text)
    text = _PERIOD.sub(r" \1", _DIGIT_COMMA.sub(r"\1\2", text))
    text = remove_symbols_and_diacritics(text, keep=".%$¢€£")
    text = _american_spelling(standardize_numbers(text))
    text = _LONE_PERCENT.sub(r"\1 ", _LONE_SYMBOL.sub(r" \1", text))
    return _WHITESPACE.sub(" ", text)
