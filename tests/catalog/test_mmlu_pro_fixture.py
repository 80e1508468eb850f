"""mmlu_pro end to end: rows in the schema of TIGER-Lab/MMLU-Pro (test and validation splits: question_id,
question, options as a list of strings, answer, answer_index, cot_content, category, src) for all 14
categories, the group run with 5 worked examples per question from its category, messy replayed answers,
and the accuracy by hand under TIGER-Lab's three extraction rules (and the seeded guess)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, value, write_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
INT = datasets.Value("int64")
FEATURES = datasets.Features(
    {
        "question_id": INT,
        "question": STR,
        "options": datasets.Sequence(STR),
        "answer": STR,
        "answer_index": INT,
        "cot_content": STR,
        "category": STR,
        "src": STR,
    }
)
CATEGORIES = ["biology", "business", "chemistry", "computer science", "economics", "engineering", "health",
              "history", "law", "math", "other", "philosophy", "physics", "psychology"]  # fmt: skip
TEN = [f"option {i}" for i in range(10)]
FOUR = TEN[:4]
# (question_id, category, options, answer, response, extracted)
TEST = [
    (1000, "biology", TEN, "C", "Cells divide... the answer is (C).", "C"),
    (1001, "biology", TEN, "A", "Answer: B\nanswer: A", "B"),  # rule 2 stops at the first line with one
    (1002, "biology", TEN, "J", "I'd go with J", "J"),  # rule 3: the last lone capital ("I" comes first)
]
for i, cat in enumerate(CATEGORIES[1:]):
    if cat == "law":  # nothing readable: the guess seeded by question id 1107 is A
        TEST.append((1107, cat, FOUR, "A", "no idea.", "A"))
    else:
        TEST.append((1100 + i, cat, FOUR, "B", "The answer is (B)." if i % 2 == 0 else "answer is (D)", "B" if i % 2 == 0 else "D"))  # fmt: skip


def _columns(rows: list[tuple[int, str, list[str], str, str]]) -> dict[str, list[Any]]:
    return {
        "question_id": [r[0] for r in rows],
        "question": [f"Question {r[0]} about {r[1]}?" for r in rows],
        "options": [r[2] for r in rows],
        "answer": [r[3] for r in rows],
        "answer_index": ["ABCDEFGHIJ".index(r[3]) for r in rows],
        "cot_content": [r[4] for r in rows],
        "category": [r[1] for r in rows],
        "src": [f"ori_mmlu-{r[1]}" for r in rows],
    }


def test_mmlu_pro_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    val = [(k * 5 + j, cat, FOUR, "A", f"A: Let's think step by step. Example {k * 5 + j} reasons. The answer is (A).")
           for k, cat in enumerate(CATEGORIES) for j in range(5)]  # fmt: skip
    write_split(root, "TIGER-Lab/MMLU-Pro", "validation", _columns(val), FEATURES)
    write_split(root, "TIGER-Lab/MMLU-Pro", "test", _columns([r[:4] + ("",) for r in TEST]), FEATURES)
    names = {cat: f"mmlu_pro_{cat.replace(' ', '_')}" for cat in CATEGORIES}
    results, samples = _run(tmp_path, monkeypatch, root, {f"{names[r[1]]}/{r[0]}": r[4] for r in TEST})
    assert len(samples) == 16
    assert [samples[(names[r[1]], str(r[0]))]["extracted"] for r in TEST] == [r[5] for r in TEST]
    assert value(results["mmlu_pro_biology"], "exact_match") == pytest.approx(200 / 3)
    assert value(results["mmlu_pro_law"], "exact_match") == pytest.approx(100.0)
    assert value(results["mmlu_pro_chemistry"], "exact_match") == pytest.approx(0.0)
    # right: biology 2 of 3; business, computer science, engineering, history, math, philosophy, psychology
    # (even positions) and law (the guess): 10 of 16
    assert value(results["mmlu_pro"], "exact_match") == pytest.approx(62.5)
    prompt = samples[("mmlu_pro_biology", "1000")]["prompt"]
    assert [m["role"] for m in prompt] == ["system"] + ["user", "assistant"] * 5 + ["user"]
    assert prompt[0]["content"][0]["text"].startswith("The following are multiple choice questions (with answers) about biology. Think")  # fmt: skip
    assert prompt[-1]["content"][0]["text"] == (
        "Question:\nQuestion 1000 about biology?\nOptions:\n"
        + "".join(f"{'ABCDEFGHIJ'[i]}. option {i}\n" for i in range(10))
        + "Answer: Let's think step by step."
    )
    shots = sorted(m["content"][0]["text"] for m in prompt[2:-1:2])
    assert shots == [f"Example {j} reasons. The answer is (A)." for j in range(5)]  # biology's own five
    (report,) = validate(["mmlu_pro_biology"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path, preds: dict[str, str]) -> Any:
    """The group through the CLI with the replay model (predictions keyed ``task/doc_id``)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    file = tmp_path / "preds.jsonl"
    lines = [
        json.dumps({"task": k.split("/")[0], "doc_id": k.split("/")[1], "response": v})
        for k, v in preds.items()
    ]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--model", "replay", "--model_args", f"path={file}", "--tasks", "mmlu_pro",
                 "--data_root", str(root), "--output_path", str(out)]) == 0  # fmt: skip
    run_dir = next(out.glob("replay/*/"))
    data = json.loads((run_dir / "results.json").read_text())
    samples = {}
    for f in run_dir.glob("samples_*.jsonl"):
        for line in f.read_text(encoding="utf-8").splitlines():
            s = json.loads(line)
            samples[(s["task"], s["doc_id"])] = s
    return {**data["results"], **data["groups"]}, samples
