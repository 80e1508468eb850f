"""MathVista (Lu et al., 2024, "MathVista: Evaluating Mathematical Reasoning of Foundation Models in Visual
Contexts"): the rule-based part of the official evaluation, re-implemented from ``evaluation/extract_answer.py``
(``extract_answer``) and ``evaluation/calculate_score.py`` (``normalize_extracted_answer``,
``get_most_similar``, ``safe_equal``, ``get_acc_with_contion``) of https://github.com/lupantech/MathVista at
commit 53d525874bdde205128e6b160b7357a88277d479 (``extract_answer`` unchanged since 6ea75de, the scoring
functions since e999481).

Extraction (:func:`quick_extraction`, then :func:`extract_mathvista_answer`), in the official order, on the
response exactly as the model gave it (not stripped):

1. an empty response gives ``""``;
2. a multiple-choice question whose response *is* one of the choices (exact string) gives that response;
3. an ``integer`` answer: ``str(int(response))`` when Python's ``int()`` accepts it (surrounding whitespace,
   ``+7``, ``1_000`` and non-ASCII digits such as ``７`` or ``٧`` are accepted; ``7.0`` and ``1e3`` are not);
4. a ``float`` answer: ``str(float(response))`` when ``float()`` accepts it (also ``inf``, ``nan``, ``1e3``);
5. with ``quick_extract`` (the official ``--quick_extract`` flag, off by default): the group of
   ``The answer is "(.*)"\\.`` (first match, greedy, within one line);
6. otherwise the official code asks its GPT extractor. That is not done here: the result is what the
   official ``extract_answer`` returns when the extractor call fails, ``""``. So a bare option letter
   (``B``), ``(B)``, ``The answer is 12.``, ``12 apples`` or any reasoning is **not** read by these rules.
   The LLM extractor arrives with the judge; until then this is a lower bound of the official score.

Normalisation (:func:`normalize_extracted_answer`, the official function, on the extraction and the doc's
``choices``, ``question_type``, ``answer_type``, ``precision``):

- multiple choice: strip; an empty extraction is ``None`` only with ``ignore_empty_extractions`` (the
  official flag, off by default); the first ``(x)`` letter found anywhere becomes ``X`` (upper-cased); a
  letter A.. naming an option becomes that option's text; anything else becomes the option with the
  smallest Levenshtein distance (first on ties). Hence the official quirk kept here: an empty extraction
  (step 6) becomes the **shortest** option (distance to ``""`` is the length), which is right whenever the
  answer is the shortest option; and an exact option text containing ``(a)`` is re-read as option A;
- ``integer``: ``str(int(float(x)))`` (``12.7`` -> ``12``), else ``None``;
- ``float``: ``str(round(float(x), int(precision)))`` (Python's rounding of binary floats: ``2.675`` ->
  ``2.67``; ``1`` -> ``1.0``), else ``None``;
- ``list``: ``str(x)``.

Matching (:func:`safe_equal`): the official ``prediction == answer`` (the calculate_score.py version; lmms-eval
0.7.3 compares ``str().strip()`` of both instead). Accuracy is the share of true results; the official
breakdowns are per ``question_type``, ``answer_type`` and the ``metadata`` fields ``language``, ``source``,
``category``, ``task``, ``context``, ``grade`` and ``skills`` (a doc counts for each of its skills), which
:func:`add_breakdown_fields` lays out as columns.

Differences from lmms-eval 0.7.3's copy (``tasks/mathvista/mathvista_evals.py``), where the official code is
followed: 0.7.3 strips the response first, calls ``round(x, precision)`` with the dataset's float precision
(a ``TypeError``, so every ``float`` question scores 0 there), and compares with ``str().strip()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lmms_eval.scoring.anls import levenshtein  # the edit distance of Levenshtein.distance

__all__ = [
    "SKILLS",
    "add_breakdown_fields",
    "extract_mathvista_answer",
    "levenshtein",
    "mathvista_accuracy",
    "normalize_extracted_answer",
    "normalize_mathvista_answer",
    "quick_extraction",
    "safe_equal",
]

_QUICK = re.compile(r'The answer is "(.*)"\.')
_LETTER_IN_PARENS = re.compile(r"\(([a-zA-Z])\)")

#: the seven skills of MathVista's metadata (a doc has one or more)
SKILLS = (
    "algebraic reasoning",
    "arithmetic reasoning",
    "geometry reasoning",
    "logical reasoning",
    "numeric commonsense",
    "scientific reasoning",
    "statistical reasoning",
)
_METADATA_FIELDS = ("language", "source", "category", "task", "context", "grade")


# --- extraction ---------------------------------------------------------------------------------------------


def _int_text(text: str) -> str | None:
    try:
        return str(int(text))
    except ValueError:
        return None


def _float_text(text: str) -> str | None:
    try:
        return str(float(text))
    except ValueError:
        return None


def quick_extraction(response: str, doc: Mapping[str, Any], *, quick_extract: bool = False) -> str | None:
    """The official ``extract_answer`` before its GPT call (module docstring, steps 1-5); None where the
    official code would ask the GPT extractor."""
    if response == "":
        return ""
    choices = doc.get("choices") or []
    if doc.get("question_type") == "multi_choice" and response in choices:
        return response
    answer_type = doc.get("answer_type")
    if answer_type == "integer" and (found := _int_text(response)) is not None:
        return found
    if answer_type == "float" and (found := _float_text(response)) is not None:
        return found
    if quick_extract and (match := _QUICK.search(response)):
        return match.group(1)
    return None


def extract_mathvista_answer(text: str, doc: Mapping[str, Any], *, quick_extract: bool = False) -> str:
    """Extractor ``mathvista``: the official extraction by rules, ``""`` (the official result of a failed GPT
    extraction) where the rules find nothing. Never None: the normalisation decides what ``""`` becomes."""
    found = quick_extraction(text, doc, quick_extract=quick_extract)
    return "" if found is None else found


# --- normalisation ------------------------------------------------------------------------------------------


def _most_similar(prediction: str, choices: Sequence[str]) -> str:
    """The official ``get_most_similar``: the choice at the smallest distance, the first one on ties."""
    distances = [levenshtein(prediction, choice) for choice in choices]
    return choices[distances.index(min(distances))]


def _normalize_choice(extraction: Any, choices: Sequence[str], ignore_empty: bool) -> str | None:
    text = extraction.strip() if isinstance(extraction, str) else str(extraction)
    if ignore_empty and not text:
        return None
    letters = _LETTER_IN_PARENS.findall(text)
    if letters:
        text = letters[0].upper()
    options = [chr(ord("A") + i) for i in range(len(choices))]
    if text in options:
        return choices[options.index(text)]
    return _most_similar(text, choices)


def normalize_extracted_answer(
    extraction: Any,
    choices: Sequence[str] | None,
    question_type: str,
    answer_type: str,
    precision: Any,
    ignore_empty_extractions: bool = False,
) -> str | None:
    """The official ``normalize_extracted_answer`` (module docstring); None where the official code gives None
    (and for an ``answer_type`` it does not know, where it would raise)."""
    if question_type == "multi_choice":
        return _normalize_choice(extraction, list(choices or []), ignore_empty_extractions)
    try:
        if answer_type == "integer":
            return str(int(float(extraction)))
        if answer_type == "float":
            return str(round(float(extraction), int(precision)))
        if answer_type == "list":
            return str(extraction)
    except (TypeError, ValueError, OverflowError):
        return None
    return None


def normalize_mathvista_answer(
    text: str, doc: Mapping[str, Any], *, ignore_empty_extractions: bool = False
) -> str | None:
    """Extractor ``mathvista_normalize`` (after ``mathvista``): :func:`normalize_extracted_answer` with the
    doc's choices, types and precision."""
    return normalize_extracted_answer(
        text,
        doc.get("choices"),
        str(doc.get("question_type")),
        str(doc.get("answer_type")),
        doc.get("precision"),
        ignore_empty_extractions=ignore_empty_extractions,
    )


# --- matching -----------------------------------------------------------------------------------------------


def safe_equal(prediction: Any, answer: Any) -> bool:
    """The official ``safe_equal``: ``prediction == answer``."""
    return bool(prediction == answer)


def mathvista_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """Metric ``mathvista_accuracy``: 1.0 when the normalised prediction equals the answer (``target``), as the
    official ``safe_equal``; a list of targets is accepted if any is equal."""
    if prediction is None:
        return 0.0
    targets = target if isinstance(target, (list, tuple)) else [target]
    return float(any(safe_equal(prediction, t) for t in targets))


# --- breakdown ----------------------------------------------------------------------------------------------


def skill_column(skill: str) -> str:
    """The column marking one skill: ``skill_arithmetic_reasoning`` ("yes"/"no")."""
    return "skill_" + skill.replace(" ", "_")


def add_breakdown_fields(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of MathVista: each doc with the official breakdown fields of its ``metadata`` as
    columns (``language``, ``source``, ``category``, ``task``, ``context``, ``grade``) and, for each of the
    seven :data:`SKILLS`, a column ``skill_<name>`` holding "yes" when the doc has that skill, else "no"
    (the official per-skill accuracy is the "yes" group of each)."""
    out = []
    for doc in docs:
        meta = doc.get("metadata") or {}
        skills = set(meta.get("skills") or [])
        fields = {key: meta.get(key) for key in _METADATA_FIELDS}
        marks = {skill_column(s): "yes" if s in skills else "no" for s in SKILLS}
        out.append({**doc, **fields, **marks})
    return out
