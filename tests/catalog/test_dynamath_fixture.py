"""dynamath end to end: rows in the schema of kcz358/DynaMath (test; the columns of DynaMath/DynaMath_Sample's
card, id being the seed question shared by its variants, plus question_id, each question's own id, both read
by lmms-eval 0.7.3) in the mirror layout: three seed questions in three variants each, messy replayed answers,
and DynaMath's official scores computed by hand: average-case (right answers / all) and worst-case (seeds with
every variant right / seeds), overall and by subject."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "question_id": STR,
        "id": STR,
        "question": STR,
        "image": STR,
        "decoded_image": datasets.Image(),
        "ground_truth": STR,
        "answer_type": STR,
        "subject": STR,
        "knowledge_level": STR,
    }
)


def _json(short: str) -> str:
    return json.dumps(
        {"solution": "Reading the figure...", "short answer": short}, indent=4, ensure_ascii=False
    )


ROWS = [  # (seed, answer_type, ground_truth, subject, response, right)
    ("1", "float", "3.142", "PG", _json("3.142"), True),
    ("1", "float", "6.283", "PG", "```json\n" + _json("2π") + "\n```", True),  # 2 * pi within 0.001
    ("1", "float", "1.571", "PG", _json("1.571 units"), True),  # the text before the first space
    ("2", "multiple choice", "B", "AL", _json("(B)"), True),  # B within the first three characters
    ("2", "multiple choice", "C", "AL", _json("C"), True),
    ("2", "multiple choice", "A", "AL", "The answer is A.", False),  # no JSON: "The answer is A" is read
    ("3", "free form", "yes", "GT", _json("yes"), True),
    ("3", "free form", "no", "GT", '{"short answer": "No"}', False),  # case-sensitive substring
    ("3", "free form", "yes", "GT", "[1, 2]", False),  # JSON, but not an object
]
ENDING = (
    "such as 'A', 'B', 'C', or 'D'. If the answer is a numerical value, format it as a three-digit floating-point "
    'number.\n\nExample of expected JSON response format:\n\n{\n    "solution": "[Detailed step-by-step '
    'explanation]",\n    "short answer": "[Concise Answer]"\n}'
)


def test_dynamath_average_and_worst_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    n = len(ROWS)
    columns = {
        "question_id": [f"q{i}" for i in range(n)],
        "id": [r[0] for r in ROWS],
        "question": [f"What is value {i}?" for i in range(n)],
        "image": [f"images/{i}.png" for i in range(n)],
        "decoded_image": [image("white") for _ in ROWS],
        "ground_truth": [r[2] for r in ROWS],
        "answer_type": [r[1] for r in ROWS],
        "subject": [r[3] for r in ROWS],
        "knowledge_level": ["high school"] * n,
    }
    write_split(root, "kcz358/DynaMath", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "dynamath", root, {f"q{i}": r[4] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (n, n)
    assert [samples[f"q{i}"]["scores"]["dynamath_average"] == 1.0 for i in range(n)] == [r[5] for r in ROWS]
    assert value(results, "dynamath_average") == pytest.approx(100 * 6 / 9)
    assert value(results, "dynamath_worst") == pytest.approx(
        100 * 1 / 3
    )  # only seed 1 has all variants right
    assert value(results, "dynamath_average", "subject", "AL") == pytest.approx(100 * 2 / 3)
    assert value(results, "dynamath_worst", "subject", "PG") == pytest.approx(100.0)
    assert value(results, "dynamath_worst", "subject", "GT") == pytest.approx(0.0)
    text = samples["q0"]["prompt"][0]["content"][1]["text"]
    assert text.startswith(
        "## Question\nWhat is value 0?Please answer in a floating-point number.\n## Answer Instruction Please "
        "provide an answer to the question outlined above. Your response should adhere \nto the following"
    )
    assert text.endswith(ENDING)
    assert samples["q3"]["prompt"][0]["content"][1]["text"].startswith(
        "## Question\nWhat is value 3?\n## Answer"
    )
    (report,) = validate(["dynamath"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
