"""mia_bench end to end, predict-only (its official score is MIA-Bench's GPT-4o grader of each instruction
component, which comes with the judge): rows in the schema of lmms-lab/MIA-Bench (test) in the mirror layout,
which has no id column (a doc's id is its row index). The run completes, nothing is scored, and every sample
carries its response and the instruction as prompt."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/MIA-Bench
    {
        "image": datasets.Image(),
        "instruction": STR,
        "type": STR,
        "num_of_component": datasets.Value("int32"),
        "components": datasets.Sequence(STR),
        "component_weight": datasets.Sequence(datasets.Value("int32")),
        "component_type": datasets.Sequence(STR),
    }
)


def test_mia_bench_records_responses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "image": [image("red"), image("blue")],
        "instruction": ["Describe the image in one sentence.", "Write a haiku about the image, in capitals."],
        "type": ["description", "creative"],
        "num_of_component": [1, 2],
        "components": [["Describe the image in one sentence."], ["Write a haiku", "in capitals"]],
        "component_weight": [[10], [5, 5]],
        "component_type": [["length_limit"], ["genre", "grammar"]],
    }
    write_split(root, "lmms-lab-encoder/MIA-Bench", "test", columns, FEATURES)
    answers = {"0": "A red square.", "1": "RED LIGHT\nQUIET SQUARE\nNOTHING MOVES"}
    results, samples = replay(tmp_path, monkeypatch, "mia_bench", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert {k: s["response"] for k, s in samples.items()} == answers
    assert samples["1"]["prompt"][0]["content"][1]["text"] == "Write a haiku about the image, in capitals."
    (report,) = validate(["mia_bench"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
