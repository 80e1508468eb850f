"""coco2017_cap_val end to end: rows in the schema of lmms-lab-encoder/COCO-Caption2017 (split val) in the
mirror layout, messy replayed captions, and the corpus metrics pycocoevalcap computes on them.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in its own virtual environment with OpenJDK 17): ``PTBTokenizer`` on
the references of the four images (one call) and on the four responses (another), then ``Bleu(4)``,
``Meteor()``, ``Rouge()`` and ``Cider()`` as lmms-eval 0.7.3's ``coco_aggregation_result`` runs them.
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
        "question_id": STR,
        "image": datasets.Image(),
        "question": STR,
        "answer": datasets.Sequence(STR),
        "id": datasets.Value("int64"),
        "license": datasets.Value("int8"),
        "file_name": STR,
        "coco_url": STR,
        "height": datasets.Value("int32"),
        "width": datasets.Value("int32"),
        "date_captured": STR,
    }
)

ROWS = [  # (question_id, references, response)
    (
        "000000179765.jpg",
        ["A black Honda motorcycle parked in front of a garage.", "A Honda motorcycle parked in a grass driveway",
         "A black Honda motorcycle with a dark burgundy seat.",
         "Ma motorcycle parked on the gravel in front of a garage",
         "A motorcycle with its brake extended standing outside"],
        "A black Honda motorcycle parked in front of a garage.",
    ),
    (
        "000000190236.jpg",
        ["An office cubicle with four different types of computers.",
         "The home office space seems to be very cluttered.", "an office with desk computer and chair and laptop.",
         "Office setting with a lot of computer screens.", "A desk and chair in an office cubicle."],
        "  AN OFFICE DESK with TWO computer monitors,   a laptop and a chair!!  ",
    ),
    (
        "000000331352.jpg",
        ["A small closed toilet in a cramped space.", "A tan toilet and sink combination in a small room.",
         "This is an advanced toilet with a sink and control panel.",
         "A close-up picture of a toilet with a fountain.", "Off white toilet with a faucet and controls. "],
        "The image shows a toilet (with a sink on top) in a small bathroom.\nIt's clean.",
    ),
    (
        "000000517069.jpg",
        ["Two women preparing food in a kitchen, one at the sink and one at the table.",
         "A woman in a red shirt in a home kitchen.", "A kitchen with a woman working at the sink.",
         "Two women working in a kitchen making food.", "A woman standing in a kitchen by a sink."],
        "",  # an empty caption is scored, not an error
    ),
]  # fmt: skip

OFFICIAL = {
    "Bleu_1": 0.6428571428418368,
    "Bleu_2": 0.49724515808655245,
    "Bleu_3": 0.40952417270963076,
    "Bleu_4": 0.347420692230367,
    "METEOR": 0.27948536429048687,
    "ROUGE_L": 0.5005669708349095,
    "CIDEr": 1.331971815746768,
}


def test_coco2017_cap_val_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = len(ROWS)
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/COCO-Caption2017",
        "val",
        {
            "question_id": [r[0] for r in ROWS],
            "image": [image(c) for c in ("red", "green", "blue", "white")],
            "question": ["Please carefully observe the image and come up with a caption for the image"] * n,
            "answer": [r[1] for r in ROWS],
            "id": [38] * n,  # constant in this dataset: question_id is the image's own id
            "license": [3] * n,
            "file_name": ["COCO_val2014_000000000042.jpg"] * n,
            "coco_url": [f"http://images.cocodataset.org/val2017/{r[0]}" for r in ROWS],
            "height": [480] * n,
            "width": [640] * n,
            "date_captured": ["2013-11-14 17:02:52"] * n,
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "coco2017_cap_val", tmp_path / "root", {r[0]: r[2] for r in ROWS}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (n, n, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
        metric = results["metrics"][key]
        assert metric["method"] == "bootstrap" and metric["ci_low"] <= metric["value"] <= metric["ci_high"]
    prompt = samples["000000179765.jpg"]["prompt"][0]["content"]
    assert [p["type"] for p in prompt] == ["image", "text"]
    assert prompt[1]["text"] == "Provide a one-sentence caption for the provided image."
    assert samples["000000517069.jpg"]["extracted"] == ""
