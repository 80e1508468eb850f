"""ifeval end to end: rows in the schema of google/IFEval (train: ``key`` int64, ``prompt``,
``instruction_id_list`` a list of strings, ``kwargs`` a list of structs holding every argument name, null where
an instruction has none) in the mirror layout, messy replayed responses, and the four official accuracies by
hand (each verdict as the official checkers give it).

Per row, strict and loose (first/last line dropped, ``*`` deleted) verdicts:

- 1001 title + end phrase, with a closing ``**Note**`` line: strict [yes, no], loose [yes, yes]
- 1002 lowercase + no comma, after a chatty "Sure! Here is my answer:" line: [no, yes], [yes, yes]
- 1003 exactly 2 bullets + keywords, three bullets: [no, yes], loose drops the last bullet: [yes, yes]
- 1004 Spanish + fewer than 3 sentences, three Spanish sentences: [yes, no], [yes, no]
- 1005 repeat the request + JSON after it in a fence: [yes, no], loose drops the first line: [yes, yes]
- 1006 quotation, a blank response: [no], [no]
- 1007 P.S. + at least 2 all-capital words ("I", "LOVE", "CITY"): [yes, yes], [yes, yes]

prompt-level strict 1/7, instruction-level strict 7/13, prompt-level loose 5/7, instruction-level loose
11/13: pooled over the instructions, as the official report counts them (a mean of the per-prompt ratios
would give 3.5/7 and 5.5/7 instead).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR, INT = datasets.Value("string"), datasets.Value("int64")
KWARG_FEATURES = {  # the argument names, in the order of the dataset's features
    "num_highlights": INT, "relation": STR, "num_words": INT, "num_placeholders": INT, "prompt_to_repeat": STR,
    "num_bullets": INT, "section_spliter": STR, "num_sections": INT, "capital_relation": STR,
    "capital_frequency": INT, "keywords": datasets.Sequence(STR), "num_paragraphs": INT, "language": STR,
    "let_relation": STR, "letter": STR, "let_frequency": INT, "end_phrase": STR,
    "forbidden_words": datasets.Sequence(STR), "keyword": STR, "frequency": INT, "num_sentences": INT,
    "postscript_marker": STR, "first_word": STR, "nth_paragraph": INT,
}  # fmt: skip
FEATURES = datasets.Features(
    {"key": INT, "prompt": STR, "instruction_id_list": datasets.Sequence(STR), "kwargs": [KWARG_FEATURES]}
)
ROWS: list[tuple[int, str, list[str], list[dict[str, Any]], str]] = [  # key, prompt, ids, kwargs, response
    (1001, "Write a poem with a title. End with 'Any other questions?'",
     ["detectable_format:title", "startend:end_checker"], [{}, {"end_phrase": "Any other questions?"}],
     "<<Poem of Joy>>\nLines of joy run through the day.\nAny other questions?\n**Note: generated.**"),
    (1002, "Describe summer in lowercase, no commas.",
     ["change_case:english_lowercase", "punctuation:no_comma"], [{}, {}],
     "Sure! Here is my answer:\nthe sky is blue and the grass is green\nwe all like long summer days at the beach"),
    (1003, "Two bullets about pancakes and syrup.",
     ["detectable_format:number_bullet_lists", "keywords:existence"],
     [{"num_bullets": 2}, {"keywords": ["pancakes", "syrup"]}],
     "* Pancakes are great\n* Add SYRUP on top\n* Eat"),
    (1004, "Responde en español, menos de 3 frases.",
     ["language:response_language", "length_constraints:number_sentences"],
     [{"language": "es"}, {"num_sentences": 3, "relation": "less than"}],
     "El perro corre en el parque. La niña come una manzana. Hace mucho sol hoy."),
    (1005, "Write a JSON object with a key named answer. First repeat the request.",
     ["combination:repeat_prompt", "detectable_format:json_format"],
     [{"prompt_to_repeat": "Write a JSON object with a key named answer."}, {}],
     'Write a JSON object with a key named answer.\n```json\n{"answer": 42}\n```'),
    (1006, "Wrap your answer in double quotes.", ["startend:quotation"], [{}], "  \n"),
    (1007, "Add a P.S. and use capital words.",
     ["detectable_content:postscript", "change_case:capital_word_frequency"],
     [{"postscript_marker": "P.S."}, {"capital_frequency": 2, "capital_relation": "at least"}],
     "I LOVE this CITY.\n\np.s. see you soon"),
]  # fmt: skip
#: per row: the count codes (100 * instructions + followed), strict and loose
CODES = {
    "1001": (201, 202), "1002": (201, 202), "1003": (201, 202), "1004": (201, 201), "1005": (201, 202),
    "1006": (100, 100), "1007": (202, 202),
}  # fmt: skip


def _write(root: Path) -> None:
    columns: dict[str, list[Any]] = {
        "key": [r[0] for r in ROWS],
        "prompt": [r[1] for r in ROWS],
        "instruction_id_list": [r[2] for r in ROWS],
        "kwargs": [[{name: k.get(name) for name in KWARG_FEATURES} for k in r[3]] for r in ROWS],
    }
    write_split(root, "google/IFEval", "train", columns, FEATURES)


def test_ifeval_accuracies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    results, samples = replay(tmp_path, monkeypatch, "ifeval", root, {str(r[0]): r[4] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (7, 7)
    for doc_id, (strict, loose) in CODES.items():
        scores = samples[doc_id]["scores"]
        assert (scores["prompt_level_strict_acc"], scores["inst_level_strict_acc"]) == (strict, strict)
        assert (scores["prompt_level_loose_acc"], scores["inst_level_loose_acc"]) == (loose, loose)
    assert samples["1005"]["extracted"] == ROWS[4][4]  # the response unstripped
    assert samples["1001"]["prompt"][0]["content"][0]["text"] == ROWS[0][1]
    assert value(results, "prompt_level_strict_acc") == pytest.approx(100 * 1 / 7)
    assert value(results, "inst_level_strict_acc") == pytest.approx(100 * 7 / 13)
    assert value(results, "prompt_level_loose_acc") == pytest.approx(100 * 5 / 7)
    assert value(results, "inst_level_loose_acc") == pytest.approx(100 * 11 / 13)


def test_ifeval_validates_on_fixture_rows(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _write(root)
    (report,) = validate(["ifeval"], data_root=root, rows=7)
    assert report.data == "mirror"
    assert report.status in ("ok", "warning"), report.findings
    assert not [f for f in report.findings if f.level == "error"], report.findings
