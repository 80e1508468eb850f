"""textvqa_val end to end: rows in the schema of lmms-lab-encoder/textvqa (validation) in the mirror layout,
messy replayed answers, scores computed by hand with TextVQA's rule (EvalAI processing on both sides)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR, INT32 = datasets.Value("string"), datasets.Value("int32")
FEATURES = datasets.Features(
    {
        "image_id": STR,
        "question_id": INT32,
        "question": STR,
        "question_tokens": datasets.Sequence(STR),
        "image": datasets.Image(),
        "image_width": INT32,
        "image_height": INT32,
        "flickr_original_url": STR,
        "flickr_300k_url": STR,
        "answers": datasets.Sequence(STR),
        "image_classes": datasets.Sequence(STR),
        "set_name": STR,
        "ocr_tokens": datasets.Sequence(STR),
    }
)


def test_textvqa_val_scores_with_the_textvqa_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (question_id, answers, response, accuracy by hand)
        (34602, ["nokia"] * 10, "Nokia.", 1.0),  # lower-cased and the period dropped
        (34603, ["coca cola"] * 2 + ["coca-cola"] + ["coke"] * 7, "Coca-Cola", 0.9),  # 3 matches
        (34604, ["1,000", "1000"] + ["thousand"] * 8, "1,000.", 0.6),  # commas deleted: 2 matches
        (34605, ["it's open"] * 10, "Its open", 0.0),  # "it's" becomes "it 's"
    ]
    n = len(rows)
    write_split(
        tmp_path / "root",
        "lmms-lab-encoder/textvqa",
        "validation",
        {
            "image_id": [f"img{i}" for i in range(n)],
            "question_id": [r[0] for r in rows],
            "question": ["what brand is THIS phone?"] + ["what does it say?"] * (n - 1),
            "question_tokens": [["what"]] * n,
            "image": [image(c) for c in ("red", "green", "blue", "white")],
            "image_width": [8] * n,
            "image_height": [8] * n,
            "flickr_original_url": ["https://example.org/x.jpg"] * n,
            "flickr_300k_url": ["https://example.org/y.jpg"] * n,
            "answers": [r[1] for r in rows],
            "image_classes": [["Mobile phone"]] * n,
            "set_name": ["val"] * n,
            "ocr_tokens": [["nokia"]] * n,
        },
        FEATURES,
    )
    results, samples = replay(
        tmp_path, monkeypatch, "textvqa_val", tmp_path / "root", {str(r[0]): r[2] for r in rows}
    )
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert value(results, "accuracy") == pytest.approx(100 * 2.5 / 4)
    assert {k: s["scores"]["accuracy"] for k, s in samples.items()} == pytest.approx(
        {str(r[0]): r[3] for r in rows}
    )
    prompt = json.dumps(samples["34602"]["prompt"])
    assert "What brand is this phone?\\nAnswer the question using a single word or phrase." in prompt
