"""hallusion_bench_image end to end: rows in the schema of lmms-lab-encoder/HallusionBench (image split) in
the mirror layout, real HallusionBench questions (github.com/tianyi-lab/HallusionBench, BSD-3-Clause) with
tiny generated figures, messy replayed answers, and aAcc/qAcc/fAcc computed by hand (answer "yes" when the
response contains "yes" anywhere, lmms-eval 0.7.3's rule; the official groupings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
COLUMNS = ("category", "subcategory", "visual_input", "set_id", "figure_id", "sample_note", "question_id",
           "question", "gt_answer_details", "gt_answer", "filename")  # fmt: skip
FEATURES = datasets.Features({**{c: STR for c in COLUMNS}, "image": datasets.Image()})  # the dataset card
SAME = "According to the Torsion dystonia illusion, are the diameters of the three circles the same?"
DIFFERENT = "According to the Torsion dystonia illusion, are the diameters of the three circles different?"
EINSTEIN = (
    "Is the formula in the image representative of the mass-energy equivalence concept in Einstein's theory?"
)
ROWS = [  # (category, subcategory, visual_input, set, figure, question id, question, gt_answer, response, right)
    ("VD", "illusion", "1", "7", "0", "0", SAME, "1", "Yes, they are the same.", True),
    ("VD", "illusion", "1", "7", "0", "1", DIFFERENT, "0", "No, the same size.", True),
    ("VD", "illusion", "2", "7", "1", "0", SAME, "0", "They look the same, yes.", False),
    ("VD", "illusion", "2", "7", "1", "1", DIFFERENT, "1", "YES", True),
    ("VS", "ocr", "1", "1", "1", "0", EINSTEIN, "1", "Affirmative.", False),  # no "yes": read as no
    ("VS", "ocr", "2", "1", "2", "0", EINSTEIN, "0", "No, just Einstein's eyes.", False),  # "eyes" holds "yes"
]  # fmt: skip


def test_hallusion_bench_accuracies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(
        root,
        "lmms-lab-encoder/HallusionBench",
        "image",
        {
            "category": [r[0] for r in ROWS],
            "subcategory": [r[1] for r in ROWS],
            "visual_input": [r[2] for r in ROWS],
            "set_id": [r[3] for r in ROWS],
            "figure_id": [r[4] for r in ROWS],
            "sample_note": ["torsion"] * 4 + ["mass_Eq"] * 2,
            "question_id": [r[5] for r in ROWS],
            "question": [r[6] for r in ROWS],
            "gt_answer_details": ["(details)"] * 6,
            "gt_answer": [r[7] for r in ROWS],
            "filename": [f"./{r[0]}/{r[1]}/{r[3]}_{r[4]}.png" for r in ROWS],
            "image": [image(c) for c in ("red", "red", "green", "green", "blue", "white")],
        },
        FEATURES,
    )
    ids = ["_".join((r[0], r[1], r[3], r[4], r[5])) for r in ROWS]  # the official per-question key
    results, samples = replay(
        tmp_path, monkeypatch, "hallusion_bench_image", root, {i: r[8] for i, r in zip(ids, ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (6, 6, 0)
    assert set(samples) == set(ids)
    assert [samples[i]["scores"]["aAcc"] for i in ids] == [float(r[9]) for r in ROWS]
    # aAcc: 3 of 6 questions. qAcc: question groups VD_illusion_7_0 (figure 1 wrong), VD_illusion_7_1 (both
    # right), VS_ocr_1_0 (both wrong): 1 of 3. fAcc: figures VD_illusion_7_0 (both right), VD_illusion_7_1,
    # VS_ocr_1_1, VS_ocr_1_2: 1 of 4.
    assert value(results, "aAcc") == pytest.approx(50.0)
    assert value(results, "qAcc") == pytest.approx(100 / 3)
    assert value(results, "fAcc") == pytest.approx(25.0)
    assert value(results, "aAcc", "category", "VD") == pytest.approx(75.0)
    assert value(results, "qAcc", "category", "VD") == pytest.approx(50.0)
    assert value(results, "fAcc", "category", "VD") == pytest.approx(50.0)
    for key in ("aAcc", "qAcc", "fAcc"):
        assert value(results, key, "category", "VS") == 0.0
    (message,) = samples[ids[0]]["prompt"]  # lmms-eval's default prompt: the question alone
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][1]["text"] == SAME
