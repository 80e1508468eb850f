"""vqa_rad end to end: rows in the schema of flaviagiammarino/vqa-rad (test: image, question, answer) in the mirror
layout (made-up questions, tiny generated images), messy replayed answers, and accuracy by hand under
lmms-eval 0.7.3's SLAKE normalization, overall and per answer_type (closed: the answer is yes or no)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"image": datasets.Image(), "question": STR, "answer": STR})
ROWS = [  # (question, answer, response, right)
    ("is there evidence of a pneumothorax?", "no", "No.", True),
    ("is the liver enlarged?", "yes", "Yes, it is enlarged.", False),
    ("are the kidneys normal?", "yes", "YEAH", True),
    ("what organ is shown?", "liver", "The liver", False),
    ("where is the lesion?", "right lower lobe", "Right lower lobe.", True),
    ("what imaging modality is used?", "x-ray", "X ray", True),
]


def test_vqa_rad_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "image": [image("red") for _ in ROWS],
        "question": [r[0] for r in ROWS],
        "answer": [r[1] for r in ROWS],
    }
    write_split(root, "flaviagiammarino/vqa-rad", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "vqa_rad", root, {str(i): r[2] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (6, 6, 0)
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(6)] == [r[3] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(400 / 6)
    assert value(results, "accuracy", "answer_type", "closed") == pytest.approx(200 / 3)  # 2 of 3
    assert value(results, "accuracy", "answer_type", "open") == pytest.approx(200 / 3)  # 2 of 3
    text = samples["0"]["prompt"][0]["content"][1]["text"]
    assert text == "is there evidence of a pneumothorax?\nAnswer the question using a single word or phrase."
    (report,) = validate(["vqa_rad"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
