"""nocaps_val end to end: rows in the schema of lmms-lab-encoder/NoCaps (split validation, ten references
per image) in the mirror layout, messy replayed captions, and the corpus metrics pycocoevalcap computes on
them.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in its own virtual environment with OpenJDK 17): ``PTBTokenizer`` on
the references of the three images (one call) and on the three responses (another), then ``Bleu(4)``,
``Meteor()``, ``Rouge()`` and ``Cider()`` as lmms-eval 0.7.3's ``nocaps_aggregation_result`` runs them.
METEOR needs Java and the jar (``pip install 'lmms_eval[captions]'``); without them it has no value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.captions.meteor import meteor_available

STR = datasets.Value("string")
I32 = datasets.Value("int32")
FEATURES = datasets.Features(
    {
        "image": datasets.Image(),
        "image_coco_url": STR,
        "image_date_captured": STR,
        "image_file_name": STR,
        "image_height": I32,
        "image_width": I32,
        "image_id": I32,
        "image_license": datasets.Value("int8"),
        "image_open_images_id": STR,
        "annotations_ids": datasets.Sequence(I32),
        "annotations_captions": datasets.Sequence(STR),
    }
)

ROWS = [  # (image_id, references, response)
    (
        0,
        ["A man on a stage playing a guitar.", "a man is playing a guitar on stage",
         "A musician performs on a stage with a guitar.", "A guitarist is playing music on the stage.",
         "a man playing an electric guitar in concert", "A person is playing guitar on a stage with lights.",
         "Man plays guitar at a concert.", "a guy with a guitar singing into a microphone",
         "A man with long hair is playing a guitar.", "The musician plays his guitar during the show."],
        "A man playing a guitar on stage at a concert.",
    ),
    (
        1,
        ["A red fire hydrant on a sidewalk.", "a fire hydrant sitting next to a street",
         "A red hydrant is on the side of the road.", "The fire hydrant is painted red and white.",
         "a red and white fire hydrant in the grass", "A fire hydrant near a curb.",
         "Red fire hydrant beside the street.", "a hydrant that is red on the sidewalk",
         "A short fire hydrant on a city sidewalk.", "The red fire hydrant is next to the road."],
        "a red fire hydrant a red fire hydrant a red fire hydrant",  # repeated words
    ),
    (
        2,
        ["A tortoise walking on the sand.", "a large turtle crawling across the ground",
         "A tortoise is moving slowly over dirt.", "The big tortoise walks in its enclosure.",
         "a turtle on some sand near rocks", "A giant tortoise in a zoo.", "Tortoise crawling on the ground.",
         "an old tortoise walking in the sun", "A brown tortoise on dry ground.", "The tortoise is walking on sand."],
        "**Caption:** A tortoise (Testudinidae) walks on sand; it's about 1.5 m long \u2014 huge!",
    ),
]  # fmt: skip

OFFICIAL = {
    "Bleu_1": 0.49999999998750005,
    "Bleu_2": 0.4191368221315515,
    "Bleu_3": 0.33070715042841636,
    "Bleu_4": 0.24323304633522458,
    "METEOR": 0.3485866487896264,
    "ROUGE_L": 0.5708609652160646,
    "CIDEr": 0.9463483129657709,
}


def test_nocaps_val_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = len(ROWS)
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/NoCaps",
        "validation",
        {
            "image": [image(c) for c in ("red", "green", "blue")],
            "image_coco_url": [f"https://s3.amazonaws.com/nocaps/val/{i:016x}.jpg" for i in range(n)],
            "image_date_captured": ["2018-11-21 11:04:19"] * n,
            "image_file_name": [f"{i:016x}.jpg" for i in range(n)],
            "image_height": [768] * n,
            "image_width": [1024] * n,
            "image_id": [r[0] for r in ROWS],
            "image_license": [0] * n,
            "image_open_images_id": [f"{i:016x}" for i in range(n)],
            "annotations_ids": [list(range(10 * r[0], 10 * r[0] + 10)) for r in ROWS],
            "annotations_captions": [r[1] for r in ROWS],
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "nocaps_val", tmp_path / "root", {str(r[0]): r[2] for r in ROWS}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (n, n, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
    assert set(samples) == {"0", "1", "2"}
    assert samples["2"]["extracted"] == ROWS[2][2]  # the raw response is the caption
