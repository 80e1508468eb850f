"""llava_in_the_wild end to end, predict-only (its official score is LLaVA's pairwise GPT-4 review against the
reference answer, which comes with the judge): rows in the schema of lmms-lab/llava-bench-in-the-wild (train)
in the mirror layout. The run completes, nothing is scored, and every sample carries its response, the
plain question as prompt and the GPT-4 reference answer as target."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/llava-bench-in-the-wild
    {
        "question_id": datasets.Value("int64"),
        "question": STR,
        "image": datasets.Image(),
        "caption": STR,
        "gpt_answer": STR,
        "category": STR,
        "image_id": STR,
    }
)


def test_llava_in_the_wild_records_responses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "question_id": [0, 1, 2],
        "question": [
            "What is the name of this restaurant?",
            "Describe this photo in detail.",
            "Why is it funny?",
        ],
        "image": [image("red"), image("green"), image("blue")],
        "caption": ["A sign.", "A street.", "A cat."],
        "gpt_answer": ["Ichiran.", "A busy street at night.", "The cat looks surprised."],
        "category": ["conv", "detail", "complex"],
        "image_id": ["001", "002", "003"],
    }
    write_split(root, "lmms-lab-encoder/llava-bench-in-the-wild", "train", columns, FEATURES)
    answers = {"0": "It is Ichiran.", "1": "", "2": "Because\nthe cat ASSISTANT: is surprised."}
    results, samples = replay(tmp_path, monkeypatch, "llava_in_the_wild", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    assert samples["0"]["response"] == "It is Ichiran."
    assert samples["1"]["response"] == ""
    assert samples["2"]["response"].startswith("Because\nthe cat")
    assert samples["2"]["target"] == "The cat looks surprised."
    content = samples["0"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "text"]
    assert content[1]["text"] == "What is the name of this restaurant?"
    (report,) = validate(["llava_in_the_wild"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
