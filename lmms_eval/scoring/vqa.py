"""VQA accuracy: the official answer normalization and the leave-one-out soft accuracy over ten human answers.

Three protocols share the answer-processing rules of the VQA evaluation and differ in where they apply them:

- :func:`vqa_accuracy` - VQA v2 (Antol et al., 2015; Goyal et al., 2017), re-implemented from
  ``PythonEvaluationTools/vqaEvaluation/vqaEval.py`` (``VQAEval.evaluate``, ``processPunctuation``,
  ``processDigitArticle``) of https://github.com/GT-Vision-Lab/VQA at commit
  a013f0043c1e2cdc995922dfe257f7149aa9af06 (the official code is Python 2). Used by VQAv2 and OK-VQA.
- :func:`textvqa_accuracy` - TextVQA (Singh et al., 2019), re-implemented from ``TextVQAAccuracyEvaluator``
  and ``EvalAIAnswerProcessor`` in ``mmf/utils/m4c_evaluators.py`` of https://github.com/facebookresearch/mmf
  (file at commit 2dc099af7ce267561e4c2ae033c27eb36be5b3ea), the TextVQA authors' evaluator.
- :func:`vizwiz_accuracy` - VizWiz-VQA (Gurari et al., 2018): the evaluation of the VizWiz API example code
  (vizwiz.org, ``VQAEval.evaluate`` by Qing Li, derived from the VQA code): only the prediction is processed,
  always; the human answers are compared as given. No pinned public copy of that code was found, so this one
  is checked by hand cases only; the copies seen write most apostrophes of its contraction table as ``’``
  (``dont`` -> ``don’t``), which would only matter for contraction-less predictions; the VQA table is used.

Answer processing (:func:`normalize_vqa`), in the official order:

1. ``\\n`` and ``\\t`` become spaces, then the answer is stripped;
2. punctuation (:func:`vqa_process_punctuation`): each of ``; / [ ] " { } ( ) = + \\ _ - > < @ ` , ? !`` (in
   that order) is deleted when the *original* answer has it next to a space (``"p "`` or ``" p"``) or holds a
   digit-comma-digit group (``1,000``), otherwise replaced by a space; then every period not followed by a
   digit is removed, at most 32 of them (the official ``re.sub`` call passes ``re.UNICODE``, i.e. 32, as its
   ``count``). Digits are ASCII ``0-9``: the official Python 2 patterns are compiled without ``re.UNICODE``;
3. digits and articles (:func:`vqa_process_digit_article`): lower-case, split on whitespace, ``none``/
   ``zero``..``ten`` become ``0``..``10``, ``a``/``an``/``the`` are dropped, then apostrophe-less contractions
   get their apostrophe (``dont`` -> ``don't``), and the words are joined with single spaces.

Quirks kept on purpose (VQA v2): when the ten human answers are all the same string (after step 1), neither
they nor the prediction are processed beyond step 1, so ``"Yes"`` scores 0 against ten ``"yes"`` while it
scores 1.0 against nine ``"yes"`` and one ``"no"``; an answer is left out by position (the official code
compares answer records, whose ids are unique); the official contraction table's capitalised keys
(``Im``, ``Ive``, ``Id've``, ``I'dve``) can never match a lower-cased word; it maps ``somebody'd`` to
``somebodyd``; a single human answer always scores 0 (nothing is left after leaving it out).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "answer_texts",
    "leave_one_out_accuracy",
    "normalize_textvqa",
    "normalize_vqa",
    "textvqa_accuracy",
    "vizwiz_accuracy",
    "vqa_accuracy",
    "vqa_process_digit_article",
    "vqa_process_punctuation",
]

# --- the official tables ---------------------------------------------------------------------------------

NUMBER_WORDS = {
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
ARTICLES = frozenset({"a", "an", "the"})

# ``written form:contraction`` pairs of the official table, in its order.
_CONTRACTION_PAIRS = """
aint:ain't arent:aren't cant:can't couldve:could've couldnt:couldn't couldn'tve:couldn't've
couldnt've:couldn't've didnt:didn't doesnt:doesn't dont:don't hadnt:hadn't hadnt've:hadn't've
hadn'tve:hadn't've hasnt:hasn't havent:haven't hed:he'd hed've:he'd've he'dve:he'd've hes:he's
howd:how'd howll:how'll hows:how's Id've:I'd've I'dve:I'd've Im:I'm Ive:I've isnt:isn't itd:it'd
itd've:it'd've it'dve:it'd've itll:it'll let's:let's maam:ma'am mightnt:mightn't mightnt've:mightn't've
mightn'tve:mightn't've mightve:might've mustnt:mustn't mustve:must've neednt:needn't notve:not've
oclock:o'clock oughtnt:oughtn't ow's'at:'ow's'at 'ows'at:'ow's'at 'ow'sat:'ow's'at shant:shan't
shed've:she'd've she'dve:she'd've she's:she's shouldve:should've shouldnt:shouldn't
shouldnt've:shouldn't've shouldn'tve:shouldn't've somebody'd:somebodyd somebodyd've:somebody'd've
somebody'dve:somebody'd've somebodyll:somebody'll somebodys:somebody's someoned:someone'd
someoned've:someone'd've someone'dve:someone'd've someonell:someone'll someones:someone's
somethingd:something'd somethingd've:something'd've something'dve:something'd've somethingll:something'll
thats:that's thered:there'd thered've:there'd've there'dve:there'd've therere:there're theres:there's
theyd:they'd theyd've:they'd've they'dve:they'd've theyll:they'll theyre:they're theyve:they've
twas:'twas wasnt:wasn't wed've:we'd've we'dve:we'd've weve:we've werent:weren't whatll:what'll
whatre:what're whats:what's whatve:what've whens:when's whered:where'd wheres:where's whereve:where've
whod:who'd whod've:who'd've who'dve:who'd've wholl:who'll whos:who's whove:who've whyll:why'll
whyre:why're whys:why's wont:won't wouldve:would've wouldnt:wouldn't wouldnt've:wouldn't've
wouldn'tve:wouldn't've yall:y'all yall'll:y'all'll y'allll:y'all'll yall'd've:y'all'd've
y'alld've:y'all'd've y'all'dve:y'all'd've youd:you'd youd've:you'd've you'dve:you'd've youll:you'll
youre:you're youve:you've
"""
CONTRACTIONS: dict[str, str] = dict(pair.split(":", 1) for pair in _CONTRACTION_PAIRS.split())

PUNCTUATION = tuple(';/[]"{}()=+\\_-><@`,?!')  # in the official order
_DIGIT_COMMA_DIGIT = re.compile(r"[0-9],[0-9]")  # VQA: commaStrip (Python 2, ASCII digits)
_DIGIT_COMMAS_DIGIT = re.compile(r"(?<=\d)(,)+(?=\d)")  # TextVQA: COMMA_STRIP (Python 3, Unicode digits)
_PERIOD_VQA = re.compile(r"\.(?![0-9])")
_PERIOD_TEXTVQA = re.compile(r"\.(?!\d)")
_MAX_PERIODS = 32  # re.UNICODE passed as re.sub's count


# --- answer processing -----------------------------------------------------------------------------------


def _punctuation(text: str, number_comma: re.Pattern[str], period: re.Pattern[str]) -> str:
    delete_all = number_comma.search(text) is not None
    out = text
    for p in PUNCTUATION:
        delete = delete_all or (p + " ") in text or (" " + p) in text
        out = out.replace(p, "" if delete else " ")
    return period.sub("", out, count=_MAX_PERIODS)


def vqa_process_punctuation(text: str) -> str:
    """The official ``processPunctuation`` (module docstring, step 2)."""
    return _punctuation(text, _DIGIT_COMMA_DIGIT, _PERIOD_VQA)


def vqa_process_digit_article(text: str) -> str:
    """The official ``processDigitArticle`` (module docstring, step 3)."""
    words = [NUMBER_WORDS.get(w, w) for w in text.lower().split()]
    return " ".join(CONTRACTIONS.get(w, w) for w in words if w not in ARTICLES)


def _clean_whitespace(text: str) -> str:
    return text.replace("\n", " ").replace("\t", " ").strip()


def normalize_vqa(text: str) -> str:
    """Steps 1-3 of the module docstring: the full VQA answer processing."""
    return vqa_process_digit_article(vqa_process_punctuation(_clean_whitespace(text)))


def normalize_textvqa(text: str) -> str:
    """``EvalAIAnswerProcessor.__call__`` (TextVQA): first lower-case, delete every ``,`` and ``?``, write
    ``'s`` as `` 's`` and strip; then steps 1-3 (with Unicode digits, as it runs on Python 3). As commas are
    already gone, its digit-comma-digit rule never fires: ``1,000`` becomes ``1000``."""
    text = text.lower().replace(",", "").replace("?", "").replace("'s", " 's").strip()
    text = _punctuation(_clean_whitespace(text), _DIGIT_COMMAS_DIGIT, _PERIOD_TEXTVQA)
    return vqa_process_digit_article(text)


# --- scores ------------------------------------------------------------------------------------------------


def answer_texts(target: Any) -> list[str]:
    """The human answers: a list of strings, or of ``{"answer": ...}`` records (VQAv2's hub schema); a
    single string is one answer, None none."""
    if target is None:
        return []
    items = target if isinstance(target, (list, tuple)) else [target]
    return [str(a["answer"]) if isinstance(a, Mapping) else str(a) for a in items if a is not None]


def leave_one_out_accuracy(prediction: str, answers: Sequence[str]) -> float:
    """``mean over i of min(1, #{j != i : answers[j] == prediction} / 3)``, summed in answer order as the
    official code does (so 0.9 can come out as 0.8999999999999998, exactly as there); 0.0 without answers."""
    if not answers:
        return 0.0
    matches = sum(a == prediction for a in answers)
    per_answer = [min(1, float(matches - (a == prediction)) / 3) for a in answers]
    return float(sum(per_answer)) / len(per_answer)


def vqa_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """VQA v2 accuracy of one question (``VQAEval.evaluate``): ``target`` holds the human answers (strings or
    ``{"answer": ...}`` records). Both sides get step 1; steps 2-3 only when the answers are not all the same
    string. A None prediction (nothing extracted) scores 0.0."""
    if prediction is None:
        return 0.0
    answers = [_clean_whitespace(a) for a in answer_texts(target)]
    pred = _clean_whitespace(prediction)
    if len(set(answers)) > 1:
        answers = [vqa_process_digit_article(vqa_process_punctuation(a)) for a in answers]
        pred = vqa_process_digit_article(vqa_process_punctuation(pred))
    return leave_one_out_accuracy(pred, answers)


def textvqa_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """TextVQA accuracy of one question (``TextVQAAccuracyEvaluator``): the prediction and every human answer
    are processed by :func:`normalize_textvqa`, always; then the leave-one-out accuracy. (The official code
    asserts ten answers; any number is accepted here.)"""
    if prediction is None:
        return 0.0
    return leave_one_out_accuracy(
        normalize_textvqa(prediction), [normalize_textvqa(a) for a in answer_texts(target)]
    )


def vizwiz_accuracy(prediction: str | None, target: Any, doc: Mapping[str, Any]) -> float:
    """VizWiz-VQA accuracy of one question: the prediction gets the full processing (:func:`normalize_vqa`),
    always; the human answers are compared as given (VizWiz's answers are already in processed form, e.g.
    ``unanswerable``)."""
    if prediction is None:
        return 0.0
    return leave_one_out_accuracy(normalize_vqa(prediction), answer_texts(target))
