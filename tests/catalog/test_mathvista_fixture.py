"""mathvista_testmini_{format,cot,solution} end to end: real testmini problems (questions, choices, answers
and metadata from the MathVista repository's data/testmini.json; tiny generated images) in the schema of
AI4Math/MathVista (testmini) in the mirror layout, messy replayed answers, accuracy and the official
breakdowns computed by hand with the official rules (lmms_eval/scoring/mathvista.py), and lmms-eval 0.7.3's
prompts. (The three prompt templates were also compared, once, outside the repository, with 0.7.3's
``create_one_query`` on all 1,000 testmini problems: identical.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.prompt import render_template

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "pid": STR, "question": STR, "image": STR, "decoded_image": datasets.Image(),
        "choices": datasets.Sequence(STR), "unit": STR, "precision": datasets.Value("float64"), "answer": STR,
        "question_type": STR, "answer_type": STR,
        "metadata": {
            "category": STR, "context": STR, "grade": STR, "img_height": datasets.Value("int64"),
            "img_width": datasets.Value("int64"), "language": STR, "skills": datasets.Sequence(STR), "source": STR,
            "split": STR, "task": STR,
        },
        "query": STR,
    }
)  # fmt: skip


def _meta(
    language: str, source: str, category: str, task: str, context: str, grade: str, skills: list[str]
) -> dict[str, Any]:
    return {"category": category, "context": context, "grade": grade, "img_height": 8, "img_width": 8,
            "language": language, "skills": skills, "source": source, "split": "testmini", "task": task}  # fmt: skip


GEO, ALG, NUM, ARI, STAT = ("geometry reasoning", "algebraic reasoning", "numeric commonsense",
                            "arithmetic reasoning", "statistical reasoning")  # fmt: skip
# (pid, question, choices, unit, precision, answer, question_type, answer_type, metadata, response, correct)
ROWS = [
    ("3", "△ABC的两内角平分线OB、OC相交于点O，若∠A＝110°，则∠BOC＝（）", ["135°", "140°", "145°", "150°"], None, None,
     "145°", "multi_choice", "text",
     _meta("chinese", "GeoQA+", "math-targeted-vqa", "geometry problem solving", "geometry diagram", "high school", [GEO, ALG]),
     "145°", 1.0),  # the response is an option
    ("7", "What time is shown? Answer by typing a time word, not a number. It is (_) after eight.",
     ["half", "quarter", "o'clock", "quarter to", "quarter past"], None, None, "quarter", "multi_choice", "text",
     _meta("english", "IconQA", "math-targeted-vqa", "math word problem", "abstract scene", "elementary school", [NUM]),
     "B", 0.0),  # a letter needs the GPT extractor: "" -> the shortest option, "half"
    ("5", "Find $m\\angle H$", ["97", "102", "107", "122"], None, None, "97", "multi_choice", "text",
     _meta("english", "Geometry3K", "math-targeted-vqa", "geometry problem solving", "geometry diagram", "high school", [GEO, ALG]),
     "The answer is (A) 97.", 1.0),  # unread too, but "" -> the shortest option is the answer (official quirk)
    ("2", "what is the total volume of the measuring cup?", None, "g", None, "1000", "free_form", "integer",
     _meta("english", "TextVQA", "general-vqa", "visual question answering", "natural image", "not applicable", [NUM, ARI]),
     " 1000\n", 1.0),  # int() accepts surrounding whitespace
    ("4", "Subtract all large rubber spheres. Subtract all big shiny cylinders. How many objects are left?", None, None,
     None, "4", "free_form", "integer",
     _meta("english", "CLEVR-Math", "math-targeted-vqa", "math word problem", "synthetic scene", "elementary school", [GEO, ARI]),
     "4.0", 0.0),  # int("4.0") fails, and "" is not an integer
    ("74", "What is the difference of largest and smallest bar?", None, None, 1.0, "47.6", "free_form", "float",
     _meta("english", "ChartQA", "general-vqa", "figure question answering", "bar chart", "not applicable", [ARI, STAT]),
     "47.58", 1.0),  # rounded to the precision, 1 decimal
    ("506", "Between which two years does the line  graph saw its maximum peak?", None, None, None, "[2014, 2016]",
     "free_form", "list",
     _meta("english", "ChartQA", "general-vqa", "figure question answering", "line plot", "not applicable", [STAT]),
     "[2014, 2016]", 0.0),  # no rule reads a list: needs the GPT extractor
]  # fmt: skip
COLORS = ["red", "green", "blue", "white", "black", "yellow", "gray"]


def _write(root: Path) -> None:
    write_split(
        root,
        "AI4Math/MathVista",
        "testmini",
        {
            "pid": [r[0] for r in ROWS], "question": [r[1] for r in ROWS], "image": [f"images/{r[0]}.jpg" for r in ROWS],
            "decoded_image": [image(c) for c in COLORS], "choices": [r[2] for r in ROWS], "unit": [r[3] for r in ROWS],
            "precision": [r[4] for r in ROWS], "answer": [r[5] for r in ROWS], "question_type": [r[6] for r in ROWS],
            "answer_type": [r[7] for r in ROWS], "metadata": [r[8] for r in ROWS],
            "query": [f"Question: {r[1]}" for r in ROWS],
        },
        FEATURES,
    )  # fmt: skip


PROMPT_7 = {  # lmms-eval 0.7.3's query of pid 7 under each prompt
    "mathvista_testmini_format": (
        "What time is shown? Answer by typing a time word, not a number. It is (_) after eight.\n"
        "A. half\nB. quarter\nC. o'clock\nD. quarter to\nE. quarter past\n"
        "Answer with the option's letter from the given choices directly."
    ),
    "mathvista_testmini_cot": (
        "Question: What time is shown? Answer by typing a time word, not a number. It is (_) after eight.\n"
        "Choices:\n(A) half\n(B) quarter\n(C) o'clock\n(D) quarter to\n(E) quarter past\n"
        "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."
    ),
    "mathvista_testmini_solution": (
        "Question: What time is shown? Answer by typing a time word, not a number. It is (_) after eight.\n"
        "Choices:\n(A) half\n(B) quarter\n(C) o'clock\n(D) quarter to\n(E) quarter past\n"
        "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n"
        "Solution:"
    ),
}


@pytest.mark.parametrize("task", list(PROMPT_7))
def test_mathvista_rule_based_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    _write(tmp_path / "root")
    results, samples = replay(tmp_path, monkeypatch, task, tmp_path / "root", {r[0]: r[9] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (7, 7)
    assert [samples[r[0]]["scores"]["accuracy"] for r in ROWS] == [r[10] for r in ROWS]
    assert [samples[r[0]]["extracted"] for r in ROWS] == ["145°", "half", "97", "1000", None, "47.6", ""]
    assert value(results, "accuracy") == pytest.approx(100 * 4 / 7)
    expected = {
        ("question_type", "multi_choice"): 2 / 3, ("question_type", "free_form"): 2 / 4,
        ("answer_type", "text"): 2 / 3, ("answer_type", "integer"): 1 / 2, ("answer_type", "float"): 1.0,
        ("answer_type", "list"): 0.0, ("language", "chinese"): 1.0, ("language", "english"): 3 / 6,
        ("source", "ChartQA"): 1 / 2, ("grade", "high school"): 1.0, ("task", "math word problem"): 0.0,
        ("context", "geometry diagram"): 1.0, ("category", "general-vqa"): 2 / 3,
        ("skill_geometry_reasoning", "yes"): 2 / 3, ("skill_algebraic_reasoning", "yes"): 1.0,
        ("skill_numeric_commonsense", "yes"): 1 / 2, ("skill_arithmetic_reasoning", "yes"): 2 / 3,
        ("skill_statistical_reasoning", "yes"): 1 / 2, ("skill_logical_reasoning", "no"): 4 / 7,
    }  # fmt: skip
    for (field, group), acc in expected.items():
        assert value(results, "accuracy", field, group) == pytest.approx(100 * acc), (field, group)
    assert "yes" not in results["breakdown"]["skill_logical_reasoning"]

    (message,) = samples["7"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][-1]["text"] == PROMPT_7[task]
    if task == "mathvista_testmini_format":
        (message,) = samples["2"]["prompt"]
        assert message["content"][-1]["text"] == (
            "what is the total volume of the measuring cup? (Unit: g)\n"
            "Answer the question using a single integer number."
        )


CATALOG = Path(__file__).resolve().parents[2] / "lmms_eval" / "tasks" / "catalog" / "mathvista"


def _prompt(task: str, row: tuple[Any, ...]) -> str:
    spec = yaml.safe_load((CATALOG / f"{task}.yaml").read_text(encoding="utf-8"))
    doc = {"question": row[1], "choices": row[2], "unit": row[3], "precision": row[4], "question_type": row[6],
           "answer_type": row[7]}  # fmt: skip
    return render_template(spec["prompt"]["user"][1]["text"], doc, task)


def test_cot_and_solution_prompts_are_lmms_eval_0_7_3s() -> None:
    float_row = ROWS[5]
    assert _prompt("mathvista_testmini_cot", float_row) == (
        "Question: What is the difference of largest and smallest bar?\n"
        "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the "
        "final value, e.g., 1.2, 1.3, 1.4, at the end."
    )
    assert _prompt("mathvista_testmini_solution", ROWS[2]) == (
        "Question: Find $m\\angle H$\nChoices:\n(A) 97\n(B) 102\n(C) 107\n(D) 122\n"
        "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n"
        "Solution:"
    )
