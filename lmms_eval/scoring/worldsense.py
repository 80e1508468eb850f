"""WorldSense: the option letter read from a response by lmms-eval 0.7.3's WorldSense parser.

Protocol followed: lmms-eval 0.7.3's ``worldsense`` task (github.com/EvolvingLMMs-Lab/lmms-eval, release
0.7.3, ``lmms_eval/tasks/worldsense/utils.py``: ``parse_multi_choice_response`` and
``worldsense_process_results``); the WorldSense repository (github.com/JaaackHongggg/WorldSense) ships no
answer parser. An MMMU-style parser with its own rules, kept as they are:

- The options are the doc's ``candidates`` ("A. text", ...); with exactly 3 the letters are A-C, otherwise
  A-D (a fifth option is never read), and each option's text is the candidate without its first 3
  characters (``"A. "``).
- The characters ``, . ! ? ; : '`` are stripped from both ends, each in turn (not whitespace), and one space
  is put at each end.
- Candidates: every letter occurring **anywhere** in the response, as a capital (the code means ``(X)`` but
  tests ``"X" in response``: "I think" holds I, "A cat" holds A, "Dog" holds D); if none (so the response has
  no capital A-D at all) and the response has more than 5 words, every option whose text occurs in it (case
  ignored; an empty option text always occurs).
- One candidate: it. Several letters: the one whose ``(X)`` occurs last (``rfind``), ties and no ``(X)`` at
  all going to the earliest letter (``np.argmax``); several option texts: the one whose text occurs last.
- None: ``"A"`` (0.7.3 fixes the guess to A rather than drawing one).

The answer is right when the letter equals the doc's ``answer``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["extract_worldsense_answer", "parse_worldsense_response", "worldsense_options"]

_END_PUNCTUATION = (",", ".", "!", "?", ";", ":", "'")


def worldsense_options(candidates: Sequence[str]) -> dict[str, str]:
    """0.7.3's ``option_list``: letter -> option text without its ``"X. "`` prefix (A-C for 3, else A-D)."""
    letters = "ABC" if len(candidates) == 3 else "ABCD"
    return {letter: str(candidates[i])[3:] for i, letter in enumerate(letters)}


def _last(candidates: list[str], positions: list[int]) -> str:
    return candidates[positions.index(max(positions))]


def parse_worldsense_response(response: str, options: Mapping[str, str]) -> str:
    """The letter 0.7.3's ``parse_multi_choice_response`` returns (module docstring)."""
    for char in _END_PUNCTUATION:
        response = response.strip(char)
    response = f" {response} "
    letters = [c for c in options if c in response]
    if letters:
        if len(letters) == 1:
            return letters[0]
        return _last(letters, [response.rfind(f"({c})") for c in letters])
    if len(response.split()) <= 5:
        return "A"
    lower = response.lower()
    texts = [c for c, text in options.items() if text.lower() in lower]
    if not texts:
        return "A"
    return _last(texts, [lower.rfind(options[c].lower()) for c in texts])


def extract_worldsense_answer(text: str, doc: Mapping[str, Any], **_: Any) -> str:
    """Extractor ``worldsense``: the option letter read from the response with the doc's ``candidates``."""
    candidates = doc["candidates"]
    if hasattr(candidates, "tolist"):
        candidates = candidates.tolist()
    return parse_worldsense_response(text, worldsense_options(candidates))
