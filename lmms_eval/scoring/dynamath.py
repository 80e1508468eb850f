"""DynaMath's official rule-based scoring, with its average-case and worst-case accuracy.

Official source: github.com/DynaMath/DynaMath@598c3c3d732422d29580e9ecf8f2a7928a068fdd,
``evaluation/opensource_json_eval.py`` (the evaluation of open models; the GPT-4o/Claude/Gemini scripts apply
the same rules to a JSON-mode reply). The model is asked for a JSON object with a "solution" and a "short
answer"; the response is read as follows (a port of the script's ``preprocess``, ``transfer`` and loop body):

1. ``preprocess``: cut the response to the span from its first "{" to its last "}" and remove every
   backslash (so a JSON escape such as "\\u03c0" for π becomes the text "u03c0", which does not parse);
   the response is kept as it is when there is no such span (or when the cutting reaches a single
   character, e.g. "a{" or "{x"), or is empty.
2. ``json.loads(..., strict=False)``; when that fails, the short answer is the response's last line without
   its last character (the whole text, when the response had no braces).
3. The short answer is ``str(reply.get("short answer"))`` ("None" when the key is missing); a reply that is
   JSON but not an object (a number, a list, a string) is wrong.
4. By the question's ``answer_type``:
   - ``float``: unless the answer is all digits, its text up to the first space, with "<x>π" read as
     x * pi; right when within 0.001 of the ground truth (so "π" alone, " 3.14" with a leading space,
     "2,000" are wrong, "2π" is 6.283...);
   - ``multiple choice``: a one-character answer must equal the ground truth; a longer one is right when the
     ground truth occurs in its first three characters ("(A)" and "A) 12" count, so does "BA" for A);
   - anything else (free form): right when the ground truth is a substring of the answer (case-sensitive).
   Any error on the way (a number that does not parse, ...) makes the answer wrong.

DynaMath generates each of its 501 seed questions in 10 variants (5,010 questions). Average-case accuracy is
the share of right answers over all of them; worst-case accuracy the share of seed questions whose 10
variants are all right. The latter is :func:`lmms_eval.scoring.aggregations.group_all_correct` over the seed
id with the per-sample code ``2 * variant + correct`` (:func:`dynamath_variant_code`), so a bootstrap
resamples whole seed questions (run with ``cluster_key`` set to the seed).

Differences from lmms-eval 0.7.3 (``dynamath_reasoning``): it asks for <think>/<answer> tags with a system
prompt and scores with its reasoning reward ``compute_score``; here the official prompt and rules are used.

``tests/scoring/fixtures/dynamath_official_cases.jsonl`` holds the official code's verdicts on messy
responses; ``tests/scoring/test_dynamath.py`` requires :func:`dynamath_correct` to agree on every one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

NOT_AN_OBJECT = object()


def preprocess(text: str) -> str:
    """The official ``preprocess``: the "{...}" span of the response without backslashes, else the text."""
    if text == "":
        return text
    span = text
    try:
        while span[0] != "{":
            span = span[1:]
            if len(span) == 1:
                return text
        while span[-1] != "}":
            span = span[:-1]
            if len(span) == 1:
                return text
    except IndexError:  # the official script's try/except around preprocess keeps the response
        return text
    return span.replace("\\", "")


def read_reply(text: str) -> Any:
    """The reply as the official script reads it: a JSON value, or its fallback dict."""
    description = preprocess(text)
    try:
        return json.loads(description, strict=False)
    except Exception:  # the official bare except
        return {"solution": description, "short answer": description.split("\n")[-1][:-1]}


def extract_dynamath_answer(text: str, doc: Mapping[str, Any] | None = None) -> str | None:
    """The short answer (``str(reply.get("short answer"))``), or None when the reply is not a JSON object."""
    reply = read_reply(text)
    if not isinstance(reply, dict):
        return None
    return str(reply.get("short answer"))


def _to_float(answer: str) -> float:
    """The official ``transfer`` after the split at the first space (all-digit answers go to float as is)."""
    if not answer.isdigit():
        answer = answer.split(" ")[0]
        if "\u03c0" in answer:
            return float(answer.split("\u03c0")[0]) * math.pi
    return float(answer)


def is_correct(answer: str, ground_truth: Any, answer_type: Any) -> bool:
    """The official decision for one short answer."""
    try:
        if answer_type == "float":
            return abs(_to_float(answer) - float(ground_truth)) <= 0.001
        if answer_type == "multiple choice":
            return bool(answer == ground_truth) if len(answer) == 1 else ground_truth in answer[0:3]
        return bool(ground_truth in answer)
    except Exception:  # the official bare except: "fail"
        return False


def dynamath_correct(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """1.0 when the short answer (from the ``dynamath`` extractor) is right for the doc's answer_type."""
    if prediction is None:
        return 0.0
    return float(is_correct(prediction, target, doc.get("answer_type")))


def dynamath_variant_code(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """``2 * variant + correct``: the member code of ``group_all_correct`` over the seed question."""
    return 2.0 * int(doc["variant"]) + dynamath_correct(prediction, target, doc)


def add_variant_keys(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: each doc with ``seed`` (its seed question, the ``id`` column shared by the variants)
    and ``variant`` (0, 1, ...: its place among the docs of that seed, in dataset order)."""
    seen: dict[str, int] = {}
    out = []
    for doc in docs:
        seed = str(doc["id"])
        variant = seen.get(seed, 0)
        seen[seed] = variant + 1
        out.append({**doc, "seed": seed, "variant": variant})
    return out
