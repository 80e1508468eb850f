"""MMMU (Yue et al., 2024) and MMMU-Pro (Yue et al., 2024): the official answer parsing and matching,
re-implemented from https://github.com/MMMU-Benchmark/MMMU at commit
bb0b95a945998d91dfef37e969e07d49d1139438: ``mmmu/utils/eval_utils.py`` (MMMU; unchanged since commit
bf380a22, when it was ``eval/eval_utils.py``) and ``mmmu-pro/evaluate.py`` (MMMU-Pro; last changed in
8ac826a8).

**MMMU multiple choice** (:func:`parse_multi_choice_response`), in the official order:

1. the characters ``, . ! ? ; : '`` are stripped from both ends, one after the other in that order (each
   ``str.strip(char)`` once: ``"B,."`` keeps its comma; whitespace is not stripped), then one space is put
   at each end;
2. candidates: every letter X written ``(X)``; if none, every letter written `` X `` (spaces on both
   sides); if none and the response has more than 5 words (``str.split()``), every option whose text
   (lower-cased) occurs in the lower-cased response;
3. one candidate: it; several: the one whose last occurrence (``rfind`` of ``(X)``, of `` X ``, or of the
   option text) starts last, ties going to the earliest letter (``np.argmax``);
4. none: the official code returns ``random.choice(all_choices)``. Here: :func:`fallback_choice`.

So ``"B."``, ``"(B)"``, ``"The answer is B."`` give B, but ``"B. Paris"`` or ``"Answer:B"`` find no
letter (no `` B ``) and fall back (unless they have more than 5 words and name an option).

**MMMU-Pro** (:func:`parse_mmmu_pro_response`, ``mmmu-pro/evaluate.py``): first, if the response holds
``Answer:`` (case-sensitive), the text after its last occurrence, stripped, is searched for the letters
(``"X" in text``, any position: ``"Answer: Development ..."`` reads D); exactly one letter found is the
answer. Otherwise the MMMU steps with two differences: the second step looks for ``X `` (a space after,
none needed before: ``"DNA "`` holds ``A ``), and a third step, before the option texts, for ``X.``
(``"B. Paris"`` is B); with several letters found by these two steps the tie-break still uses `` X ``,
which is then usually absent everywhere (all ``-1``), so the earliest letter wins.

**Open questions** (:func:`parse_open_response`): the response is stripped, its periods at both ends
removed and lower-cased; it is split into lines (the official split also cuts at ``". "`` before a capital,
which never matches after lower-casing); in each line the shortest tail after one of "could be ", "so ",
"is ", "thus ", "therefore ", "final ", "answer ", "result " (and, in the last line, "=") is kept, unless
it is one punctuation mark; with no such tail, the whole response. Then every number in these tails
(:func:`extract_numbers`: ``1,234``, ``1.5e3``, ``-2.5``, ``.5``) is added and everything is normalised
(:func:`normalize_str`: a string that ``float()`` accepts once commas are removed becomes that float
rounded to 2 decimals, anything else is lower-cased, and a single character ``c`` becomes the two strings
``" c"`` and ``"c "``). :func:`eval_open` is correct when a float prediction equals a normalised answer,
or a normalised string answer is a substring of a string prediction.

**References.** A multiple-choice answer is a letter compared with ``==`` (:func:`eval_multi_choice`).
Three open MMMU validation answers are lists in the official answer file (``answer_dict_val.json``) and
string literals of lists in the Hub dataset (``"['24/7', '3.429']"``); :func:`gold_answers` reads such a
literal back into the list, as the official evaluation has it (any of them counts). lmms-eval 0.7.3 passes
the literal as one string, so those three questions can never be right there.

**The random fallback.** The official MMMU code seeds Python's global ``random`` with 42 at import and
draws from it for each unparsable response in file order; MMMU-Pro's ``evaluate.py`` does not seed it at
all; lmms-eval 0.7.3 draws from the global ``random`` that its evaluator seeds with 0, in the order
``process_results`` runs. In all three a doc's guess depends on the other docs (or on nothing at all), so
no run can be reproduced doc by doc. Here the guess is :func:`fallback_choice`: the letter at index
``int(sha256(key)[:8 bytes], big-endian) % len(all_choices)``, with ``key`` the doc's ``id`` (UTF-8): the
same uniform guess as the official one in distribution, and the same for a doc in every run, order and
process. The extractors return it like any parsed letter.

**lmms-eval 0.7.3 differs** (its numbers are not these): for MMMU it parses multiple choice with the
MMMU-Pro steps ``X `` and ``X.`` (without the ``Answer:`` step) instead of the official MMMU `` X ``; for
MMMU-Pro vision it does not parse at all (the raw response must equal the letter); and it reads the three
list answers as one string (above).

**Aggregation.** The official overall and per-domain accuracies (``calculate_ins_level_acc``: per-subject
accuracies weighted by their sizes) equal the plain mean over the docs, so the tasks use ``mean`` with the
``subject`` and ``domain`` columns as breakdowns; MMMU-Pro's ``evaluate.py`` reports the plain mean.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.core.errors import DataError

__all__ = [
    "DOMAIN_SUBJECTS",
    "add_prompt_fields",
    "check_is_number",
    "eval_multi_choice",
    "eval_open",
    "extract_mmmu_answer",
    "extract_mmmu_pro_answer",
    "extract_numbers",
    "fallback_choice",
    "get_multi_choice_info",
    "gold_answers",
    "mmmu_accuracy",
    "normalize_str",
    "parse_mmmu_pro_response",
    "parse_multi_choice_response",
    "parse_open_response",
    "subject_of",
]

Normalized = str | float

#: The official grouping of the 30 subjects into 6 disciplines (``DOMAIN_CAT2SUB_CAT``).
DOMAIN_SUBJECTS: dict[str, tuple[str, ...]] = {
    "Art and Design": ("Art", "Art_Theory", "Design", "Music"),
    "Business": ("Accounting", "Economics", "Finance", "Manage", "Marketing"),
    "Science": ("Biology", "Chemistry", "Geography", "Math", "Physics"),
    "Health and Medicine": (
        "Basic_Medical_Science",
        "Clinical_Medicine",
        "Diagnostics_and_Laboratory_Medicine",
        "Pharmacy",
        "Public_Health",
    ),
    "Humanities and Social Science": ("History", "Literature", "Sociology", "Psychology"),
    "Tech and Engineering": (
        "Agriculture",
        "Architecture_and_Engineering",
        "Computer_Science",
        "Electronics",
        "Energy_and_Power",
        "Materials",
        "Mechanical_Engineering",
    ),
}
_DOMAIN_OF = {subject: domain for domain, subjects in DOMAIN_SUBJECTS.items() for subject in subjects}
_END_PUNCTUATION = (",", ".", "!", "?", ";", ":", "'")
_MULTIPLE_CHOICE = "multiple-choice"


# --- multiple choice ---------------------------------------------------------------------------------------


def get_multi_choice_info(options: Sequence[Any]) -> tuple[dict[str, str], list[str]]:
    """The official ``get_multi_choice_info``: ``({"A": option 1, ...}, ["A", "B", ...])``."""
    letters = [chr(ord("A") + i) for i in range(len(options))]
    return {letter: str(option) for letter, option in zip(letters, options)}, letters


def fallback_choice(key: str, all_choices: Sequence[str]) -> str:
    """The seeded stand-in for the official ``random.choice(all_choices)`` (module docstring): the choice
    at ``int.from_bytes(sha256(key)[:8], "big") % len(all_choices)``."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return all_choices[int.from_bytes(digest[:8], "big") % len(all_choices)]


def _padded(response: str) -> str:
    for char in _END_PUNCTUATION:
        response = response.strip(char)
    return " " + response + " "


def _content_candidates(response: str, index2ans: Mapping[str, str]) -> list[str]:
    """The options whose text occurs in the response (case ignored), when it has more than 5 words."""
    if len(response.split()) <= 5:
        return []
    lower = response.lower()
    return [letter for letter, text in index2ans.items() if text.lower() in lower]


def _last_occurring(candidates: list[str], positions: list[int]) -> str:
    """``candidates[np.argmax(positions)]``: the first of the largest positions."""
    return candidates[positions.index(max(positions))]


def _pick(
    response: str, candidates: list[str], index2ans: Mapping[str, str], *, by_letter: bool, bracketed: bool
) -> str:
    if len(candidates) == 1:
        return candidates[0]
    if not by_letter:
        lower = response.lower()
        positions = [lower.rfind(index2ans[c].lower()) for c in candidates]
    elif bracketed:
        positions = [response.rfind(f"({c})") for c in candidates]
    else:
        positions = [response.rfind(f" {c} ") for c in candidates]
    return _last_occurring(candidates, positions)


def parse_multi_choice_response(
    response: str, all_choices: Sequence[str], index2ans: Mapping[str, str], *, fallback: str
) -> str:
    """The official MMMU ``parse_multi_choice_response`` (module docstring); ``fallback`` is returned where
    the official code draws ``random.choice(all_choices)``."""
    return _parse_choice(response, all_choices, index2ans, fallback, bare_forms=(" {} ",))


def _after_answer_colon(response: str, all_choices: Sequence[str]) -> str | None:
    """MMMU-Pro's first step: the one letter in the text after the last ``Answer:``, if exactly one."""
    position = response.rfind("Answer:")
    if position == -1:
        return None
    tail = response[position + len("Answer:") :].strip()
    found = [c for c in all_choices if c in tail]
    return found[0] if len(found) == 1 else None


def parse_mmmu_pro_response(
    response: str, all_choices: Sequence[str], index2ans: Mapping[str, str], *, fallback: str
) -> str:
    """The official MMMU-Pro ``parse_multi_choice_response`` (``mmmu-pro/evaluate.py``; module docstring);
    ``fallback`` is returned where the official code draws ``random.choice(all_choices)``."""
    answer = _after_answer_colon(response, all_choices)
    if answer is not None:
        return answer
    return _parse_choice(response, all_choices, index2ans, fallback, bare_forms=("{} ", "{}."))


def _parse_choice(
    response: str,
    all_choices: Sequence[str],
    index2ans: Mapping[str, str],
    fallback: str,
    bare_forms: Sequence[str],
) -> str:
    """The shared body of both official parsers: ``(X)`` letters, else each bare letter form in turn (MMMU:
    `` X ``; MMMU-Pro: ``X `` then ``X.``), else option texts, else ``fallback``; several candidates are
    resolved by :func:`_pick`."""
    response = _padded(response)
    candidates = [c for c in all_choices if f"({c})" in response]
    bracketed = bool(candidates)
    for form in bare_forms:
        if candidates:
            break
        candidates = [c for c in all_choices if form.format(c) in response]
    by_letter = bool(candidates)
    if not candidates:
        candidates = _content_candidates(response, index2ans)
    if not candidates:
        return fallback
    return _pick(response, candidates, index2ans, by_letter=by_letter, bracketed=bracketed)


# --- open questions --------------------------------------------------------------------------------------

_COMMAS = re.compile(r"-?\b\d{1,3}(?:,\d{3})+\b")
_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")
_SIMPLE = re.compile(r"-?(?:\d+\.\d+|\.\d+|\d+\b)(?![eE][+-]?\d+)(?![,\d])")
_SENTENCES = re.compile(r"\.\s(?=[A-Z])|\n")
_INDICATORS = ("could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result ")
_TRIVIAL = frozenset({":", ",", ".", "!", "?", ";", "'"})


def extract_numbers(text: str) -> list[str]:
    """The official ``extract_numbers``: numbers with thousands commas, then in scientific notation, then
    plain ones (each kind in text order; a number can appear in two kinds)."""
    return _COMMAS.findall(text) + _SCIENTIFIC.findall(text) + _SIMPLE.findall(text)


def check_is_number(text: str) -> bool:
    """The official ``check_is_number``: ``float()`` accepts the text once its commas are removed."""
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def normalize_str(text: str) -> list[Normalized]:
    """The official ``normalize_str``: ``[round(float, 2)]`` for a number, else the lower-cased text, a
    single character ``c`` becoming ``[" c", "c "]``."""
    text = text.strip()
    if check_is_number(text):
        return [round(float(text.replace(",", "")), 2)]
    text = text.lower()
    return [" " + text, text + " "] if len(text) == 1 else [text]


def shortest_tail(line: str, indicators: Sequence[str]) -> str | None:
    """The shortest stripped text after the last occurrence of any indicator in ``line`` (None: none occurs);
    MMMU's key-response rule, shared by its CMMMU and JMMMU adaptations."""
    shortest: str | None = None
    for indicator in indicators:
        if indicator in line:
            tail = line.split(indicator)[-1].strip()
            if not shortest or len(tail) < len(shortest):
                shortest = tail
    return shortest


def _key_subresponses(response: str) -> list[str]:
    response = response.strip().strip(".").lower()
    lines = _SENTENCES.split(response)
    keys = []
    for index, line in enumerate(lines):
        indicators = _INDICATORS + ("=",) if index == len(lines) - 1 else _INDICATORS
        tail = shortest_tail(line, indicators)
        if tail and tail.strip() not in _TRIVIAL:
            keys.append(tail)
    return keys or [response]


def parse_open_response(response: str) -> list[Normalized]:
    """The official ``parse_open_response`` (module docstring): the normalised candidate answers, without
    duplicates, in the order first found (the official ``list(set(...))`` has no defined order; the
    verdict does not depend on it)."""
    keys = _key_subresponses(response)
    found = keys + [number for key in keys for number in extract_numbers(key)]
    return list(dict.fromkeys(value for text in found for value in normalize_str(text)))


# --- references and verdicts -------------------------------------------------------------------------------


def gold_answers(answer: Any) -> str | list[str]:
    """The reference as the official evaluation has it: a list for a string literal of a list of strings
    (``"['24/7', '3.429']"``), else the text."""
    if isinstance(answer, (list, tuple)):
        return [str(a) for a in answer]
    text = str(answer)
    if text.startswith("[") and text.endswith("]"):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return text
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value
    return text


def eval_multi_choice(gold: str | Sequence[str], prediction: str) -> bool:
    """The official ``eval_multi_choice``: the prediction equals the answer (or one of a list)."""
    if isinstance(gold, list):
        return prediction in gold
    return gold == prediction


def eval_open(gold: str | Sequence[str], predictions: Sequence[Normalized]) -> bool:
    """The official ``eval_open``: a float prediction equal to a normalised answer, or a normalised string
    answer contained in a string prediction."""
    answers = (
        [n for g in gold for n in normalize_str(g)] if isinstance(gold, list) else normalize_str(str(gold))
    )
    for prediction in predictions:
        if isinstance(prediction, str):
            if any(isinstance(a, str) and a in prediction for a in answers):
                return True
        elif prediction in answers:
            return True
    return False


# --- docs, extractors and the metric -----------------------------------------------------------------------


def _options(doc: Mapping[str, Any]) -> list[str]:
    """The doc's options: the ``options`` column, a list or (MMMU, MMMU-Pro) its Python literal."""
    value = doc.get("options")
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value) if value.strip() else []
        except (ValueError, SyntaxError) as exc:
            raise DataError(
                f"MMMU doc {doc.get('id')!r}: options is not a Python list: {value[:80]!r}"
            ) from exc
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def _is_multiple_choice(doc: Mapping[str, Any]) -> bool:
    return str(doc.get("question_type", _MULTIPLE_CHOICE)) == _MULTIPLE_CHOICE


def _fallback_key(doc: Mapping[str, Any]) -> str:
    return str(doc.get("id", ""))


def extract_mmmu_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``mmmu``: for a multiple-choice doc the letter read by the official MMMU rules (the seeded
    :func:`fallback_choice` where they guess); for an open doc the JSON list of the normalised candidate
    answers of :func:`parse_open_response` (``["12.5 cm", 12.5]``). Never None."""
    if not _is_multiple_choice(doc):
        return json.dumps(parse_open_response(text))
    index2ans, letters = get_multi_choice_info(_options(doc))
    if not letters:
        return ""
    fallback = fallback_choice(_fallback_key(doc), letters)
    return parse_multi_choice_response(text, letters, index2ans, fallback=fallback)


def extract_mmmu_pro_answer(text: str, doc: Mapping[str, Any]) -> str:
    """Extractor ``mmmu_pro``: the letter read by the official MMMU-Pro rules (``Answer: X`` first), the
    seeded :func:`fallback_choice` where they guess. Never None."""
    index2ans, letters = get_multi_choice_info(_options(doc))
    if not letters:
        return ""
    fallback = fallback_choice(_fallback_key(doc), letters)
    return parse_mmmu_pro_response(text, letters, index2ans, fallback=fallback)


def _open_predictions(prediction: str) -> list[Normalized]:
    """The candidates an ``mmmu`` extraction wrote as JSON; other text is parsed as a raw response."""
    try:
        value = json.loads(prediction)
    except ValueError:
        return parse_open_response(prediction)
    if isinstance(value, list) and all(isinstance(v, (str, float, int)) for v in value):
        return [v if isinstance(v, str) else float(v) for v in value]
    return parse_open_response(prediction)


def mmmu_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the official ``eval_multi_choice`` (multiple choice; MMMU-Pro) or ``eval_open`` (open MMMU
    questions, ``question_type`` other than ``multiple-choice``) accepts the extracted prediction against
    :func:`gold_answers` of the target; else 0.0."""
    if prediction is None:
        return 0.0
    gold = gold_answers(target)
    if _is_multiple_choice(doc):
        return float(eval_multi_choice(gold, prediction))
    return float(eval_open(gold, _open_predictions(prediction)))


_IMAGE_TOKEN = re.compile(r"<image (\d+)>")


def subject_of(doc_id: str) -> str:
    """The official ``extract_subset_name``: ``validation_Art_Theory_12`` -> ``Art_Theory``."""
    split = doc_id.split("_")[0]
    match = re.match(rf"^{re.escape(split)}_(.+?)_\d+$", doc_id)
    if not match:
        raise ValueError(f"not an MMMU id: {doc_id!r}")
    return match.group(1)


def _referenced_images(doc: Mapping[str, Any], options: Sequence[str]) -> list[Any]:
    """The ``image_N`` values named by ``<image N>`` in the question and options, once each, by N
    (lmms-eval 0.7.3's order); columns that are empty are left out."""
    text = "\n".join([str(doc.get("question", "")), *options])
    numbers = sorted({int(n) for n in _IMAGE_TOKEN.findall(text)})
    values = [doc.get(f"image_{n}") for n in numbers]
    return [v for v in values if v is not None]


def add_prompt_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of MMMU and MMMU-Pro (standard): each doc with ``option_list`` (the parsed
    ``options``), ``images`` (:func:`_referenced_images`), ``subject`` (kept when the data has it, else
    from the id) and ``domain`` (its discipline, ``Unknown`` for a subject outside the official table)."""
    out = []
    for doc in docs:
        options = _options(doc)
        subject = str(doc.get("subject") or subject_of(str(doc["id"])))
        out.append(
            {
                **doc,
                "option_list": options,
                "images": _referenced_images(doc, options),
                "subject": subject,
                "domain": _DOMAIN_OF.get(subject, "Unknown"),
            }
        )
    return out
