"""flickr30k_test end to end: rows in the schema of lmms-lab-encoder/flickr30k (split test) in the mirror
layout, messy replayed captions, and the corpus metrics pycocoevalcap computes on them.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in its own virtual environment with OpenJDK 17): ``PTBTokenizer`` on
the references of the three images (one call) and on the three responses (another), then ``Bleu(4)``,
``Meteor()``, ``Rouge()`` and ``Cider()`` as lmms-eval 0.7.3's ``flickr_aggregation_result`` runs them.
METEOR needs Java and the jar (``pip install 'lmms_eval[captions]'``); without them it has no value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.captions.meteor import meteor_available

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "image": datasets.Image(),
        "caption": datasets.Sequence(STR),
        "sentids": datasets.Sequence(STR),
        "img_id": STR,
        "filename": STR,
    }
)

ROWS = [  # (img_id, references, response)
    (
        "1000092795",
        ["Two young guys with shaggy hair look at their hands while hanging out in the yard.",
         "Two young, White males are outside near many bushes.", "Two men in green shirts are standing in a yard.",
         "A man in a blue shirt standing in a garden.", "Two friends enjoy time spent together."],
        "Two young men standing in a yard near some bushes.",
    ),
    (
        "10002456",
        ["Several men in hard hats are operating a giant pulley system.",
         "Workers look down from up above on a piece of equipment.",
         "Two men working on a machine wearing hard hats.", "Four men on top of a tall structure.",
         "Three men on a large rig."],
        "Workers in hard hats on a tall rig, 3 of them.",
    ),
    (
        "1000268201",
        ["A child in a pink dress is climbing up a set of stairs in an entry way.",
         "A little girl in a pink dress going into a wooden cabin.", "A little girl climbing the stairs to her playhouse.",
         "A little girl climbing into a wooden playhouse.", "A girl going into a wooden building."],
        "a little girl in pink climbs the stairs  of a wooden playhouse",
    ),
]  # fmt: skip

OFFICIAL = {
    "Bleu_1": 0.8787878787346192,
    "Bleu_2": 0.6403912944833482,
    "Bleu_3": 0.45001408644425434,
    "Bleu_4": 0.2952053811515845,
    "METEOR": 0.32122035827747736,
    "ROUGE_L": 0.568258729254406,
    "CIDEr": 1.3938220517122977,
}


def test_flickr30k_test_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/flickr30k",
        "test",
        {
            "image": [image(c) for c in ("red", "green", "blue")],
            "caption": [r[1] for r in ROWS],
            "sentids": [[str(5 * i + j) for j in range(5)] for i in range(len(ROWS))],
            "img_id": [r[0] for r in ROWS],
            "filename": [f"{r[0]}.jpg" for r in ROWS],
        },
        FEATURES,
    )
    results, _ = replay(
        tmp_path, monkeypatch, "flickr30k_test", tmp_path / "root", {r[0]: r[2] for r in ROWS}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
