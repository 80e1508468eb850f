"""MMBench end to end with circular evaluation: rows in the schema of lmms-lab-encoder/MMBench (configs en and
cn, with VLMEvalKit's circular copies, index + r * 1e6, which the tasks leave out and re-ask as rotations)
in the mirror layout, tiny generated images, one messy replayed answer per rotation (the replay file
addresses rotation r of doc i as ``i#r<r>``), and circular_accuracy / accuracy (rotation 0) computed by hand
from VLMEvalKit's rule-based matching (``can_infer``); the test split runs predict-only and writes the
submission file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")


def _features(index: Any) -> Any:  # the dataset card of lmms-lab/MMBench: en keeps index as a string
    names = ["question", "hint", "answer", "A", "B", "C", "D", "category", "source", "L2-category"]
    return datasets.Features(
        {"index": index, **{n: STR for n in names}, "image": datasets.Image(), "comment": STR, "split": STR}
    )


CP, FP, LR = "coarse_perception", "finegrained_perception (instance-level)", "logic_reasoning"
QUESTIONS = [  # (index, question, hint, options A-D, answer, category, L2-category)
    ("0", "What is the main object in the image?", None, ["teddy bear", "rabbit", "cat", "dog"], "A", "image_topic", CP),
    ("1", "Which season is shown?", "Look at the trees.", ["spring", "summer", "winter", None], "C", "image_season", CP),
    ("2", "Is the light on?", "nan", ["yes", "no", "nan", "nan"], "B", "attribute_recognition", FP),
    ("3", "Which statement is right?", None, ["Both A and B are right", "Only C", "None", "All"], "A", "logical", LR),
    ("4", "What colour is the car?", None, ["red", "green", "blue", "white"], "D", "attribute_recognition", FP),
]  # fmt: skip
# one answer per rotation: rotation r shows option (j + r) mod n at letter j, the answer moved with it
ANSWERS = {  # request doc id -> (response, right?)
    "0": ("A", True),  # [teddy bear, rabbit, cat, dog] -> A
    "0#r1": ("The answer is D.", True),  # [rabbit, cat, dog, teddy bear] -> D
    "0#r2": ("teddy bear", True),  # [cat, dog, teddy bear, rabbit] -> C, read from the option text
    "0#r3": ("B. teddy bear", True),  # [dog, teddy bear, rabbit, cat] -> B
    "1": ("C", True),  # [spring, summer, winter] -> C
    "1#r1": ("**B**", True),  # [summer, winter, spring] -> B
    "1#r2": ("C", False),  # [winter, spring, summer] -> A
    "2": ("Sorry, I can't help with images of people yet.", False),  # a refusal reads Z; answer B
    "2#r1": ("cannot say", True),  # [no, yes] -> A: official quirk, "no" is inside "cannot"
    "3": ("A", True),  # "A and B" names two option letters: asked once
    "4": ("D", True),  # [red, green, blue, white] -> D
    "4#r1": ("C", True),  # [green, blue, white, red] -> C
    "4#r2": ("I think the answer could be B or maybe C", False),  # two letters, no option text: unread
    "4#r3": ("A", True),  # [white, red, green, blue] -> A
}
COPIES = [("1000000", "0"), ("2000001", "1")]  # VLMEvalKit's circular copies in the split: not read


def _columns(rows: list[tuple[Any, ...]], split: str, index_type: type = str) -> dict[str, list[Any]]:
    return {
        "index": [index_type(r[0]) for r in rows],
        "question": [r[1] for r in rows],
        "hint": [r[2] for r in rows],
        "answer": [r[4] for r in rows],
        **{letter: [r[3][i] for r in rows] for i, letter in enumerate("ABCD")},
        "category": [r[5] for r in rows],
        "source": ["made-up" for _ in rows],
        "L2-category": [r[6] for r in rows],
        "image": [image(c) for c in ("red", "green", "blue", "white", "black", "gray", "pink")[: len(rows)]],
        "comment": [None for _ in rows],
        "split": [split for _ in rows],
    }


def _rows_with_copies() -> list[tuple[Any, ...]]:
    by_index = {q[0]: q for q in QUESTIONS}
    return [*QUESTIONS, *((index, *by_index[src][1:]) for index, src in COPIES)]


def _samples(tmp_path: Path, task: str) -> list[dict[str, Any]]:
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    return [json.loads(line) for line in (run_dir / f"samples_{task}.jsonl").read_text().splitlines()]


def test_mmbench_en_dev_circular_and_vanilla(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(
        root, "lmms-lab-encoder/MMBench", "dev", _columns(_rows_with_copies(), "dev"), _features(STR), "en"
    )
    predictions = {doc: response for doc, (response, _) in ANSWERS.items()}
    results, _ = replay(tmp_path, monkeypatch, "mmbench_en_dev", root, predictions)
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 14, 0)
    assert results["circular"] == {"n_requests": 14, "n_scored": 14, "n_docs_complete": 5, "n_docs_single": 1}
    samples = _samples(tmp_path, "mmbench_en_dev")
    ids = [s["doc_id"] + (f"#r{s['rotation']}" if s["rotation"] else "") for s in samples]
    assert ids == list(ANSWERS)
    assert [s["scores"]["accuracy"] == 1.0 for s in samples] == [right for _, right in ANSWERS.values()]
    assert [s["extracted"] for s in samples][7:9] == ["Z", "A"] and samples[12]["extracted"] is None
    # by hand: circular per doc [1, 0, 0, 1, 0], rotation 0 per doc [1, 1, 0, 1, 1]
    assert value(results, "circular_accuracy") == pytest.approx(40.0)
    assert value(results, "accuracy") == pytest.approx(80.0)
    assert results["metrics"]["circular_accuracy"]["n"] == 5 and results["metrics"]["accuracy"]["n"] == 5
    for l2, (circ, plain) in {CP: (50.0, 100.0), FP: (0.0, 50.0), LR: (100.0, 100.0)}.items():
        assert value(results, "circular_accuracy", "L2-category", l2) == pytest.approx(circ), l2
        assert value(results, "accuracy", "L2-category", l2) == pytest.approx(plain), l2
    assert value(results, "circular_accuracy", "category", "image_season") == 0.0
    assert value(results, "accuracy", "category", "image_season") == 100.0
    # lmms-eval 0.7.3's prompt, with the rotated options (doc 1, rotation 1) and without a "nan" hint
    texts = {i: s["prompt"][0]["content"][1]["text"] for i, s in zip(ids, samples)}
    assert [p["type"] for p in samples[0]["prompt"][0]["content"]] == ["image", "text"]
    assert texts["1#r1"] == (
        "Look at the trees. Which season is shown? There are several options:\nA. summer\nB. winter\n"
        "C. spring\n\nAnswer with the option's letter from the given choices directly."
    )
    assert texts["2"] == (
        "Is the light on? There are several options:\nA. yes\nB. no\n\n"
        "Answer with the option's letter from the given choices directly."
    )
    assert len({s["cache_key"] for s in samples}) == 14


def test_mmbench_cn_dev_prompt_and_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    rows = [("7", "图中是什么季节？", None, ["春天", "夏天", "冬天", None], "C", "image_season", CP)]
    write_split(root, "lmms-lab-encoder/MMBench", "dev", _columns(rows, "dev", int), _features(datasets.Value("int64")), "cn")  # fmt: skip
    predictions = {"7": "C", "7#r1": "选B", "7#r2": "答案是A"}  # "选B" / "答案是A" are one word each: unread
    results, _ = replay(tmp_path, monkeypatch, "mmbench_cn_dev", root, predictions)
    assert (results["n_docs"], results["n_scored"]) == (1, 3)
    assert value(results, "circular_accuracy") == 0.0 and value(results, "accuracy") == 100.0
    text = _samples(tmp_path, "mmbench_cn_dev")[1]["prompt"][0]["content"][1]["text"]
    assert text == (
        "图中是什么季节？ There are several options:\nA. 夏天\nB. 冬天\nC. 春天\n\n请直接使用所提供的选项字母作为答案回答。"
    )


def test_mmbench_en_test_writes_the_submission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    rows = [(q[0], *q[1:4], None, *q[5:]) for q in QUESTIONS[:2]]  # no public answers
    write_split(root, "lmms-lab-encoder/MMBench", "test", _columns(rows, "test"), _features(STR), "en")
    predictions = {"0": "A", "0#r1": "B", "0#r2": "C", "0#r3": "D", "1": "x\ty", "1#r1": "B", "1#r2": "C"}
    results, _ = replay(tmp_path, monkeypatch, "mmbench_en_test", root, predictions)
    assert results["metrics"] == {} and (results["n_docs"], results["n_scored"], results["n_errors"]) == (
        2,
        7,
        0,
    )
    assert results["circular"]["n_requests"] == 7
    run_dir = next((tmp_path / "out").glob("replay/*/"))
    with (run_dir / "submission_mmbench_en_test.tsv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter="\t"))
    assert [r["index"] for r in table] == ["0", "1000000", "2000000", "3000000", "1", "1000001", "2000001"]
    assert [r["prediction"] for r in table] == ["A", "B", "C", "D", "x\ty", "B", "C"]
    assert [table[1][c] for c in "ABCD"] == ["rabbit", "cat", "dog", "teddy bear"]  # the options as asked
    assert table[5]["D"] == "" and table[5]["hint"] == "Look at the trees." and table[5]["l2-category"] == CP
    assert list(table[0]) == [
        "index", "question", "hint", "A", "B", "C", "D", "prediction", "category", "l2-category", "split",
    ]  # fmt: skip
