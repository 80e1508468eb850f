"""vlms_are_biased end to end: rows in the schema of anvo25/vlms-are-biased (main split; the fields its README
lists, types as read from the generator's metadata: see the report for what was not checked) in the mirror
layout, messy replayed answers, accuracy and bias_ratio by hand under lmms-eval 0.7.3's rule, overall and
per topic."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "image": datasets.Image(), "ID": STR, "image_path": STR, "topic": STR, "sub_topic": STR, "prompt": STR,
        "ground_truth": STR, "expected_bias": STR, "with_title": datasets.Value("bool"),
        "type_of_question": STR, "pixel": datasets.Value("int64"), "metadata": STR,
    }
)  # fmt: skip
COUNT = "How many stripes are there in the logo? Answer with a number in curly brackets, e.g., {9}."
LINES = "Are the two horizontal lines equal in length? Answer in curly brackets, e.g., {Yes} or {No}."
# fmt: off
ROWS = [  # (id, topic, prompt, ground truth, expected bias, response, correct, biased)
    ("logo_1", "Logos", COUNT, "4", "3", "{4}", True, False),
    ("logo_2", "Logos", COUNT, "4", "3", "The logo has {3} stripes.", False, True),
    ("logo_3", "Logos", COUNT, "5", "3", "There are 3 stripes here, so {5}", False, False),  # digits "35"
    ("illusion_1", "Optical Illusion", LINES, "Yes", "No", "{No}", False, True),
    ("illusion_2", "Optical Illusion", LINES, "Yes", "No", "Yes.", False, False),  # neither: no digits
    ("animal_1", "Animals", "How many legs does this animal have? Answer in curly brackets.", "5", "4", " {5} ", True, False),
]
# fmt: on


def test_vlms_are_biased_accuracy_and_bias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    n = len(ROWS)
    columns = {
        "image": [image(c) for c in ("red", "green", "blue", "white", "black", "gray")],  # distinct requests
        "ID": [r[0] for r in ROWS],
        "image_path": [f"images/{r[0]}.png" for r in ROWS],
        "topic": [r[1] for r in ROWS],
        "sub_topic": ["sub"] * n,
        "prompt": [r[2] for r in ROWS],
        "ground_truth": [r[3] for r in ROWS],
        "expected_bias": [r[4] for r in ROWS],
        "with_title": [False] * n,
        "type_of_question": ["Q1"] * n,
        "pixel": [384] * n,
        "metadata": ["{}"] * n,
    }
    write_split(root, "anvo25/vlms-are-biased", "main", columns, FEATURES)
    results, samples = replay(tmp_path, monkeypatch, "vlms_are_biased", root, {r[0]: r[5] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (6, 6, 0)
    assert [samples[r[0]]["scores"]["accuracy"] == 1.0 for r in ROWS] == [r[6] for r in ROWS]
    assert [samples[r[0]]["scores"]["bias_ratio"] == 1.0 for r in ROWS] == [r[7] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(100 * 2 / 6)
    assert value(results, "bias_ratio") == pytest.approx(100 * 2 / 6)
    assert results["metrics"]["bias_ratio"]["higher_is_better"] is False
    assert value(results, "accuracy", "topic", "Logos") == pytest.approx(100 / 3)
    assert value(results, "bias_ratio", "topic", "Optical Illusion") == pytest.approx(50.0)
    assert value(results, "accuracy", "topic", "Animals") == pytest.approx(100.0)
    assert samples["logo_1"]["prompt"][0]["content"][1]["text"] == COUNT
    (report,) = validate(["vlms_are_biased"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
