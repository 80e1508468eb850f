"""MMBench variants end to end with circular evaluation: mmbench_cn_cc (lmms-lab-encoder/MMBench, config cc,
split test: no hint, L2-category, comment or split column), mmbench_cn_test (config cn, split test, no
public answers: predict-only with the submission file) and mmbench_ru_dev (deepvk/MMBench-ru, split dev,
``l2-category`` in lower case), each in its dataset's real schema in the mirror layout, with tiny generated
images and VLMEvalKit's circular copies (index + r * 1e6, not read), messy replayed answers per rotation
(``i#r<r>``), and circular_accuracy / accuracy computed by hand from VLMEvalKit's rule-based matching."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
INT = datasets.Value("int64")
CC_FEATURES = datasets.Features(  # the dataset card of lmms-lab/MMBench, config cc
    {
        "index": INT,
        "question": STR,
        "answer": STR,
        **{letter: STR for letter in "ABCD"},
        "category": STR,
        "image": datasets.Image(),
        "source": STR,
    }
)


def _full_features(l2: str, answer_first: bool) -> Any:
    """lmms-lab/MMBench cn (answer after hint) and deepvk/MMBench-ru (answer after the options)."""
    names = ["question", "hint", "answer", "A", "B", "C", "D"] if answer_first else [
        "question", "hint", "A", "B", "C", "D", "answer"]  # fmt: skip
    return datasets.Features(
        {
            "index": INT,
            **{n: STR for n in names},
            "category": STR,
            "image": datasets.Image(),
            "source": STR,
            l2: STR,
            "comment": STR,
            "split": STR,
        }
    )


def _rows(rows: list[tuple[Any, ...]], extra: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """rows: (index, question, options A-D, answer, category)."""
    colors = ["red", "green", "blue", "white", "black", "gray"]
    return {
        "index": [r[0] for r in rows],
        "question": [r[1] for r in rows],
        "answer": [r[3] for r in rows],
        **{letter: [r[2][i] for r in rows] for i, letter in enumerate("ABCD")},
        "category": [r[4] for r in rows],
        "image": [image(colors[i % len(colors)]) for i in range(len(rows))],
        "source": ["made-up" for _ in rows],
        **extra,
    }


def _samples(tmp_path: Path, task: str) -> list[dict[str, Any]]:
    """Every line of the samples file: one per doc and rotation, in order."""
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    return [json.loads(line) for line in (run_dir / f"samples_{task}.jsonl").read_text("utf-8").splitlines()]


CC = [  # (index, question, options, answer, category)
    (0, "图中所示建筑名称为?", ["天坛", "故宫", "黄鹤楼", "少林寺"], "A", "scenery_building"),
    (1, "这幅书法作品的字体是?", ["楷书", "草书", "隶书", None], "B", "calligraphy_painting"),
    (1000000, "图中所示建筑名称为?", ["故宫", "黄鹤楼", "少林寺", "天坛"], "D", "scenery_building"),  # a copy
]
CC_ANSWERS = {  # request doc id -> (response, right?)
    "0": ("A", True),  # [天坛, 故宫, 黄鹤楼, 少林寺] -> A
    "0#r1": ("答案是 D", True),  # [故宫, 黄鹤楼, 少林寺, 天坛] -> D: "D" is a word
    "0#r2": ("天坛", True),  # [黄鹤楼, 少林寺, 天坛, 故宫] -> C, read from the option text
    "0#r3": ("B", True),  # [少林寺, 天坛, 故宫, 黄鹤楼] -> B
    "1": ("B", True),  # [楷书, 草书, 隶书] -> B
    "1#r1": ("选A", False),  # [草书, 隶书, 楷书] -> A, but "选A" is one word: unread
    "1#r2": ("C", True),  # [隶书, 楷书, 草书] -> C
}


def test_mmbench_cn_cc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "lmms-lab-encoder/MMBench", "test", _rows(CC, {}), CC_FEATURES, config="cc")
    results, _ = replay(
        tmp_path, monkeypatch, "mmbench_cn_cc", root, {k: v[0] for k, v in CC_ANSWERS.items()}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 7, 0)
    # by hand: circular per doc [1, 0], rotation 0 per doc [1, 1]
    assert value(results, "circular_accuracy") == pytest.approx(50.0)
    assert value(results, "accuracy") == pytest.approx(100.0)
    assert value(results, "circular_accuracy", "category", "scenery_building") == 100.0
    assert value(results, "circular_accuracy", "category", "calligraphy_painting") == 0.0
    samples = _samples(tmp_path, "mmbench_cn_cc")
    assert [s["scores"]["accuracy"] == 1.0 for s in samples] == [right for _, right in CC_ANSWERS.values()]
    # lmms-eval 0.7.3's prompt (cc_utils): no hint, the English options header, the Chinese instruction
    assert samples[5]["prompt"][0]["content"][1]["text"] == (
        "这幅书法作品的字体是? There are several options:\nA. 草书\nB. 隶书\nC. 楷书\n\n请直接使用所提供的选项字母作为答案回答。"
    )
    (report,) = validate(["mmbench_cn_cc"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


def test_mmbench_cn_test_writes_the_submission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    rows = [(7, "图中是什么季节？", ["春天", "夏天", "冬天", None], None, "image_season"),
            (2000007, "图中是什么季节？", ["冬天", "春天", "夏天", None], None, "image_season")]  # fmt: skip
    extra = {"hint": ["看看树。", None], "L2-category": ["coarse_perception"] * 2, "comment": [None] * 2,
             "split": ["test"] * 2}  # fmt: skip
    write_split(root, "lmms-lab-encoder/MMBench", "test", _rows(rows, extra), _full_features("L2-category", True), "cn")  # fmt: skip
    results, _ = replay(
        tmp_path, monkeypatch, "mmbench_cn_test", root, {"7": "A", "7#r1": "B", "7#r2": "夏天"}
    )
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (1, 3, 0)
    assert _samples(tmp_path, "mmbench_cn_test")[0]["prompt"][0]["content"][1]["text"] == (
        "看看树。 图中是什么季节？ There are several options:\nA. 春天\nB. 夏天\nC. 冬天\n\n请直接使用所提供的选项字母作为答案回答。"
    )
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    with (run_dir / "submission_mmbench_cn_test.tsv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    assert [r["index"] for r in table] == ["7", "1000007", "2000007"]
    assert [r["prediction"] for r in table] == ["A", "B", "夏天"]
    assert [table[2][c] for c in "ABCD"] == ["冬天", "春天", "夏天", ""]  # the options as asked
    assert table[0]["l2-category"] == "coarse_perception" and table[0]["hint"] == "看看树。"
    (report,) = validate(["mmbench_cn_test"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


def test_mmbench_ru_dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    rows = [
        (3, "Какое время года показано?", ["весна", "лето", "зима", None], "C", "image_season"),
        (5, "Горит ли свет?", ["да", "нет", None, None], "B", "attribute_recognition"),
        (1000003, "Какое время года показано?", ["лето", "зима", "весна", None], "B", "image_season"),
    ]
    extra = {"hint": ["Посмотрите на деревья.", "nan", "Посмотрите на деревья."],
             "l2-category": ["coarse_perception", "finegrained_perception (instance-level)", "coarse_perception"],
             "comment": [None] * 3, "split": ["dev"] * 3}  # fmt: skip
    write_split(root, "deepvk/MMBench-ru", "dev", _rows(rows, extra), _full_features("l2-category", False))
    # 5#r1 shows [нет, да]: the answer moved to A
    answers = {"3": "C", "3#r1": "Ответ: B", "3#r2": "The answer is A", "5": "**B**", "5#r1": "да"}
    results, _ = replay(tmp_path, monkeypatch, "mmbench_ru_dev", root, answers)
    samples = {s["doc_id"]: s for s in _samples(tmp_path, "mmbench_ru_dev") if s["rotation"] == 0}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 5, 0)
    # doc 3: C, B ("Ответ: B": B a word among the last four), A -> right in all; doc 5: B right, then
    # [нет, да] with the answer moved to A, and "да" names option B's text: wrong. Circular per doc [1, 0].
    assert value(results, "circular_accuracy") == pytest.approx(50.0)
    assert value(results, "accuracy") == pytest.approx(100.0)
    assert value(results, "circular_accuracy", "l2-category", "coarse_perception") == 100.0
    fine = "finegrained_perception (instance-level)"
    assert value(results, "circular_accuracy", "l2-category", fine) == 0.0
    assert samples["3"]["prompt"][0]["content"][1]["text"] == (
        "Посмотрите на деревья. Какое время года показано? There are several options:\nA. весна\nB. лето\n"
        "C. зима\n\nВыбери правильный вариант ответа буквой."
    )
    no_hint = samples["5"]["prompt"][0]["content"][1]["text"]  # its hint is "nan"
    assert no_hint.startswith("Горит ли свет? There are")
    (report,) = validate(["mmbench_ru_dev"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
