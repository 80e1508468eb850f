"""pycocoevalcap's caption tokenization: Stanford PTBTokenizer, lower-cased, punctuation tokens removed.

The official step (``pycocoevalcap/tokenizer/ptbtokenizer.py``, ``PTBTokenizer.tokenize``, of
https://github.com/salaniz/pycocoevalcap at commit ad63453cfab57a81a02b2949b17a91fab1c3df77 = PyPI 1.2, the
Python 3 copy of tylin/coco-caption) writes all captions of one call, each with ``"\\n"`` replaced by a
space, one per line into a file, runs ``java -cp stanford-corenlp-3.4.1.jar
edu.stanford.nlp.process.PTBTokenizer -preserveLines -lowerCase FILE``, and keeps, of each output line split
on single spaces, the tokens not in :data:`PUNCTUATIONS`, joined with single spaces.

Two implementations give the same tokens:

- ``"python"`` (:func:`tokenize_python`): the lexer re-stated in Python
  (:mod:`lmms_eval.scoring.captions.ptb_lexer`), lower-cased as Java's ``toLowerCase(Locale.ENGLISH)``;
- ``"java"`` (:func:`tokenize_java`): the official jar itself, found in an installed ``pycocoevalcap``
  (``pip install 'lmms_eval[captions]'``) or given as a path, run with ``java`` from ``PATH``.

Quirks of the official step, kept:

- the captions of one call are one text, so a caption's last token can depend on the next caption: a single
  letter with a period (``"plan B."``) before a line that starts with ``The``, ``A``, ``It``... becomes
  ``b`` (the lexer splits off the period as a sentence end), elsewhere it stays ``b.``; the last caption of
  a call sees the end of the file instead of a line break (``"... :)"`` keeps its smiley only before a line
  break). pycocoevalcap tokenizes the references of all images in one call and the predictions in
  another, each in image order; :func:`tokenize` is called the same way;
- lower-casing happens after normalization, so ``(`` ``)`` ``[`` ``]`` ``{`` ``}`` become ``-lrb-``
  ``-rrb-`` ``-lsb-`` ``-rsb-`` ``-lcb-`` ``-rcb-`` and stay (the list holds the upper-case forms);
- ``!?`` is one token and not in the list; ``'s``, ``n't``, ``'ll`` are split off and kept; ``cannot``
  is ``can not``, ``gonna`` ``gon na``; quotes of every kind become ````` ``''`` ``'`` ``` `` ``` and go;
- a fraction written with a space (``3 1/2``) or a phone-like number (``100 200 300``) is one token whose
  spaces are U+00A0; ``str.split()`` (BLEU, CIDEr) splits it there, ``split(" ")`` (ROUGE-L) does not.

One deliberate difference: the official step replaces only ``"\\n"``; any other line break the lexer knows
(``"\\r"``, ``"\\v"``, ``"\\f"``, U+0085, U+2028, U+2029) would start an extra output line and shift every
later caption of the call onto the wrong image. Here they are replaced by a space too, as ``"\\n"`` is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.captions.jars import pycocoevalcap_jar
from lmms_eval.scoring.captions.ptb_lexer import NEWLINE_TOKEN, lex

__all__ = [
    "PUNCTUATIONS",
    "Tokenizer",
    "corenlp_jar",
    "java_available",
    "java_lower",
    "tokenize",
    "tokenize_java",
    "tokenize_python",
]

Tokenizer = Literal["python", "java"]

#: the tokens pycocoevalcap removes after tokenization (compared after lower-casing, so the bracket forms
#: never match)
PUNCTUATIONS = frozenset(
    ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"]
)

_LINE_BREAKS = re.compile("[\n\r\u000b\u000c\u0085\u2028\u2029]")
_JAR = "stanford-corenlp-3.4.1.jar"


def _one_line(caption: str) -> str:
    return _LINE_BREAKS.sub(" ", caption)


def _clean(line: str) -> str:
    """The official post-processing of one output line."""
    return " ".join(w for w in line.rstrip().split(" ") if w not in PUNCTUATIONS)


def java_lower(token: str) -> str:
    """Java's ``String.toLowerCase(Locale.ENGLISH)``: Python's ``str.lower`` except for capital sigma, which
    Java makes final (``ς``) when, within the word around it, a cased letter precedes it and none follows.
    The word: letters and digits, joined by a dash, soft hyphen, apostrophe, quote or period only between
    two letters, format characters (zero-width space...) skipped, a wide (CJK) character a word of its own:
    Java's legacy word-break rules, as far as tokens can show them."""
    if "\u03a3" not in token:
        return token.lower()
    kept = [i for i, c in enumerate(token) if unicodedata.category(c) != "Cf"]
    chars = [token[i] for i in kept]
    out = [c.lower() for c in token]  # one entry per character (U+0130 lower-cases to two)
    for k, c in enumerate(chars):
        if c != "\u03a3":
            continue
        lo, hi = _word_around(chars, k)
        before = any(_cased(x) for x in chars[lo:k])
        after = any(_cased(x) for x in chars[k + 1 : hi])
        out[kept[k]] = "\u03c2" if before and not after else "\u03c3"
    return "".join(out)


def _cased(c: str) -> bool:
    return c.islower() or c.isupper() or c.istitle()


def _word_char(c: str) -> bool:
    """Letters, digits and marks; a wide (CJK) character is a word of its own."""
    alnum = c.isalnum() or unicodedata.category(c).startswith("M")
    return alnum and unicodedata.east_asian_width(c) not in ("W", "F")


def _mid_word(chars: list[str], i: int) -> bool:
    """A joiner between two letters."""
    c = chars[i]
    joiner = unicodedata.category(c) == "Pd" or c in "\u00ad\u2027\"'."
    return joiner and 0 < i < len(chars) - 1 and chars[i - 1].isalpha() and chars[i + 1].isalpha()


def _word_around(chars: list[str], i: int) -> tuple[int, int]:
    lo = i
    while lo > 0 and (_word_char(chars[lo - 1]) or _mid_word(chars, lo - 1)):
        lo -= 1
    hi = i + 1
    while hi < len(chars) and (_word_char(chars[hi]) or _mid_word(chars, hi)):
        hi += 1
    return lo, hi


def tokenize_python(captions: Sequence[str]) -> list[str]:
    """The tokenized captions of one official call, by the Python lexer."""
    if not captions:
        return []
    lines: list[list[str]] = [[]]
    for token in lex("\n".join(_one_line(c) for c in captions)):
        if token == NEWLINE_TOKEN:
            lines.append([])
        else:
            lines[-1].append(java_lower(token))
    return [_clean(" ".join(tokens)) for tokens in lines]


def corenlp_jar(jar: str | os.PathLike[str] | None = None) -> Path | None:
    """The stanford-corenlp-3.4.1 jar: ``jar`` if given, else the one of an installed ``pycocoevalcap``,
    else None."""
    return pycocoevalcap_jar("tokenizer", _JAR, jar)


def java_available() -> bool:
    return shutil.which("java") is not None


def tokenize_java(captions: Sequence[str], jar: str | os.PathLike[str] | None = None) -> list[str]:
    """The tokenized captions of one official call, by the official jar (run as pycocoevalcap runs it)."""
    if not captions:
        return []
    path = corenlp_jar(jar)
    java = shutil.which("java")
    if path is None or java is None:
        raise ConfigError(
            "The Java PTB tokenizer needs `java` on PATH and stanford-corenlp-3.4.1.jar "
            "(pip install 'lmms_eval[captions]', which installs pycocoevalcap with the jar); "
            "or use the Python tokenizer (tokenizer: python), which gives the same tokens."
        )
    text = "\n".join(_one_line(c) for c in captions)
    with tempfile.TemporaryDirectory(prefix="lmms_eval_ptb_") as tmp:
        src = Path(tmp) / "captions.txt"
        src.write_bytes(text.encode("utf-8"))
        cmd = [
            java,
            "-cp",
            str(path),
            "edu.stanford.nlp.process.PTBTokenizer",
            "-preserveLines",
            "-lowerCase",
        ]
        done = subprocess.run([*cmd, str(src)], capture_output=True, check=False)
    if done.returncode != 0:
        raise ConfigError(
            f"The Java PTB tokenizer failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
        )
    lines = done.stdout.decode("utf-8").split("\n")
    if len(lines) < len(captions):
        raise ConfigError(f"The Java PTB tokenizer returned {len(lines)} lines for {len(captions)} captions")
    return [_clean(line) for line in lines[: len(captions)]]


def tokenize(captions: Sequence[str], tokenizer: Tokenizer = "python", jar: str | None = None) -> list[str]:
    """The captions of one official call (all references, or all predictions, in image order), tokenized."""
    if tokenizer == "python":
        return tokenize_python(captions)
    if tokenizer == "java":
        return tokenize_java(captions, jar)
    raise ConfigError(f"Unknown caption tokenizer {tokenizer!r}: use 'python' or 'java'")
