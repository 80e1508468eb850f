"""The MMMU-Pro tasks end to end: rows in the schema of MMMU/MMMU_Pro (config "standard (10 options)": the
MMMU columns with ``subject``; config "vision": id, image, options, answer, subject; test split of both) in
the mirror layout, real MMMU-Pro questions and options (github.com/MMMU-Benchmark/MMMU, mmmu-pro/output,
Apache-2.0) with tiny generated images, messy replayed answers, and the official MMMU-Pro parsing worked
out by hand: per task, by subject, and the group ``mmmu_pro`` (the mean of the two settings)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, png, value, write_split

from lmms_eval.cli.main import main
from lmms_eval.mirror.layout import SplitKey, not_mirrorable
from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.spec import HubSource

STR = datasets.Value("string")
STANDARD = datasets.Features(  # the dataset card of MMMU/MMMU_Pro
    {
        "id": STR,
        "question": STR,
        "options": STR,
        "explanation": STR,
        **{f"image_{i}": datasets.Image() for i in range(1, 8)},
        "img_type": STR,
        "answer": STR,
        "topic_difficulty": STR,
        "subject": STR,
    }
)
VISION = datasets.Features(
    {"id": STR, "image": datasets.Image(), "options": STR, "answer": STR, "subject": STR}
)
COLORS = ["red", "green", "blue", "white", "black", "yellow", "purple"]
VISION_COLORS = ["gray", "orange", "pink", "brown", "cyan", "navy"]
HISTORY = [
    "Political instability leading to population decline", "The spread of pathogens across the Silk Road",
    "Development of new trade routes", "Climate change affecting the Silk Road",
    "Migrations to areas of Central Asia for resettlement", "Technological advancements in transportation",
    "Invasions by Mongol tribes", "Large-scale famine due to crop failures",
    "Economic prosperity and population growth", "Rise of religious conflicts along the Silk Road",
]  # fmt: skip
ART = ["James Irvine", "John Duncan", "Gavin Hamilton", "David Gauld", "Arthur Melville", "Francis Cadell",
       "Mary Cameron", "John Lavery", "Samuel Peploe", "William York Macgregor"]  # fmt: skip
MATH = ["0.950", "0.985", "0.975", "0.970", "0.990", "0.980", "0.965", "0.960", "0.995"]
PHYSICS = ["2 N", "4 N", "6 N", "8 N", "10 N", "12 N", "14 N", "16 N", "18 N", "20 N"]
# (id, subject, question, options, number of images, answer,
#  standard response, its letter, vision response, its letter)
ROWS: list[tuple[str, str, str, list[str], int, str, str, str, str, str]] = [
    ("test_History_1", "History",
     "Which of the following best explains the overall trend shown in the <image 1>?", HISTORY, 1, "B",
     "Answer: B", "B", "The answer is B", "B"),
    ("test_Art_113", "Art",
     "<image 1> of Louis Black, believed to be a formerly enslaved man, was painted by which artist?", ART, 1,
     "A", "Answer: (H)", "H", "A", "A"),
    ("test_Chemistry_5", "Chemistry", "Among the structure shown below, which has lowest potential energy ?",
     ["<image 2>", "<image 4>", "<image 1>", "<image 3>"], 4, "C",
     "", "A", "", "A"),  # nothing readable: the seeded guess over A-D (A)
    ("test_Math_11", "Math", "<image 1> shows the results of a rapid test for HIV. What is its specificity?",
     MATH, 1, "I", "Thus the specificity is 0.995, the highest value of all", "I",  # > 5 words: option text
     "Answer: 0.995", "B"),  # no letter after "Answer:", 2 words: the seeded guess over A-I (B)
    ("test_Physics_5", "Physics", "What is the net force on the block in <image 1>?", PHYSICS, 1, "C",
     "I cannot determine this.", "I", "Answer: C", "C"),  # "I " is option I
    ("test_Biology_321", "Biology",
     "Which of the phylogenies below represents a different set of relationships from the others?",
     ["<image 3>", "<image 2>", "<image 5>", "<image 4>", "<image 1>"], 5, "C",
     "C. <image 5>", "C", "**Answer: C**", "C"),  # "C." (no "C "): MMMU-Pro's extra step
]  # fmt: skip
DOMAINS = {"History": "Humanities and Social Science", "Art": "Art and Design", "Chemistry": "Science",
           "Math": "Science", "Physics": "Science", "Biology": "Science"}  # fmt: skip


STANDARD_CONFIG = "standard (10 options)"


def _assert_the_standard_config_is_mirrorable() -> None:
    """The real config name "standard (10 options)" has spaces and parentheses: the mirror must still give it
    a folder, or the task would skip the mirror and ask the Hub."""
    assert not_mirrorable(HubSource(path="MMMU/MMMU_Pro", name=STANDARD_CONFIG, split="test")) is None


def _mirror(root: Path) -> None:
    n = len(ROWS)
    standard: dict[str, list[Any]] = {
        "id": [r[0] for r in ROWS],
        "question": [r[2] for r in ROWS],
        "options": [str(r[3]) for r in ROWS],
        "explanation": ["?"] * n,
        "img_type": ["['Diagrams']"] * n,
        "answer": [r[5] for r in ROWS],
        "topic_difficulty": ["Medium"] * n,
        "subject": [r[1] for r in ROWS],
    }
    for i in range(1, 8):
        standard[f"image_{i}"] = [image(COLORS[i - 1]) if i <= r[4] else None for r in ROWS]
    file = write_split(root, "MMMU/MMMU_Pro", "test", standard, STANDARD, config=STANDARD_CONFIG)
    assert SplitKey("MMMU/MMMU_Pro", STANDARD_CONFIG, "test").find(root) == file
    vision = {
        "id": [r[0] for r in ROWS],
        "image": [image(color) for color in VISION_COLORS],  # one screenshot per question
        "options": [str(r[3]) for r in ROWS],
        "answer": [r[5] for r in ROWS],
        "subject": [r[1] for r in ROWS],
    }
    write_split(root, "MMMU/MMMU_Pro", "test", vision, VISION, config="vision")


def _run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the group mmmu_pro with the replay model; the results by task and group name and the samples by
    (task, doc id)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "predictions.jsonl"
    lines = [
        {"task": task, "doc_id": r[0], "response": r[column]}
        for r in ROWS
        for task, column in (("mmmu_pro_standard", 6), ("mmmu_pro_vision", 8))
    ]
    preds.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "mmmu_pro", "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    run_dir = next(out.glob("replay/*/"))
    written = json.loads((run_dir / "results.json").read_text())
    results = {**written["results"], **written["groups"]}
    samples = {}
    for task in ("mmmu_pro_standard", "mmmu_pro_vision"):
        for line in (run_dir / f"samples_{task}.jsonl").read_text(encoding="utf-8").splitlines():
            sample = json.loads(line)
            samples[(task, sample["doc_id"])] = sample
    return results, samples


def test_mmmu_pro_standard_vision_and_the_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _mirror(root)
    _assert_the_standard_config_is_mirrorable()
    assert fallback_choice("test_Chemistry_5", list("ABCD")) == "A"
    assert fallback_choice("test_Math_11", list("ABCDEFGHI")) == "B"
    results, samples = _run(tmp_path, monkeypatch, root)
    for task, column in (("mmmu_pro_standard", 7), ("mmmu_pro_vision", 9)):
        assert (results[task]["n_docs"], results[task]["n_scored"], results[task]["n_errors"]) == (6, 6, 0)
        for r in ROWS:
            sample = samples[(task, r[0])]
            assert sample["extracted"] == r[column], (task, r[0])
            assert sample["scores"]["mmmu_acc"] == float(r[column] == r[5]), (task, r[0])
    # standard: History, Math, Biology right; vision: History, Art, Physics, Biology right
    assert value(results["mmmu_pro_standard"], "mmmu_acc") == pytest.approx(100 * 3 / 6)
    assert value(results["mmmu_pro_vision"], "mmmu_acc") == pytest.approx(100 * 4 / 6)
    assert value(results["mmmu_pro"], "mmmu_acc") == pytest.approx((50.0 + 400 / 6) / 2)  # the mean of both
    for subject, expected in {"History": 100.0, "Art": 0.0, "Math": 100.0, "Physics": 0.0}.items():
        assert value(results["mmmu_pro_standard"], "mmmu_acc", "subject", subject) == expected, subject
    for subject, expected in {"History": 100.0, "Art": 100.0, "Math": 0.0, "Physics": 100.0}.items():
        assert value(results["mmmu_pro_vision"], "mmmu_acc", "subject", subject) == expected, subject
    assert value(results["mmmu_pro_standard"], "mmmu_acc", "domain", "Science") == pytest.approx(50.0)
    assert value(results["mmmu_pro_standard"], "mmmu_acc", "domain", DOMAINS["Art"]) == 0.0

    # lmms-eval 0.7.3's prompts. standard: the images the question and options name, by number, then the text
    (message,) = samples[("mmmu_pro_standard", "test_Chemistry_5")]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image"] * 4 + ["text"]
    shas = [hashlib.sha256(png(color)).hexdigest() for color in COLORS[:4]]  # image_1 .. image_4
    assert [p["sha256"] for p in message["content"][:4]] == shas
    assert message["content"][-1]["text"] == (
        "Among the structure shown below, which has lowest potential energy ?\n"
        "A. <image 2>\nB. <image 4>\nC. <image 1>\nD. <image 3>\n\n"
        "Answer with the option letter from the given choices directly."
    )
    # vision: the screenshot, then the instruction only
    (message,) = samples[("mmmu_pro_vision", "test_History_1")]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][0]["sha256"] == hashlib.sha256(png(VISION_COLORS[0])).hexdigest()
    assert message["content"][1]["text"] == "Answer with the option letter from the given choices directly."
