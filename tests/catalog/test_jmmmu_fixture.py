"""JMMMU end to end: rows in MMMU's column layout, which lmms-eval 0.7.3 reads from JMMMU/JMMMU (id, question,
options as a Python-literal string, image_1..image_7, answer, question_type; the dataset card of JMMMU/JMMMU
was not at hand, so the other MMMU columns stand in for its remaining ones), in the mirror layout (one config
per subject, test split), tiny generated images, messy Japanese replayed answers, and accuracies computed by
hand from JMMMU's official parsing (overall and by question type)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.scoring.mmmu import fallback_choice
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "id": STR,
        "question": STR,
        "options": STR,
        "explanation": STR,
        **{f"image_{i}": datasets.Image() for i in range(1, 8)},
        "img_type": STR,
        "answer": STR,
        "topic_difficulty": STR,
        "question_type": STR,
        "subfield": STR,
    }
)
MC, OPEN = "multiple-choice", "open"
ART = [  # (id, question, options, images, answer, question_type, response, right)
    ("test_Japanese_Art_1", "<image1>の作者は誰ですか？", "['雪舟', '葛飾北斎', '歌川広重', '尾形光琳']", 1, "B", MC, "答えはBです", True),
    ("test_Japanese_Art_2", "<image 1>と<image 2>に共通する技法は？", "['水墨', '浮世絵', '大和絵', '琳派']", 2, "B", MC,
     "(A)", False),
    ("test_Japanese_Art_3", "<image 1>の様式は？", "['狩野派', '琳派', '円山派', '土佐派']", 1, "C", MC, "わかりません", None),
]  # fmt: skip
MATH = [
    ("test_Math_1", "<image 1>の三角形の面積を求めよ。", "[]", 1, "6", OPEN, "よって、面積は6", True),
    ("test_Math_2", "<image 1>の点の数はいくつですか？", "[]", 1, "12", OPEN, "答えは13個です。", False),
]
GUESS = fallback_choice("test_Japanese_Art_3", ["A", "B", "C", "D"])


def _columns(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    colors = ["red", "green", "blue"]
    return {
        "id": [r[0] for r in rows],
        "question": [r[1] for r in rows],
        "options": [r[2] for r in rows],
        "explanation": ["" for _ in rows],
        **{f"image_{i}": [image(colors[i - 1]) if i <= r[3] else None for r in rows] for i in range(1, 8)},
        "img_type": ["['絵画']" for _ in rows],
        "answer": [r[4] for r in rows],
        "topic_difficulty": ["中" for _ in rows],
        "question_type": [r[5] for r in rows],
        "subfield": ["x" for _ in rows],
    }


def test_jmmmu_japanese_art(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "JMMMU/JMMMU", "test", _columns(ART), FEATURES, config="Japanese_Art")
    results, samples = replay(tmp_path, monkeypatch, "jmmmu_japanese_art", root, {r[0]: r[6] for r in ART})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    right = [r[7] if r[7] is not None else GUESS == "C" for r in ART]
    assert [samples[r[0]]["scores"]["jmmmu_acc"] == 1.0 for r in ART] == right
    assert samples["test_Japanese_Art_3"]["extracted"] == GUESS
    assert value(results, "jmmmu_acc") == pytest.approx(100 * sum(right) / 3)
    content = samples["test_Japanese_Art_2"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "image", "text"]
    assert content[2]["text"] == (
        "<image 1>と<image 2>に共通する技法は？\nA. 水墨\nB. 浮世絵\nC. 大和絵\nD. 琳派\n\n"
        "与えられた選択肢の中から最も適切な回答のアルファベットを直接記入してください。"
    )
    assert samples["test_Japanese_Art_1"]["prompt"][0]["content"][1]["text"].startswith("<image 1>の作者")
    (report,) = validate(["jmmmu_japanese_art"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


def test_jmmmu_math_open_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_split(root, "JMMMU/JMMMU", "test", _columns(MATH), FEATURES, config="Math")
    results, samples = replay(tmp_path, monkeypatch, "jmmmu_math", root, {r[0]: r[6] for r in MATH})
    assert [samples[r[0]]["scores"]["jmmmu_acc"] == 1.0 for r in MATH] == [True, False]
    assert value(results, "jmmmu_acc") == pytest.approx(50.0)
    assert value(results, "jmmmu_acc", "question_type", OPEN) == pytest.approx(50.0)
    assert samples["test_Math_1"]["prompt"][0]["content"][1]["text"] == (
        "<image 1>の三角形の面積を求めよ。\n\n質問に対する回答を単語や短いフレーズで記入してください。"
    )


def test_every_jmmmu_subject_through_the_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One question per subject config (28 tasks), right in every other subject: each subject scores 100 or
    0, the jmmmu group pools them (14 of 28), and the culture groups pool their own members."""
    import json

    from lmms_eval.cli.main import main
    from lmms_eval.tasks.index import TaskIndex
    from lmms_eval.tasks.spec import GroupSpec, TaskSpec
    from lmms_eval.tasks.yaml_loader import parse_spec

    index = TaskIndex.build()
    group = parse_spec(Path(index.get("jmmmu").path))
    assert isinstance(group, GroupSpec) and len(group.tasks) == 28
    root, preds, right = tmp_path / "root", [], {}
    for i, task in enumerate(group.tasks):
        spec = parse_spec(Path(index.get(task).path))
        assert isinstance(spec, TaskSpec) and spec.dataset.hub is not None and spec.dataset.hub.name
        doc_id = f"test_{spec.dataset.hub.name}_1"
        row = (doc_id, "<image 1>はどれですか？", "['甲', '乙', '丙', '丁']", 1, "A", MC)
        write_split(root, "JMMMU/JMMMU", "test", _columns([row]), FEATURES, config=spec.dataset.hub.name)
        right[task] = i % 2 == 0
        preds.append(
            {"task": task, "doc_id": doc_id, "response": "答えはAです" if right[task] else "答えはBです"}
        )
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    pred_file = tmp_path / "preds.jsonl"
    pred_file.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
    out = tmp_path / "out"
    groups = ["jmmmu", "culture_agnostic", "culture_specific"]
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={pred_file}", "--tasks", ",".join(groups),
         "--data_root", str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    payload = json.loads(next(out.glob("replay/*/results.json")).read_text())
    for task, ok in right.items():
        assert payload["results"][task]["metrics"]["jmmmu_acc"]["value"] == (100.0 if ok else 0.0), task
    assert payload["groups"]["jmmmu"]["metrics"]["jmmmu_acc"]["value"] == pytest.approx(50.0)
    for name in groups[1:]:
        members = parse_spec(Path(index.get(name).path))
        assert isinstance(members, GroupSpec)
        expected = 100 * sum(right[t] for t in members.tasks) / len(members.tasks)
        assert payload["groups"][name]["metrics"]["jmmmu_acc"]["value"] == pytest.approx(expected), name
