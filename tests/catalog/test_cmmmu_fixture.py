"""CMMMU end to end: rows in the schema of lmms-lab-encoder/CMMMU (default config, val and test splits;
option1..option4, image_1..image_5 with their file names) in the mirror layout, tiny generated images,
messy replayed answers of the three question types, and accuracies computed by hand from CMMMU's official
judge (overall, by discipline and by question type); the test split runs predict-only and writes the
submission file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
TEXT_BEFORE = ["id", "type", "source_type", "source", "question", "option1", "option2", "option3", "option4"]
TEXT_AFTER = ["answer", "analysis", "distribution", "difficulty_level", "subcategory", "category", "subfield",
              "img_type"]  # fmt: skip
FEATURES = datasets.Features(  # the dataset card of lmms-lab/CMMMU
    {
        **{n: STR for n in TEXT_BEFORE},
        **{f"image_{i}": datasets.Image() for i in range(1, 6)},
        **{n: STR for n in TEXT_AFTER},
        **{f"image_{i}_filename": STR for i in range(1, 6)},
    }
)
MC, TF, FILL = "选择", "判断", "填空"
SCI, ART = "科学", "艺术与设计"
# (id, type, question, options, answer, category, response, right)
ROWS: list[tuple[Any, ...]] = [
    (
        "val_1",
        MC,
        '<img="m1.png">中的函数在x=0处的导数是？',
        ["0", "1", "2", "不存在"],
        "B",
        SCI,
        "答案是(B)",
        True,
    ),
    (
        "val_2",
        MC,
        '<img="m2.png">属于哪个朝代？',
        ["唐", "宋", "元", "明"],
        "C",
        ART,
        "我认为是元朝的作品",
        True,
    ),
    (
        "val_3",
        MC,
        '<img="m3.png">哪些是质数？',
        ["2", "4", "3", "9"],
        "AC",
        SCI,
        "A和C",
        True,
    ),  # both letters once
    ("val_4", TF, '<img="t1.png">图中三角形是直角三角形。', [None] * 4, "对", SCI, "这个说法是正确的", True),
    ("val_5", TF, '<img="t2.png">这幅画是油画。', [None] * 4, "错", ART, "不对", False),  # "不对" holds 对
    ("val_6", FILL, '<img="f1.png">求图中电阻的阻值（欧姆）。', [None] * 4, "20", SCI, "所以R=20.0", True),
    (
        "val_7",
        FILL,
        '<img="f2.png">图中建筑的风格是____。',
        [None] * 4,
        "哥特式",
        ART,
        "答案是巴洛克式",
        False,
    ),
    (
        "val_8",
        MC,
        '<img="m4.png">哪个是红色？',
        ["甲", "乙", "丙", "丁"],
        "D",
        ART,
        "无法确定",
        None,
    ),  # guess
]
GUESS = fallback_choice("val_8", ["A", "B", "C", "D"])


def _columns(rows: list[tuple[Any, ...]], with_answers: bool = True) -> dict[str, list[Any]]:
    return {
        "id": [r[0] for r in rows],
        "type": [r[1] for r in rows],
        "source_type": ["exam" for _ in rows],
        "source": ["made-up" for _ in rows],
        "question": [r[2] for r in rows],
        **{f"option{i + 1}": [r[3][i] for r in rows] for i in range(4)},
        "image_1": [image("red") for _ in rows],
        **{f"image_{i}": [None for _ in rows] for i in range(2, 6)},
        "answer": [r[4] if with_answers else None for r in rows],
        "analysis": ["" for _ in rows],
        "distribution": ["" for _ in rows],
        "difficulty_level": ["中" for _ in rows],
        "subcategory": [{SCI: "数学", ART: "艺术"}[r[5]] for r in rows],
        "category": [r[5] for r in rows],
        "subfield": ["x" for _ in rows],
        "img_type": ["['图表']" for _ in rows],
        "image_1_filename": [r[2].split('"')[1] for r in rows],
        **{f"image_{i}_filename": [None for _ in rows] for i in range(2, 6)},
    }


def test_cmmmu_val_official_judge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab-encoder/CMMMU", "val", _columns(ROWS), FEATURES)
    results, samples = replay(tmp_path, monkeypatch, "cmmmu_val", root, {r[0]: r[6] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (8, 8, 0)
    right = [r[7] if r[7] is not None else GUESS == "D" for r in ROWS]
    assert [samples[r[0]]["scores"]["cmmmu_acc"] == 1.0 for r in ROWS] == right
    assert samples["val_8"]["extracted"] == GUESS
    assert [samples[f"val_{i}"]["extracted"] for i in (1, 2, 3, 4, 5)] == ["B", "C", "AC", "对", "对"]
    n_right = sum(right)
    assert value(results, "cmmmu_acc") == pytest.approx(100 * n_right / 8)
    assert value(results, "cmmmu_acc", "type", TF) == pytest.approx(50.0)
    assert value(results, "cmmmu_acc", "type", FILL) == pytest.approx(50.0)
    sci = [ok for r, ok in zip(ROWS, right) if r[5] == SCI]
    assert value(results, "cmmmu_acc", "category", SCI) == pytest.approx(100 * sum(sci) / len(sci))
    # lmms-eval 0.7.3's prompt: the image, then the instruction and the question with <图片 1>
    content = samples["val_1"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "text"]
    assert content[1]["text"] == (
        "请回答以下多项选择题，并选出正确选项。这些题目可能包括单选和多选题型。如果所提供的信息不足以确定一个明确的答案，"
        "那么请根据可用的数据和你的判断来选择最可能正确的选项。\n\n问题：<图片 1>中的函数在x=0处的导数是？\n选项：\n"
        "(A) 0\n(B) 1\n(C) 2\n(D) 不存在\n\n正确答案：\n"
    )
    assert samples["val_6"]["prompt"][0]["content"][1]["text"].endswith(
        "\n\n问题：<图片 1>求图中电阻的阻值（欧姆）。\n正确答案：\n"
    )
    (report,) = validate(["cmmmu_val"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


def test_cmmmu_test_writes_the_submission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    rows = [("test_" + r[0], *r[1:]) for r in ROWS[:2]]
    write_split(root, "lmms-lab-encoder/CMMMU", "test", _columns(rows, with_answers=False), FEATURES)
    results, _ = replay(tmp_path, monkeypatch, "cmmmu_test", root, {r[0]: r[6] for r in rows})
    assert results["metrics"] == {} and (results["n_docs"], results["n_scored"]) == (2, 2)
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    with (run_dir / "submission_cmmmu_test.tsv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    assert table == [
        {"id": "test_val_1", "type": MC, "response": "答案是(B)"},
        {"id": "test_val_2", "type": MC, "response": "我认为是元朝的作品"},
    ]
