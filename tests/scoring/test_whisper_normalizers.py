"""Whisper's text normalizers against the official code (openai/whisper at commit
c0d2f624c09dc18e709e37c2ad90c039a4eb72a2, ``whisper/normalizers/english.py`` ``EnglishTextNormalizer`` and
``basic.py`` ``BasicTextNormalizer()`` / ``BasicTextNormalizer(remove_diacritics=True)``).

``fixtures/whisper_normalizers_official_cases.jsonl``: one line per input text with the three official
outputs. Made by a generator script outside the repository that imported the three official files from a
scratch folder (Python 3.11, regex, more-itertools) and fed them (a) 6,000 random "transcripts" of 0-20
tokens drawn from number words ("twenty", "hundredth", "oh", "double", "point", "per cent", "dollars",
"minus"...), numerals ("1960s", "2.0", "1,000", "$0.07", "-3", "192.168.0.1", "10am"), titles and
contractions ("mr", "won't", "y'all", "he'd been"), fillers and bracketed noise ("uh", "[noise]",
"(laughs)"), punctuation, symbols, accented and non-Latin text and British spellings from Whisper's table,
joined by spaces, double spaces, commas or hyphens, capitalized or not; (b) 4,000 dense number-word
sequences; (c) 26 hand-picked inputs. Every one of the 10,026 inputs agreed with this module on all three
normalizers; the fixture keeps 4,026 of them (the first 2,000 of (a) and of (b), and (c)). A separate
search over 300,000 random number-word sequences found no input on which the official number parser raises.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.scoring.normalize import apply_steps
from lmms_eval.scoring.whisper_normalizers import normalize_basic, normalize_english

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "whisper_normalizers_official_cases.jsonl").open(
        encoding="utf-8"
    )
]


def test_the_fixture_covers_the_hard_parts() -> None:
    assert len(CASES) == 4026
    english = [c["english"] for c in CASES]
    assert sum(any(ch.isdigit() for ch in e) for e in english) > 2000  # numbers were rewritten as digits
    assert any("%" in e for e in english) and any("$" in e for e in english)
    assert sum(c["basic"] != c["basic_diacritics"] for c in CASES) > 100


def test_english_normalizer_matches_the_official_on_every_case() -> None:
    wrong = [(c["text"], c["english"], normalize_english(c["text"])) for c in CASES]
    wrong = [w for w in wrong if w[1] != w[2]]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize(("key", "diacritics"), [("basic", False), ("basic_diacritics", True)])
def test_basic_normalizer_matches_the_official_on_every_case(key: str, diacritics: bool) -> None:
    wrong = [
        (c["text"], c[key])
        for c in CASES
        if normalize_basic(c["text"], remove_diacritics=diacritics) != c[key]
    ]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith won't pay $20 million.", "mister smith will not pay $20000000"),
        ("I'm twenty-one and a half years old", "i am 21.5 years old"),  # hyphen to space, then numbers
        ("one oh one", "101"),
        ("It costs $2 and 7 cents", "it costs $2.07"),
        ("fifty per cent of the colour", "50% of the color"),
        ("minus and", "-and"),  # the official quirk: a pending sign prefixes the next word
        ("2.0 vs 2.50", "2 vs 2.50"),  # an integer-valued decimal loses its fraction
        ("uh [noise] hmm (laughs) okay", "okay"),  # fillers and bracketed spans go
    ],
)
def test_documented_behaviour(text: str, expected: str) -> None:
    assert normalize_english(text) == expected


def test_normalization_steps_by_name() -> None:
    assert apply_steps("Colour, Uh!", "whisper_english") == "color"
    assert apply_steps("50. %", "whisper_english") == "50 "  # a space can remain at the end (official)
    assert apply_steps("Ça va? [bruit]", "whisper_basic") == "ça va "  # the basic one keeps diacritics
