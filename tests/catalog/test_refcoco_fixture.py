"""The RefCOCO, RefCOCO+ and RefCOCOg REC tasks end to end, every split: rows in the schema of
lmms-lab-encoder/RefCOCO, /RefCOCOplus and /RefCOCOg (question_id, image, question, answer: a list of
referring expressions, segmentation, COCO bbox [x, y, w, h] in pixels, iscrowd, file_name) in the mirror
layout, with non-square generated images; each expression becomes a doc, the box is normalised by the image
size; messy replayed boxes; IoU, the accuracies and the click (centre) accuracy computed by hand."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

STR = datasets.Value("string")
F32 = datasets.Sequence(datasets.Value("float32"))
FEATURES = datasets.Features(
    {
        "question_id": STR,
        "image": datasets.Image(),
        "question": STR,
        "answer": datasets.Sequence(STR),
        "segmentation": F32,
        "bbox": F32,
        "iscrowd": datasets.Value("int8"),
        "file_name": STR,
    }  # fmt: skip
)
PROMPT = (
    "Bounding box coordinates are specified in the format (top-left x, top-left y, bottom-right x, bottom-right y). "
    "All values are floating point numbers bounded between 0 and 1. Please provide the bounding box coordinate of "
    "the region this sentence describes: "
)


def _png(width: int, height: int) -> dict[str, object]:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buf, format="PNG")
    return {"bytes": buf.getvalue(), "path": None}


# doc id -> (response, IoU, centre in box); q1's box [20, 10, 80, 40] in a 200x100 image is [0.1, 0.1, 0.5, 0.5],
# q2's [0, 0, 50, 50] in 100x100 is [0, 0, 0.5, 0.5]
PREDICTIONS = {
    "q1_0": ("The box is [0.1, 0.1, 0.5, 0.5].", 1.0, 1.0),
    "q1_1": ("[0.35,0.35, 0.75, 0.75]", 0.0225 / 0.2975, 0.0),  # centre (0.55, 0.55) is outside
    "q2_0": (
        "I cannot find it.",
        0.0,
        1.0,
    ),  # no box -> [0, 0, 0, 0]: its centre (0, 0) is a corner of q2's box
    "q2_1": ("(0.0, 0.0, 0.5, 0.5)", 0.0, 1.0),  # RefCOCO reads square brackets only
}


TASKS = [
    ("refcoco_bbox_rec_val", "lmms-lab-encoder/RefCOCO", "val"),
    ("refcoco_bbox_rec_test", "lmms-lab-encoder/RefCOCO", "test"),
    ("refcoco_bbox_rec_testA", "lmms-lab-encoder/RefCOCO", "testA"),
    ("refcoco_bbox_rec_testB", "lmms-lab-encoder/RefCOCO", "testB"),
    ("refcoco+_bbox_rec_val", "lmms-lab-encoder/RefCOCOplus", "val"),
    ("refcoco+_bbox_rec_testA", "lmms-lab-encoder/RefCOCOplus", "testA"),
    ("refcoco+_bbox_rec_testB", "lmms-lab-encoder/RefCOCOplus", "testB"),
    ("refcocog_bbox_rec_val", "lmms-lab-encoder/RefCOCOg", "val"),
    ("refcocog_bbox_rec_test", "lmms-lab-encoder/RefCOCOg", "test"),
]


@pytest.mark.parametrize("task, path, split", TASKS)
def test_refcoco_rec_scores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, path: str, split: str
) -> None:
    root = tmp_path / "root"
    write_split(
        root,
        path,
        split,
        {
            "question_id": ["q1", "q2"], "image": [_png(200, 100), _png(100, 100)],
            "question": ["Please carefully observe the area circled in the image and come up with a caption for the area."] * 2,
            "answer": [["man on left", "guy in red"], ["top left dog", "dog"]],
            "segmentation": [[20.0, 10.0, 100.0, 10.0, 100.0, 50.0], [0.0, 0.0, 50.0, 0.0, 50.0, 50.0]],
            "bbox": [[20.0, 10.0, 80.0, 40.0], [0.0, 0.0, 50.0, 50.0]], "iscrowd": [0, 0],
            "file_name": ["COCO_train2014_000000000001.jpg", "COCO_train2014_000000000002.jpg"],
        },
        FEATURES,
    )  # fmt: skip
    results, samples = replay(tmp_path, monkeypatch, task, root, {k: v[0] for k, v in PREDICTIONS.items()})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    for doc_id, (_, iou, center) in PREDICTIONS.items():
        scores = samples[doc_id]["scores"]
        assert scores["iou"] == pytest.approx(iou, rel=1e-6), doc_id
        assert scores["center_acc"] == center, doc_id
    assert samples["q1_0"]["target"] == pytest.approx([0.1, 0.1, 0.5, 0.5])  # normalised, float32
    assert samples["q2_0"]["extracted"] == "[0, 0, 0, 0]"
    assert samples["q2_1"]["extracted"] == "[0, 0, 0, 0]"
    assert value(results, "iou") == pytest.approx((1 + 0.0225 / 0.2975) / 4, rel=1e-6)
    assert value(results, "acc@0.1") == pytest.approx(0.25)
    assert value(results, "acc@0.5") == pytest.approx(0.25)
    assert value(results, "acc@0.9") == pytest.approx(0.25)
    assert value(results, "center_acc") == pytest.approx(0.75)
    (message,) = samples["q1_1"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][-1]["text"] == PROMPT + "guy in red"
