"""JMMMU (Onohara et al., 2024, "JMMMU: A Japanese Massive Multi-discipline Multimodal Understanding
Benchmark for Culture-aware Evaluation"): the official answer parsing, MMMU's adapted to Japanese.

JMMMU has no evaluation code of its own repository (github.com/MMMU-Japanese-Benchmark/JMMMU holds the web
site); its authors' evaluation is the ``jmmmu`` task they added to lmms-eval, re-implemented here from
https://github.com/EvolvingLMMs-Lab/lmms-eval at commit 142220d621ff2e227ffe70673eb57ad93a494f5e,
``lmms_eval/tasks/jmmmu/utils.py`` (lmms-eval 0.7.3 has the same rules, its multiple-choice parser moved to
``_task_utils/mmmu_mcq_utils.py``). The verdicts (``eval_multi_choice``, ``eval_open``) and ``normalize_str``
are MMMU's (:mod:`lmms_eval.scoring.mmmu`); the answer is compared as the dataset's string.

**Multiple choice** (:func:`parse_multi_choice_response`): the characters ``, . ! ? ; : '`` and the
full-width ``、 。 ！ ？ ； ：`` are stripped from both ends, each once in that order, and a space is put at
each end. Candidates, the first step that finds any: every letter written ``(X)``; every letter followed by
a space (``X `` anywhere: the ``A`` of ``"DNA "`` counts); every letter between two Japanese characters
(hiragana, katakana, CJK ideographs: ``"答えはBです"``); every letter followed by a period (``X.``); if the
response has more than 5 words (``str.split()``, so most Japanese sentences are one word), every option whose
lower-cased text occurs in the lower-cased response. One candidate: it. Several: the one whose ``(X)``
(when the first step found them), `` X `` (the other letter steps, often absent: all ``-1`` and the earliest
letter wins) or option text occurs last (``rfind``, ties to the earliest letter). None: the official code
draws ``random.choice``; here :func:`lmms_eval.scoring.mmmu.fallback_choice` keyed by the doc's ``id``.

**Open questions** (:func:`parse_open_response`): the response is stripped, then of ``。`` at both ends
(not lower-cased); it is cut at ``。 ！ ？ .`` (with the white space after them) and at newlines; in each
piece the shortest tail after one of よって, よって、, 答えは, 答えは、, 最終的に, 最終的に、, 解答は, 解答は、回答は,
回答は、 (the official list joins "解答は、" and "回答は" into one string, so 回答は alone is no indicator) and, in the
last piece, also ＝ and = is kept, unless it is one punctuation mark; with no tail, the whole response. Then
every number of the tails (thousands commas, scientific, simple, and the digits before つ 個 度 円 人 年 匹 台 %)
is added and everything goes through MMMU's ``normalize_str``.

**lmms-eval 0.7.3**: the same rules; its random guess draws from its global ``random`` state.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.scoring.mmmu import (
    Normalized,
    eval_multi_choice,
    eval_open,
    fallback_choice,
    normalize_str,
    shortest_tail,
)
from lmms_eval.scoring.mmmu import (
    add_prompt_fields as mmmu_prompt_fields,
)

_END_PUNCTUATION = (",", ".", "!", "?", ";", ":", "'", "、", "。", "！", "？", "；", "：")
_TRIVIAL = frozenset(_END_PUNCTUATION)
_JAPANESE = r"[\u3040-\u30FF\u4E00-\u9FFF]"
_INDICATORS = (
    "よって",
    "よって、",
    "答えは",
    "答えは、",
    "最終的に",
    "最終的に、",
    "解答は",
    "解答は、回答は",
    "回答は、",
)
_EQUATION = ("＝", "=")
_PIECES = re.compile(r"[。！？.]\s*|\n")
_COMMAS = re.compile(r"-?\b\d{1,3}(?:,\d{3})+\b")
_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")
_SIMPLE = re.compile(r"-?(?:\d+\.\d+|\.\d+|\d+)(?![eE][+-]?\d+)(?![,\d])")
_COUNTED = re.compile(r"(\d+)(?:つ|個|度|円|人|年|匹|台|%)")
_MULTIPLE_CHOICE = "multiple-choice"

#: the subjects of the culture-specific subset; the other 24 are culture-agnostic (translated from MMMU)
CULTURE_SPECIFIC = frozenset({"Japanese_Art", "Japanese_Heritage", "Japanese_History", "World_History"})


def _letter_candidates(response: str, letters: Sequence[str]) -> tuple[list[str], bool]:
    """The letter steps: (candidates, found as ``(X)``)."""
    found = [x for x in letters if f"({x})" in response]
    if found:
        return found, True
    for test in (
        lambda x: f"{x} " in response,
        lambda x: re.search(f"{_JAPANESE}{re.escape(x)}{_JAPANESE}", response) is not None,
        lambda x: f"{x}." in response,
    ):
        found = [x for x in letters if test(x)]
        if found:
            return found, False
    return [], False


def parse_multi_choice_response(
    response: str, letters: Sequence[str], index2ans: Mapping[str, str], fallback: str
) -> str:
    """The official JMMMU ``parse_multi_choice_response``; ``fallback`` where it guesses at random."""
    for char in _END_PUNCTUATION:
        response = response.strip(char)
    response = " " + response + " "
    candidates, bracketed = _letter_candidates(response, letters)
    by_text = False
    if not candidates and len(response.split()) > 5:
        lower = response.lower()
        candidates = [x for x, text in index2ans.items() if text.lower() in lower]
        by_text = True
    if not candidates:
        return fallback
    if len(candidates) == 1:
        return candidates[0]
    if by_text:
        positions = [response.lower().rfind(index2ans[x].lower()) for x in candidates]
    elif bracketed:
        positions = [response.rfind(f"({x})") for x in candidates]
    else:
        positions = [response.rfind(f" {x} ") for x in candidates]
    return candidates[positions.index(max(positions))]


def extract_numbers(text: str) -> list[str]:
    """The official JMMMU ``extract_numbers``: MMMU's three kinds, then digits before a Japanese counter."""
    return _COMMAS.findall(text) + _SCIENTIFIC.findall(text) + _SIMPLE.findall(text) + _COUNTED.findall(text)


def _key_subresponses(response: str) -> list[str]:
    response = response.strip().strip("。")
    pieces = _PIECES.split(response)
    keys = []
    for index, piece in enumerate(pieces):
        indicators = _INDICATORS + _EQUATION if index == len(pieces) - 1 else _INDICATORS
        tail = shortest_tail(piece, indicators)
        if tail and tail.strip() not in _TRIVIAL:
            keys.append(tail)
    return keys or [response]


def parse_open_response(response: str) -> list[Normalized]:
    """The official JMMMU ``parse_open_response``: the normalised candidates, without duplicates (in the
    order first found; the official ``list(set(...))`` has none, and the verdict does not depend on it)."""
    keys = _key_subresponses(response)
    found = keys + [number for key in keys for number in extract_numbers(key)]
    return list(dict.fromkeys(value for text in found for value in normalize_str(text)))


# --- docs, the extractor and the metric --------------------------------------------------------------------


def _options(doc: Mapping[str, Any]) -> list[str]:
    value = doc.get("options")
    if isinstance(value, str):
        value = ast.literal_eval(value) if value.strip() else []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def extract_jmmmu_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``jmmmu``: the letter of a multiple-choice doc (seeded guess where the official code draws
    one), or the JSON list of an open doc's normalised candidates."""
    if str(doc.get("question_type", _MULTIPLE_CHOICE)) != _MULTIPLE_CHOICE:
        return json.dumps(parse_open_response(text), ensure_ascii=False)
    options = _options(doc)
    letters = [chr(ord("A") + i) for i in range(len(options))]
    if not letters:
        return ""
    index2ans = dict(zip(letters, options))
    return parse_multi_choice_response(
        text, letters, index2ans, fallback_choice(str(doc.get("id", "")), letters)
    )


def jmmmu_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``jmmmu_accuracy``: MMMU's verdicts against the answer string."""
    if prediction is None:
        return 0.0
    if str(doc.get("question_type", _MULTIPLE_CHOICE)) != _MULTIPLE_CHOICE:
        return float(eval_open(str(target), json.loads(prediction)))
    return float(eval_multi_choice(str(target), prediction))


def add_prompt_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: ``<image1>`` in the question read as ``<image 1>`` (lmms-eval's ``construct_prompt``),
    then MMMU's fields (``option_list``, ``images`` named by ``<image N>`` once each by N, ``subject``), and
    ``culture`` (``culture_specific`` or ``culture_agnostic``)."""
    fixed = [
        {**doc, "question": str(doc.get("question", "")).replace("<image1>", "<image 1>")} for doc in docs
    ]
    out = mmmu_prompt_fields(fixed)
    for doc in out:
        doc["culture"] = "culture_specific" if doc["subject"] in CULTURE_SPECIFIC else "culture_agnostic"
    return out
