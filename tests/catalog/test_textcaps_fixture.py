"""textcaps_val and textcaps_test end to end: rows in the schema of lmms-lab-encoder/TextCaps (splits val and
test, one row per image) in the mirror layout, messy replayed captions, and the corpus metrics pycocoevalcap
computes on them.

The columns are those of the TextCaps 0.1 annotation files (image_id, image_classes, the Flickr URLs, sizes,
set_name, image_name, image_path, caption_id, caption_str, reference_strs) grouped per image, with
lmms-lab's question_id, question and image; the task reads image, image_id and caption_str (a list: the
image's references, as lmms-eval 0.7.3 hands them to pycocoevalcap). The ids, captions and responses are
made up; the images are tiny generated PNGs.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in its own virtual environment with OpenJDK 17): ``PTBTokenizer`` on
the references of the four images (one call) and on the four responses (another), then ``Bleu(4)``,
``Meteor()``, ``Rouge()`` and ``Cider()`` as TextCaps' evaluation (github.com/facebookresearch/mmf at
b0ffc7f, ``tools/scripts/coco/coco_caption_eval.py``) and lmms-eval 0.7.3's ``textcaps_aggregation_result``
run them. METEOR needs Java and the jar (``pip install 'lmms_eval[captions]'``); without them it has no value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.captions.meteor import meteor_available
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
I64 = datasets.Value("int64")
FEATURES = datasets.Features(
    {
        "question_id": STR,
        "question": STR,
        "image": datasets.Image(),
        "image_id": STR,
        "image_classes": datasets.Sequence(STR),
        "flickr_original_url": STR,
        "flickr_300k_url": STR,
        "image_width": I64,
        "image_height": I64,
        "set_name": STR,
        "image_name": STR,
        "image_path": STR,
        "caption_id": datasets.Sequence(I64),
        "caption_str": datasets.Sequence(STR),
        "reference_strs": datasets.Sequence(STR),
    }
)

ROWS = [  # (image_id, references, response)
    (
        "0054ae2a7b3df3cb",
        ["A bottle of Coca-Cola sits on a wooden table next to a glass.", "A red and white Coca Cola bottle on a table.",
         "a coke bottle that says Coca-Cola on the label", "A glass bottle of Coca-Cola with a red label.",
         "A Coca-Cola bottle is placed beside a drinking glass."],
        "A bottle of Coca-Cola on a wooden table next to a glass.",
    ),
    (
        "011e7e629fb9ae7b",
        ["A sign for the Main Street Diner is lit up at night.", "The neon sign reads MAIN STREET DINER OPEN 24 HOURS.",
         "a diner sign that says open 24 hours", "A lit sign for a diner on Main Street.",
         "Main Street Diner's sign glows red against the dark sky."],
        '  THE MAIN STREET DINER sign says "OPEN 24 HOURS"!!  ',
    ),
    (
        "03a1b3c4d5e6f708",
        ["A baseball player wearing number 23 stands on the field.", "Player number 23 for the Tigers is at bat.",
         "a man in a Tigers jersey with the number 23", "The Tigers player wears a white uniform with 23 on the back.",
         "A baseball player with 23 on his jersey is playing."],
        "The image shows a baseball player (Tigers, #23) on the field.\nHe's batting.",
    ),
    (
        "0f9e8d7c6b5a4f3e",
        ["A book titled The Great Gatsby by F. Scott Fitzgerald.", "The cover of the novel The Great Gatsby.",
         "a blue book cover that says the great gatsby", "A copy of The Great Gatsby lying on a desk.",
         "F. Scott Fitzgerald's The Great Gatsby book cover."],
        "",  # an empty caption is scored, not an error
    ),
]  # fmt: skip

OFFICIAL = {
    "Bleu_1": 0.6942463799902387,
    "Bleu_2": 0.6187929970083269,
    "Bleu_3": 0.5272953611984338,
    "Bleu_4": 0.433407966793521,
    "METEOR": 0.33172191110229077,
    "ROUGE_L": 0.5564357466413774,
    "CIDEr": 1.5402874104383717,
}

PROMPT = "Provide a one-sentence caption for the provided image."


def _columns(rows: list[tuple[str, list[str]]], split: str) -> dict[str, list[Any]]:
    """The split's columns for (image_id, references) rows; test rows have no captions."""
    n = len(rows)
    ids = [r[0] for r in rows]
    return {
        "question_id": ids,
        "question": ["Please carefully observe the image and come up with a caption for the image."] * n,
        "image": [image(c) for c in ("red", "green", "blue", "white")[:n]],
        "image_id": ids,
        "image_classes": [["Poster", "Billboard"]] * n,
        "flickr_original_url": [f"https://farm1.staticflickr.com/{i}_o.jpg" for i in ids],
        "flickr_300k_url": [f"https://c1.staticflickr.com/{i}_z.jpg" for i in ids],
        "image_width": [1024] * n,
        "image_height": [768] * n,
        "set_name": [split] * n,
        "image_name": ids,
        "image_path": [f"{split}/{i}.jpg" for i in ids],
        "caption_id": [list(range(k * 5, k * 5 + len(r[1]))) for k, r in enumerate(rows)],
        "caption_str": [r[1] for r in rows],
        "reference_strs": [r[1] for r in rows],
    }


def test_textcaps_val_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = len(ROWS)
    write_split(tmp_path / "root", "lmms-lab-encoder/TextCaps", "val", _columns([r[:2] for r in ROWS], "val"), FEATURES)  # fmt: skip
    results, samples = replay(
        tmp_path, monkeypatch, "textcaps_val", tmp_path / "root", {r[0]: r[2] for r in ROWS}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (n, n, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
        metric = results["metrics"][key]
        assert metric["method"] == "bootstrap" and metric["ci_low"] <= metric["value"] <= metric["ci_high"]
    prompt = samples["0054ae2a7b3df3cb"]["prompt"][0]["content"]
    assert [p["type"] for p in prompt] == ["image", "text"]
    assert prompt[1]["text"] == PROMPT
    assert samples["0f9e8d7c6b5a4f3e"]["extracted"] == ""
    (report,) = validate(["textcaps_val"], data_root=tmp_path / "root")
    assert (report.status, report.data) == ("ok", "mirror"), report.findings


def test_textcaps_test_is_predict_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[tuple[str, list[str]]] = [("1a2b3c4d5e6f7a8b", []), ("9f8e7d6c5b4a3f2e", [])]
    write_split(tmp_path / "root", "lmms-lab-encoder/TextCaps", "test", _columns(rows, "test"), FEATURES)
    predictions = {"1a2b3c4d5e6f7a8b": "A STOP sign on a pole.", "9f8e7d6c5b4a3f2e": "  a can of Pepsi!  "}
    results, samples = replay(tmp_path, monkeypatch, "textcaps_test", tmp_path / "root", predictions)
    assert results["metrics"] == {} and (results["n_docs"], results["n_errors"]) == (2, 0)
    assert {k: s["response"] for k, s in samples.items()} == predictions  # recorded as given
    assert samples["9f8e7d6c5b4a3f2e"]["prompt"][0]["content"][1]["text"] == PROMPT
    (report,) = validate(["textcaps_test"], data_root=tmp_path / "root")
    assert (report.status, report.data) == ("ok", "mirror"), report.findings
