"""Text normalization steps, chained by name (e.g. ``exact_match``'s ``normalize: [strip, lower]``).

Steps: ``strip``, ``lower``, ``whitespace`` (collapse runs to one space and strip), ``punctuation`` (remove
ASCII and Unicode punctuation), ``articles`` (drop the words a/an/the; rejoins tokens with single spaces)
and ``vqa`` (the official VQA v2 answer normalization, :func:`normalize_vqa`).

The VQA normalization follows the definition of the official VQA evaluation (``vqaEval.py`` of
GT-Vision-Lab/VQA, ``processPunctuation`` + ``processDigitArticle``; described at
https://visualqa.org/evaluation.html), written from that definition:

1. newlines and tabs become spaces, the answer is stripped;
2. punctuation: each of ``; / [ ] " { } ( ) = + \\ _ - > < @ ` , ? !`` is deleted when it is written next
   to a space, or when the answer contains a digit-comma-digit group (``1,000``); otherwise it is replaced
   by a space. Then periods not followed by a digit are removed (at most 32 of them, as the official
   call passes ``re.UNICODE`` as the ``count`` argument), so ``3.5`` keeps its decimal point;
3. the answer is lowercased and split on whitespace; number words ``none``/``zero``..``ten`` become digits,
   the articles ``a``/``an``/``the`` are dropped, apostrophe-less contractions get their apostrophes
   back (``dont`` -> ``don't``), and the words are rejoined with single spaces.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from lmms_eval.core.errors import ConfigError

__all__ = ["STEPS", "apply_steps", "normalize_vqa", "vqa_process_digit_article", "vqa_process_punctuation"]

_ARTICLES = frozenset({"a", "an", "the"})

# --- official VQA tables -------------------------------------------------------------------------------

_VQA_NUMBER_WORDS = {
    "none": "0",
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}

# ``written form -> contraction`` pairs of the official table. The official table also lists "Id've",
# "I'dve", "Im" and "Ive" with a capital I; words are lowercased before the look-up, so those entries can
# never match and are left out here. The table maps "somebody'd" to "somebodyd" (sic), kept as is.
_VQA_CONTRACTION_PAIRS = """
aint:ain't arent:aren't cant:can't couldve:could've couldnt:couldn't couldn'tve:couldn't've
couldnt've:couldn't've didnt:didn't doesnt:doesn't dont:don't hadnt:hadn't hadnt've:hadn't've
hadn'tve:hadn't've hasnt:hasn't havent:haven't hed:he'd hed've:he'd've he'dve:he'd've hes:he's
howd:how'd howll:how'll hows:how's isnt:isn't itd:it'd itd've:it'd've it'dve:it'd've itll:it'll
let's:let's maam:ma'am mightnt:mightn't mightnt've:mightn't've mightn'tve:mightn't've mightve:might've
mustnt:mustn't mustve:must've neednt:needn't notve:not've oclock:o'clock oughtnt:oughtn't
ow's'at:'ow's'at 'ows'at:'ow's'at 'ow'sat:'ow's'at shant:shan't shed've:she'd've she'dve:she'd've
she's:she's shouldve:should've shouldnt:shouldn't shouldnt've:shouldn't've shouldn'tve:shouldn't've
somebody'd:somebodyd somebodyd've:somebody'd've somebody'dve:somebody'd've somebodyll:somebody'll
somebodys:somebody's someoned:someone'd someoned've:someone'd've someone'dve:someone'd've
someonell:someone'll someones:someone's somethingd:something'd somethingd've:something'd've
something'dve:something'd've somethingll:something'll thats:that's thered:there'd thered've:there'd've
there'dve:there'd've therere:there're theres:there's theyd:they'd theyd've:they'd've they'dve:they'd've
theyll:they'll theyre:they're theyve:they've twas:'twas wasnt:wasn't wed've:we'd've we'dve:we'd've
weve:we've werent:weren't whatll:what'll whatre:what're whats:what's whatve:what've whens:when's
whered:where'd wheres:where's whereve:where've whod:who'd whod've:who'd've who'dve:who'd've wholl:who'll
whos:who's whove:who've whyll:why'll whyre:why're whys:why's wont:won't wouldve:would've
wouldnt:wouldn't wouldnt've:wouldn't've wouldn'tve:wouldn't've yall:y'all yall'll:y'all'll
y'allll:y'all'll yall'd've:y'all'd've y'alld've:y'all'd've y'all'dve:y'all'd've youd:you'd
youd've:you'd've you'dve:you'd've youll:you'll youre:you're youve:you've
"""
_VQA_CONTRACTIONS = dict(pair.split(":", 1) for pair in _VQA_CONTRACTION_PAIRS.split())

_VQA_PUNCT = (
    ";",
    "/",
    "[",
    "]",
    '"',
    "{",
    "}",
    "(",
    ")",
    "=",
    "+",
    "\\",
    "_",
    "-",
    ">",
    "<",
    "@",
    "`",
    ",",
    "?",
    "!",
)
_DIGIT_COMMA_DIGIT = re.compile(r"\d,\d")
_PERIOD_NOT_BEFORE_DIGIT = re.compile(r"\.(?!\d)")
_VQA_MAX_PERIODS = 32  # the official call passes re.UNICODE (== 32) as re.sub's count


def vqa_process_punctuation(text: str) -> str:
    """Official VQA ``processPunctuation`` rule (see the module docstring, step 2)."""
    has_number_comma = _DIGIT_COMMA_DIGIT.search(text) is not None
    out = text
    for p in _VQA_PUNCT:
        delete = has_number_comma or (p + " ") in text or (" " + p) in text
        out = out.replace(p, "" if delete else " ")
    return _PERIOD_NOT_BEFORE_DIGIT.sub("", out, count=_VQA_MAX_PERIODS)


def vqa_process_digit_article(text: str) -> str:
    """Official VQA ``processDigitArticle`` rule: number words -> digits, drop articles, fix contractions."""
    words = [_VQA_NUMBER_WORDS.get(w, w) for w in text.lower().split()]
    return " ".join(_VQA_CONTRACTIONS.get(w, w) for w in words if w not in _ARTICLES)


def normalize_vqa(text: str) -> str:
    """The official VQA v2 answer normalization (module docstring, steps 1-3)."""
    text = text.replace("\n", " ").replace("\t", " ").strip()
    return vqa_process_digit_article(vqa_process_punctuation(text))


# --- generic steps ---------------------------------------------------------------------------------------


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def _is_punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def _remove_punctuation(text: str) -> str:
    return "".join(c for c in text if not _is_punctuation(c))


def _remove_articles(text: str) -> str:
    return " ".join(w for w in text.split() if w.lower() not in _ARTICLES)


STEPS: dict[str, Callable[[str], str]] = {
    "strip": str.strip,
    "lower": str.lower,
    "whitespace": _collapse_whitespace,
    "punctuation": _remove_punctuation,
    "articles": _remove_articles,
    "vqa": normalize_vqa,
}


def resolve_steps(steps: str | Iterable[str] | None) -> list[Callable[[str], str]]:
    """The step functions named by ``steps`` (one name or a list); ConfigError on an unknown name."""
    if steps is None:
        return []
    names = (steps,) if isinstance(steps, str) else tuple(steps)
    return list(_resolve_names(names))


@lru_cache(maxsize=256)
def _resolve_names(names: tuple[str, ...]) -> tuple[Callable[[str], str], ...]:
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        raise ConfigError(
            f"Unknown normalization step(s) {unknown}; choose from {sorted(STEPS)} (the metric's 'normalize' arg)."
        )
    return tuple(STEPS[n] for n in names)


def apply_steps(text: str, steps: str | Iterable[str] | None) -> str:
    """Apply the named normalization steps to ``text``, in order."""
    for fn in resolve_steps(steps):
        text = fn(text)
    return text
