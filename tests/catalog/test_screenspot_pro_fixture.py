"""screenspot_pro end to end: rows in the schema of TIGER-Lab/ScreenSpot-Pro as lmms-eval 0.7.3 reads it
(test: bbox [x1, y1, x2, y2] in pixels, img_size [w, h], instruction, ui_type, image) with the official
annotation files' other fields (id, img_filename, application, platform, group; assumed, the Hub viewer being
unreadable here) in the mirror layout, messy replayed clicks (0-1, pixels rescaled by img_size, x/y in JSON,
none, a <bbox> tag's centre on the border); the official click accuracy overall and per ui_type, group and
application, computed by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
INTS = datasets.Sequence(datasets.Value("int64"))
FEATURES = datasets.Features(
    {
        "id": STR,
        "img_filename": STR,
        "bbox": INTS,
        "img_size": INTS,
        "instruction": STR,
        "application": STR,
        "platform": STR,
        "group": STR,
        "ui_type": STR,
        "image": datasets.Image(),
    }  # fmt: skip
)
BIG, SMALL = [3840, 2160], [1920, 1080]
# (bbox, img_size, ui_type, application, platform, group, response, extracted point, click right)
ROWS = [
    ([384, 216, 768, 432], BIG, "text", "vscode", "windows", "Dev", "[0.15, 0.15]", [0.15, 0.15], 1.0),
    ([384, 216, 768, 432], BIG, "icon", "photoshop", "macos", "Creative", "(576, 324)", [0.15, 0.15], 1.0),
    ([0, 0, 384, 216], BIG, "text", "photoshop", "macos", "Creative", 'click {"x": 0.5, "y": 0.5}', [0.5, 0.5], 0.0),
    ([0, 0, 384, 216], BIG, "icon", "vscode", "windows", "Dev", "I cannot find it.", None, 0.0),
    ([960, 540, 1152, 648], SMALL, "icon", "autocad", "windows", "CAD", "<bbox>0.5 0.5 0.7 0.7</bbox>", [0.6, 0.6], 1.0),
]  # fmt: skip


def test_screenspot_pro_click_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    keys = ["bbox", "img_size", "ui_type", "application", "platform", "group"]
    columns: dict[str, list[Any]] = {key: [r[i] for r in ROWS] for i, key in enumerate(keys)}
    columns["id"] = [f"pro_{i}" for i in range(len(ROWS))]
    columns["img_filename"] = [f"{r[3]}/shot_{i}.png" for i, r in enumerate(ROWS)]
    columns["instruction"] = [
        "open the file menu",
        "pick the brush",
        "zoom in",
        "run the build",
        "draw a line",
    ]
    columns["image"] = [image(c) for c in ("red", "green", "blue", "white", "black")]
    write_split(root, "TIGER-Lab/ScreenSpot-Pro", "test", columns, FEATURES)
    task = "screenspot_pro"
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[6] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    for i, r in enumerate(ROWS):
        extracted = samples[str(i)]["extracted"]
        assert (json.loads(extracted) if extracted is not None else None) == pytest.approx(r[7]), r[6]
        assert samples[str(i)]["scores"]["action_acc"] == r[8], r[6]
    assert value(results, "action_acc") == pytest.approx(0.6)
    assert value(results, "action_acc", "ui_type", "text") == pytest.approx(0.5)  # the official text_acc
    assert value(results, "action_acc", "ui_type", "icon") == pytest.approx(2 / 3)  # the official icon_acc
    assert value(results, "action_acc", "group", "Dev") == pytest.approx(0.5)
    assert value(results, "action_acc", "group", "CAD") == pytest.approx(1.0)
    assert value(results, "action_acc", "application", "photoshop") == pytest.approx(0.5)
    assert value(results, "action_acc", "platform", "windows") == pytest.approx(2 / 3)
    (message,) = samples["3"]["prompt"]
    assert message["content"][-1]["text"].endswith(
        "Do not output a bounding box.\nInstruction: run the build"
    )
