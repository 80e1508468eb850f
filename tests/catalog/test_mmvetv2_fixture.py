"""mmvetv2 end to end, predict-only (its official score is MM-Vet v2's GPT-4 grader, which comes with the
judge): rows in the schema of whyu/mm-vet-v2 (test) in the mirror layout, questions with one and with several
interleaved images (<IMG><image_k> marks). The run completes, nothing is scored, every sample carries its
response, and the prompt holds the images its question names, in order, then lmms-eval 0.7.3's text (the
pre-prompt, the question without "<IMG>", the <image_k> marks left in)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.scoring.mmvet import question_images
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
N_IMAGES = 3  # the hub has image_0 ... image_17; a few are enough here
FEATURES = datasets.Features(  # the columns of whyu/mm-vet-v2 read by lmms-eval 0.7.3
    {
        "id": STR,
        "question": STR,
        "answer": STR,
        "capability": datasets.Sequence(STR),
        **{f"image_{k}": datasets.Image() for k in range(N_IMAGES)},
    }
)
PRE = "First please perform reasoning, and think step by step to provide best answer to the following question: \n\n"


def test_mmvetv2_records_responses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": ["v2_0", "v2_1"],
        "question": [
            "<IMG><image_0>What is shown?",
            "Compare <IMG><image_1> and <IMG><image_0>. Which is red?",
        ],
        "answer": ["a square", "the second"],
        "capability": [["rec"], ["rec", "seq"]],
        "image_0": [image("red"), image("red")],
        "image_1": [None, image("blue")],
        "image_2": [None, None],
    }
    write_split(root, "whyu/mm-vet-v2", "test", columns, FEATURES)
    answers = {"v2_0": "A red square.", "v2_1": "The second one\n"}
    results, samples = replay(tmp_path, monkeypatch, "mmvetv2", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert {k: s["response"] for k, s in samples.items()} == answers
    content = samples["v2_1"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "image", "text"]
    assert content[2]["text"] == PRE + "Compare <image_1> and <image_0>. Which is red?"
    assert [p["type"] for p in samples["v2_0"]["prompt"][0]["content"]] == ["image", "text"]
    (report,) = validate(["mmvetv2"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []


def test_question_images_follow_the_marks() -> None:
    doc = {"question": "<IMG><image_2> then <IMG><image_0>, again <image_2>", "image_0": "a", "image_2": "c"}
    assert question_images(doc) == ["c", "a", "c"]
    assert question_images({"question": "no image"}) == []
