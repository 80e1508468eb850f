"""CMMMU (Ge et al., 2024, "CMMMU: A Chinese Massive Multi-discipline Multimodal Understanding Benchmark"):
the official answer parsing and judging, re-implemented from https://github.com/CMMMU-Benchmark/CMMMU,
``eval/utils/eval_utils.py`` at commit e1ba883284c61e5f6bbf552addb87f6e48de87bc (``evaluate_response`` and the
helpers it calls), driven by ``eval/eval_response.py`` (commit 6e0ae6dfc420d3044682b4b60a364e61d42ea364),
which always offers the letters A-D with the texts of ``option1``..``option4``.

**Multiple choice** (``选择``, :func:`parse_multi_choice`). An empty response is wrong (never parsed). Else
the characters ``, . ! ? ; : '`` are stripped from both ends, each once in that order, and a space is put
at each end. Candidates, counted with repetition: each ``(X)`` occurrence; if there is none, each occurrence
of the bare letter ``X`` anywhere (a substring count, case-sensitive: the ``A`` of ``ANSWER`` counts, as do
the ``B`` and ``C`` of ``ABC``); if still none, each occurrence of an option's text (an empty option text
occurs ``len(text) + 1`` times). The prediction is every letter with the highest count, joined in A-D order
(``"AB"`` on a tie, so a multiple-answer key such as ``"AB"`` can be matched); with no candidate at all the
official code draws ``random.choice`` of the letters. The prediction is right when it equals the answer.

**True/false** (``判断``, :func:`parse_true_false`). The response is stripped of ``。`` at both ends and of
white space, then cut at ``。`` and newlines; in each piece the shortest tail after one of 是, 为, 所以, 判断,
陈述, 说法, 表达, 答案, 结果 is kept (stripped; an empty tail never counts as shorter, the next indicator
found replaces it) unless it is empty or one punctuation mark; with no tail anywhere, the whole stripped
response. Tails containing 对错, 是否正确, 否正确, 或者, 是否, 正确性 or 对不 are dropped. Each remaining tail
counts positive when it contains 正确, 对, 准确, 肯定 or 对的, else negative when it contains 不对, 错误, 不正确,
不准确, 不合适, 否定, 错的 or 错 (so ``不对`` and ``不正确`` count as positive: they contain ``对`` / ``正确``).
More positive: ``对``; more negative: ``错``; a tie (no tail, say): the official ``random.choice``.

**Fill in the blank** (``填空``, :func:`parse_fill_blank`). Key tails as for true/false, with the indicators
是, 为, 所以, 等于, 方案, 选择, 正确答案, 因此, 最后, 答案, 结果 (and ``=`` in the last piece, kept for the pieces
after it too, as the official list grows); then every number in them (Chinese thousands commas ``1，234``,
scientific, simple), each normalised against the answer (:func:`normalize`): a string ``float()`` reads once
``,`` is removed becomes that float rounded to 2 decimals; another string is dropped when it is more than 20
characters longer than the answer or has more than 2 ASCII letters more than it. Right when a float
prediction equals the normalised answer (a float), or the normalised answer (a string) is a substring of a
string prediction.

**The random guesses.** The official module seeds Python's global ``random`` with 42 at import and draws
from it in file order (lmms-eval 0.7.3 draws from its own seeded global state), so a doc's guess depends on
the other docs. Here a guess is :func:`lmms_eval.scoring.mmmu.fallback_choice` keyed by the doc's ``id``:
uniform like the official one, and the same for a doc in every run.

**lmms-eval 0.7.3 differs**: it parses an empty multiple-choice response too (a random letter instead of
wrong).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.scoring.mmmu import fallback_choice, shortest_tail

LETTERS = ("A", "B", "C", "D")
MULTIPLE_CHOICE, TRUE_FALSE, FILL_BLANK = "选择", "判断", "填空"
TRUE, FALSE = "对", "错"

_END_PUNCTUATION = (",", ".", "!", "?", ";", ":", "'")
_TRIVIAL = frozenset({":", ",", ".", "!", "?", ";", "'"})
_TF_INDICATORS = ("是", "为", "所以", "判断", "陈述", "说法", "表达", "答案", "结果")
_FILL_INDICATORS = ("是", "为", "所以", "等于", "方案", "选择", "正确答案", "因此", "最后", "答案", "结果")
_POSITIVE = ("正确", "对", "准确", "肯定", "对的")
_NEGATIVE = ("不对", "错误", "不正确", "不准确", "不合适", "否定", "错的", "错")
_AMBIGUOUS = ("对错", "是否正确", "否正确", "或者", "是否", "正确性", "对不")
_COMMAS = re.compile(r"-?\d{1,3}(?:，\d{3})+")
_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")
_SIMPLE = re.compile(r"-?(?:\d+\.\d+|\.\d+|\d+)(?![eE][+-]?\d+)(?!，\d)")
_PIECES = re.compile(r"。|\n")

Normalized = str | float


# --- multiple choice ---------------------------------------------------------------------------------------


def parse_multi_choice(response: str, index2ans: Mapping[str, str], fallback: Callable[[], str]) -> str:
    """The official ``get_multi_choice_prediction`` over the letters A-D; ``fallback()`` where it guesses."""
    for char in _END_PUNCTUATION:
        response = response.strip(char)
    response = " " + response + " "
    candidates: list[str] = []
    for letter in LETTERS:
        candidates.extend([letter] * response.count(f"({letter})"))
    if not candidates:
        for letter in LETTERS:
            candidates.extend([letter] * response.count(letter))
    if not candidates and response.split():
        for letter, text in index2ans.items():
            candidates.extend([letter] * response.count(text))
    if not candidates:
        return fallback()
    counts = Counter(candidates)
    most = max(counts.values())
    return "".join(letter for letter in LETTERS if counts.get(letter, 0) == most)


# --- key tails (true/false and fill in the blank) ----------------------------------------------------------


def key_responses(response: str, indicators: Sequence[str], equation_last: bool) -> list[str]:
    """The official ``get_key_subresponses``: the shortest tail after an indicator in each piece."""
    response = response.strip("。").strip()
    pieces = _PIECES.split(response)
    found: list[str] = []
    keys = list(indicators)
    for index, piece in enumerate(pieces):
        if equation_last and index == len(pieces) - 1:
            keys.append("=")
        tail = shortest_tail(piece, keys)
        if tail and tail.strip() not in _TRIVIAL:
            found.append(tail)
    return found or [response]


# --- true/false --------------------------------------------------------------------------------------------


def parse_true_false(response: str, fallback: Callable[[], str]) -> str:
    """``对`` or ``错`` as the official ``evaluate_response`` judges a true/false response."""
    tails = set(key_responses(response, _TF_INDICATORS, equation_last=False))
    tails = {t for t in tails if not any(word in t for word in _AMBIGUOUS)}
    positive = negative = 0
    for tail in tails:
        if any(word in tail for word in _POSITIVE):
            positive += 1
        elif any(word in tail for word in _NEGATIVE):
            negative += 1
    if positive > negative:
        return TRUE
    if negative > positive:
        return FALSE
    return fallback()


# --- fill in the blank -------------------------------------------------------------------------------------


def extract_numbers(text: str) -> list[str]:
    """The official ``extract_numbers``: Chinese-comma numbers, scientific, then simple numbers."""
    return _COMMAS.findall(text) + _SCIENTIFIC.findall(text) + _SIMPLE.findall(text)


def _ascii_letters(text: str) -> int:
    return sum(1 for c in text if "a" <= c <= "z" or "A" <= c <= "Z")


def normalize(text: str, answer: str) -> list[Normalized]:
    """The official ``normalize_str``: a float rounded to 2 decimals, the stripped string, or nothing."""
    text = text.strip()
    try:
        return [round(float(text.replace(",", "")), 2)]
    except ValueError:
        pass
    if len(text) > len(answer) + 20 or _ascii_letters(text) > _ascii_letters(answer) + 2:
        return []
    return [text]


def parse_fill_blank(response: str, answer: str) -> list[Normalized]:
    """The official ``get_fill_blank_prediction``: the normalised key tails and their numbers."""
    tails = key_responses(response, _FILL_INDICATORS, equation_last=True)
    found: list[str] = [*tails, *(n for tail in tails for n in extract_numbers(tail))]
    out: list[Normalized] = []
    for text in found:
        for value in normalize(text, answer):
            if value not in out:
                out.append(value)
    return out


def fill_blank_correct(answer: str, predictions: Iterable[Normalized]) -> bool:
    """The official match: a float equal to the normalised answer, or the string answer inside a string."""
    golds = normalize(answer, answer)
    for prediction in predictions:
        if isinstance(prediction, str):
            if any(isinstance(gold, str) and gold in prediction for gold in golds):
                return True
        elif prediction in golds:
            return True
    return False


# --- docs, the extractor and the metric --------------------------------------------------------------------


def _guess(doc: Mapping[str, Any], choices: Sequence[str]) -> Callable[[], str]:
    return lambda: fallback_choice(str(doc.get("id", "")), choices)


def index2ans(doc: Mapping[str, Any]) -> dict[str, str]:
    """``A``..``D`` to ``option1``..``option4`` (``eval_response.py``; a missing option is ``""``)."""
    return {letter: str(doc.get(f"option{i}") or "") for i, letter in enumerate(LETTERS, start=1)}


def extract_cmmmu_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``cmmmu``: multiple choice, the letters read (None for an empty response); true/false,
    ``对`` or ``错``; fill in the blank, the JSON list of the normalised predictions."""
    kind = str(doc.get("type", ""))
    if kind == MULTIPLE_CHOICE:
        return parse_multi_choice(text, index2ans(doc), _guess(doc, LETTERS)) if text else None
    if kind == FILL_BLANK:
        return json.dumps(parse_fill_blank(text, str(doc.get("answer", ""))), ensure_ascii=False)
    return parse_true_false(text, _guess(doc, (TRUE, FALSE)))


def cmmmu_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``cmmmu_accuracy``: 1.0 when the official judge counts the extracted answer right."""
    if prediction is None:
        return 0.0
    if str(doc.get("type", "")) == FILL_BLANK:
        return float(fill_blank_correct(str(target), json.loads(prediction)))
    return float(prediction == str(target))


_IMAGE_COUNT = 5
_IMAGE_TOKEN = re.compile(r"<图片 (\d+)>")


def _with_image_tokens(text: str, doc: Mapping[str, Any]) -> str:
    """lmms-eval 0.7.3's ``construct_prompt``: ``<img="FILE">`` becomes ``<图片 i>`` for image i's file."""
    for i in range(1, _IMAGE_COUNT + 1):
        text = text.replace(f'<img="{doc.get(f"image_{i}_filename")}">', f"<图片 {i}>")
    return text


def add_prompt_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``prompt_question`` and ``prompt_options`` (the four options), their
    image references turned into ``<图片 i>``, and ``images``: image i for each ``<图片 i>`` in the question
    and then the options, in order, repeats included (lmms-eval 0.7.3's ``cmmmu_doc_to_visual``), empty
    columns left out."""
    out = []
    for doc in docs:
        question = _with_image_tokens(str(doc.get("question") or ""), doc)
        options = [_with_image_tokens(str(doc.get(f"option{i}")), doc) for i in range(1, 5)]
        shown = question + "".join(options) if doc.get("type") == MULTIPLE_CHOICE else question
        images = [doc.get(f"image_{n}") for n in _IMAGE_TOKEN.findall(shown)]
        out.append(
            {
                **doc,
                "prompt_question": question,
                "prompt_options": options,
                "images": [image for image in images if image is not None],
            }
        )
    return out


def submission_rows(answers: Sequence[tuple[Any, str]]) -> list[dict[str, Any]]:
    """``submission`` of cmmmu_test: ``{id, type, response}`` per answered question (lmms-eval 0.7.3's
    submission lines, the fields of the official ``eval_response.py`` input)."""
    return [
        {"id": str(sample.doc.data["id"]), "type": sample.doc.data.get("type"), "response": response}
        for sample, response in answers
    ]
