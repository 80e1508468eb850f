"""mme end to end: rows in the schema of lmms-lab-encoder/MME (test) in the mirror layout (made-up questions,
tiny generated images), messy replayed answers, and the perception/cognition scores and per-subtask scores
computed by hand from the official tool's rule (first four characters of the lower-cased answer: "yes",
else "no", else other; subtask score = (acc + acc+) x 100, acc+ over images)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab-encoder/MME
    {"question_id": STR, "image": datasets.Image(), "question": STR, "answer": STR, "category": STR}
)
SUFFIX = " Please answer yes or no."
ROWS = [  # (category, image, question, answer, response, read as)
    ("existence", "existence/000000001.jpg", "Is there a dog in this image?", "Yes", "Yes.", "yes"),
    ("existence", "existence/000000001.jpg", "Is there a cat in this image?", "No", " no, there is none", "no"),
    ("existence", "existence/000000002.jpg", "Is there a bus in this image?", "Yes", "  Yes", "other"),
    ("existence", "existence/000000002.jpg", "Is there a boat in this image?", "No", "No", "no"),
    ("count", "count/000000003.jpg", "Are there two apples in the image?", "Yes", "yes\nthere are two", "yes"),
    ("count", "count/000000003.jpg", "Are there five apples in the image?", "No", "Not sure", "no"),
    ("code_reasoning", "code_reasoning/0001.png", "Does this code print 3?", "Yes", "**Yes**", "other"),
    ("code_reasoning", "code_reasoning/0001.png", "Does this code print 4?", "No", "**No**", "no"),
    ("commonsense_reasoning", "commonsense_reasoning/0001.png", "Is it safe to cross now?", "Yes", "Yes, definitely", "yes"),
    ("commonsense_reasoning", "commonsense_reasoning/0001.png", "Should the man run?", "No", "know", "no"),
]  # fmt: skip


def test_mme_official_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(
        root,
        "lmms-lab-encoder/MME",
        "test",
        {
            "question_id": [r[1] for r in ROWS],
            "image": [image(c) for c in ("red", "green", "blue", "white", "black") for _ in range(2)],
            "question": [r[2] + SUFFIX for r in ROWS],
            "answer": [r[3] for r in ROWS],
            "category": [r[0] for r in ROWS],
        },
        FEATURES,
    )
    results, samples = replay(tmp_path, monkeypatch, "mme", root, {str(i): r[4] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (10, 10, 0)
    assert [samples[str(i)]["extracted"] for i in range(10)] == [r[5] for r in ROWS]
    # existence: acc 3/4, acc+ 1/2 -> 125; count: both right -> 200
    # code_reasoning: acc 1/2 ("**yes" has no "yes" in its first four characters, "**no" has "no"), acc+ 0
    # -> 50; commonsense_reasoning: both right ("know" reads as no) -> 200
    assert value(results, "mme_perception_score") == pytest.approx(325.0)
    assert value(results, "mme_cognition_score") == pytest.approx(250.0)
    by_subtask = {
        "existence": ("mme_perception_score", 125.0),
        "count": ("mme_perception_score", 200.0),
        "code_reasoning": ("mme_cognition_score", 50.0),
        "commonsense_reasoning": ("mme_cognition_score", 200.0),
    }
    for category, (key, expected) in by_subtask.items():
        assert value(results, key, "category", category) == pytest.approx(expected), category
    assert results["metrics"]["mme_perception_score"]["n"] == 10
    # lmms-eval's default prompt: the question without " Please answer yes or no.", then its post-prompt
    (message,) = samples["0"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == (
        "Is there a dog in this image?\nAnswer the question using a single word or phrase."
    )
