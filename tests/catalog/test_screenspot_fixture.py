"""screenspot_rec_test end to end: rows in the schema of rootsautomation/ScreenSpot (test: file_name, bbox
[x1, y1, x2, y2] normalised, instruction, data_type, data_source, image) in the mirror layout, messy replayed
boxes (0-1, a 0-1000 grid in parentheses, none, unreadable); the click accuracy (SeeClick: the box's centre
in the element's box) overall and per platform / element type, and IoU accuracy, computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "file_name": STR,
        "bbox": datasets.Sequence(datasets.Value("float64")),
        "instruction": STR,
        "data_type": STR,
        "data_source": STR,
        "image": datasets.Image(),
    }  # fmt: skip
)
# (file_name, bbox, instruction, data_type, data_source, response, IoU, click right)
ROWS = [
    (
        "ios_1.png",
        [0.1, 0.1, 0.3, 0.2],
        "open settings",
        "text",
        "ios",
        "[0.12, 0.11, 0.28, 0.19]",
        0.64,
        1.0,
    ),
    (
        "win_1.png",
        [0.5, 0.5, 0.6, 0.6],
        "close the window",
        "icon",
        "windows",
        "(500, 500, 600, 600)",
        1.0,
        1.0,
    ),
    (
        "web_1.png",
        [0.2, 0.2, 0.4, 0.4],
        "search",
        "text",
        "gitlab",
        "Click at [0.9, 0.9, 0.95, 0.95]",
        0.0,
        0.0,
    ),
    (
        "and_1.png",
        [0.0, 0.0, 0.1, 0.1],
        "go back",
        "icon",
        "android",
        "I can't see it.",
        0.0,
        1.0,
    ),  # [0, 0, 0, 0]
    ("mac_1.png", [0.3, 0.3, 0.5, 0.5], "open finder", "text", "macos", "[0.3 , 0.3, 0.5, 0.5]", 0.0, 0.0),
]


def test_screenspot_click_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        key: [r[i] for r in ROWS]
        for i, key in enumerate(["file_name", "bbox", "instruction", "data_type", "data_source"])
    }
    columns["image"] = [image(c) for c in ("red", "green", "blue", "white", "black")]
    write_split(root, "rootsautomation/ScreenSpot", "test", columns, FEATURES)
    task = "screenspot_rec_test"
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[5] for i, r in enumerate(ROWS)})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    for i, r in enumerate(ROWS):
        assert samples[str(i)]["scores"]["iou"] == pytest.approx(r[6]), r[5]
        assert samples[str(i)]["scores"]["center_acc"] == r[7], r[5]
    assert samples["1"]["extracted"] == "[0.5, 0.5, 0.6, 0.6]"  # the 0-1000 grid, divided by 1000
    assert value(results, "center_acc") == pytest.approx(0.6)
    assert value(results, "acc@0.5") == pytest.approx(0.4)
    assert value(results, "iou") == pytest.approx(1.64 / 5)
    groups = {
        "mobile_text": 1.0,
        "desktop_icon": 1.0,
        "web_text": 0.0,
        "mobile_icon": 1.0,
        "desktop_text": 0.0,
    }
    for group, expected in groups.items():
        assert value(results, "center_acc", "platform_type", group) == pytest.approx(expected), group
    assert value(results, "center_acc", "platform", "desktop") == pytest.approx(0.5)
    assert value(results, "center_acc", "data_type", "text") == pytest.approx(1 / 3)
    (message,) = samples["0"]["prompt"]
    assert message["content"][-1]["text"].endswith(
        "with two decimal places of precision (e.g., 0.15). Please provide the bounding box coordinates of the "
        "region that corresponds to the command: open settings"
    )
