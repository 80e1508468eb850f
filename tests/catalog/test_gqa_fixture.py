"""gqa end to end: the two configs of lmms-lab-encoder/GQA in the mirror layout, in their real schema
(testdev_balanced_instructions: the question columns, ``imageId`` naming the picture; testdev_balanced_images:
``id`` and ``image``, tiny generated PNGs, in another order and with a picture no question uses), joined on
imageId == id. Messy replayed answers scored by hand with lmms-eval 0.7.3's rule: the response stripped,
both sides lower-cased, ASCII punctuation deleted, then compared exactly (no article or space clean-up)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, png, replay, value, write_split

STR = datasets.Value("string")
INSTRUCTIONS = datasets.Features(
    {
        "id": STR,
        "imageId": STR,
        "question": STR,
        "answer": STR,
        "fullAnswer": STR,
        "isBalanced": datasets.Value("bool"),
        "groups": {"global": STR, "local": STR},
        "entailed": STR,
        "equivalent": STR,
        "types": {"structural": STR, "semantic": STR, "detailed": STR},
        "semanticStr": STR,
    }
)
IMAGES = datasets.Features({"id": STR, "image": datasets.Image()})
ROWS = [  # (question id, image id, question, answer, response, right)
    ("201307251", "n15740", "Is the sky blue?", "yes", "Yes.", True),
    ("201640614", "n15740", "Which side is the car on?", "left", "  Left \n", True),
    ("20968379", "n336443", "What is on the table?", "laptop", "The laptop", False),  # no article removal
    ("20968380", "n336443", "What is the man wearing?", "t-shirt", "T-Shirt!", True),
    ("202228614", "n288870", "Is it indoors?", "no", "no, it is not", False),
    ("202228615", "n288870", "Is there a dog?", "yes", "yes .", False),  # "yes " after deleting the period
]
COLORS = {"n288870": "blue", "n15740": "red", "n336443": "green", "n999999": "black"}


def _write(root: Path) -> None:
    questions: dict[str, list[Any]] = {
        "id": [r[0] for r in ROWS],
        "imageId": [r[1] for r in ROWS],
        "question": [r[2] for r in ROWS],
        "answer": [r[3] for r in ROWS],
        "fullAnswer": [f"The answer is {r[3]}." for r in ROWS],
        "isBalanced": [True] * len(ROWS),
        "groups": [{"global": None, "local": "10c-" + r[3]} for r in ROWS],
        "entailed": ["[]"] * len(ROWS),
        "equivalent": [f'["{r[0]}"]' for r in ROWS],
        "types": [{"structural": "query", "semantic": "attr", "detailed": "weather"} for _ in ROWS],
        "semanticStr": ["select: sky ->query: color" for _ in ROWS],
    }
    path = "lmms-lab-encoder/GQA"
    write_split(root, path, "testdev", questions, INSTRUCTIONS, config="testdev_balanced_instructions")
    images: dict[str, list[Any]] = {
        "id": list(COLORS),
        "image": [{"bytes": png(c), "path": None} for c in COLORS.values()],
    }
    write_split(root, path, "testdev", images, IMAGES, config="testdev_balanced_images")


def test_gqa_exact_match_over_joined_images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _write(root)
    results, samples = replay(tmp_path, monkeypatch, "gqa", root, {r[0]: r[4] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (6, 6)
    assert [samples[r[0]]["scores"]["exact_match"] == 1.0 for r in ROWS] == [r[5] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(50.0)
    content = samples["20968380"]["prompt"][0]["content"]
    assert (
        content[1]["text"] == "What is the man wearing?\nAnswer the question using a single word or phrase."
    )
    assert content[0]["sha256"] == hashlib.sha256(png("green")).hexdigest()  # its own picture, n336443
