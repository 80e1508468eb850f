"""Task YAML: strict validation, includes, filters, groups, few-shot and family overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_text_task

from lmms_eval.core.errors import ConfigError, DataError
from lmms_eval.core.types import ImagePart, TextPart
from lmms_eval.tasks.spec import GroupSpec, TaskSpec
from lmms_eval.tasks.task import Task
from lmms_eval.tasks.yaml_loader import parse_spec


def _task(folder: Path, name: str = "toy_qa") -> Task:
    spec = parse_spec(folder / f"{name}.yaml")
    assert isinstance(spec, TaskSpec)
    return Task(spec, folder / f"{name}.yaml", folder)


def test_include_merges_and_child_wins(tmp_path: Path) -> None:
    write_text_task(tmp_path)
    base = (tmp_path / "toy_qa.yaml").read_text()
    (tmp_path / "_base.yaml").write_text(base.replace("task: toy_qa\n", "tags: [demo]\n"))
    (tmp_path / "child.yaml").write_text(
        "include: _base.yaml\ntask: child\ngeneration: {max_new_tokens: 3}\n"
    )
    spec = parse_spec(tmp_path / "child.yaml")
    assert isinstance(spec, TaskSpec)
    assert spec.task == "child" and spec.tags == ["demo"] and spec.generation == {"max_new_tokens": 3}


def test_include_cycle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("include: b.yaml\ntask: a\n")
    (tmp_path / "b.yaml").write_text("include: a.yaml\n")
    with pytest.raises(ConfigError, match="include cycle"):
        parse_spec(tmp_path / "a.yaml")


def test_nested_unknown_key_and_bad_value(tmp_path: Path) -> None:
    write_text_task(tmp_path)
    path = tmp_path / "toy_qa.yaml"
    path.write_text(
        path.read_text()
        .replace("generation: {max_new_tokens: 8}", "generation: {max_new_tokns: 8}")
        .replace("  local: {path: ./toy_qa.jsonl}", "  local: {path: ./toy_qa.jsonl, fromat: jsonl}")
    )
    with pytest.raises(ConfigError) as info:
        parse_spec(path)
    msg = str(info.value)
    assert "toy_qa.yaml:3: unknown key 'dataset.local.fromat'; did you mean 'format'?" in msg
    assert "toy_qa.yaml:9: unknown key 'generation.max_new_tokns'; did you mean 'max_new_tokens'?" in msg


def test_doc_ids_are_the_dataset_ids_and_must_be_unique(tmp_path: Path) -> None:
    task = _task(write_text_task(tmp_path, n=5))
    assert [d.id for d in task.docs()] == ["q0", "q1", "q2", "q3", "q4"]
    with (tmp_path / "toy_qa.jsonl").open("a") as fh:
        fh.write(json.dumps({"qid": "q0", "question": "dup", "answer": "0", "category": "even"}) + "\n")
    with pytest.raises(DataError, match="doc id 'q0'.*not unique"):
        _task(tmp_path).docs()


def test_row_index_ids_without_doc_id(tmp_path: Path) -> None:
    write_text_task(tmp_path, n=3)
    path = tmp_path / "toy_qa.yaml"
    path.write_text(path.read_text().replace("doc_id: qid\n", ""))
    assert [d.id for d in _task(tmp_path).docs()] == ["0", "1", "2"]


def test_filter_and_media_parts(tmp_path: Path) -> None:
    write_text_task(tmp_path, n=10, extra="")
    path = tmp_path / "toy_qa.yaml"
    text = path.read_text().replace(
        "  local: {path: ./toy_qa.jsonl}", "  local: {path: ./toy_qa.jsonl}\n  filter: \"category == 'odd'\""
    )
    text = text.replace(
        '    - text: "{{ question }}"',
        '    - image: {path: "img/{{ qid }}.png", max_pixels: 1000}\n    - text: "{{ question }}"',
    )
    path.write_text(text)
    task = _task(tmp_path)
    assert [d.id for d in task.docs()] == ["q1", "q3", "q5", "q7", "q9"]
    msgs = task.messages(task.docs()[0], family=None, num_fewshot=None)
    image, question = msgs[-1].content
    assert isinstance(image, ImagePart) and image.ref.path == str(tmp_path / "img" / "q1.png")
    assert image.max_pixels == 1000
    assert isinstance(question, TextPart) and question.text == "What is 1 plus zero?"


def test_fewshot_and_family_override(tmp_path: Path) -> None:
    write_text_task(
        tmp_path,
        n=6,
        extra=(
            "fewshot:\n  dataset: {local: {path: ./toy_qa.jsonl}}\n  num: 2\n"
            "overrides:\n  qwen2_vl:\n    prompt: {system: 'Be brief.', user: ['Q: {{ question }}']}\n"
            "    generation: {max_new_tokens: 2}\n"
        ),
    )
    task = _task(tmp_path)
    doc = task.docs()[0]
    msgs = task.messages(doc, family=None, num_fewshot=None)
    assert [m.role for m in msgs] == ["user", "assistant", "user", "assistant", "user"]
    assert all(m.text() != "What is 0 plus zero?" for m in msgs[:-1]), "a doc is never its own example"
    assert msgs == task.messages(doc, family=None, num_fewshot=None), "examples are seeded"
    assert len(task.messages(doc, family=None, num_fewshot=0)) == 1
    qwen = task.messages(doc, family="qwen2_vl", num_fewshot=0)
    assert [m.role for m in qwen] == ["system", "user"] and qwen[1].text() == "Q: What is 0 plus zero?"
    assert task.generation("qwen2_vl").max_new_tokens == 2 and task.generation(None).max_new_tokens == 8


def test_group_file(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text("group: g\ntasks: [a, b]\naggregate: macro\n")
    spec = parse_spec(tmp_path / "g.yaml")
    assert isinstance(spec, GroupSpec) and spec.aggregate == "macro"


def test_every_catalog_task_validates_and_loads() -> None:
    from lmms_eval.tasks.data_root import BUNDLED_DATA
    from lmms_eval.tasks.index import CATALOG_DIR, yaml_files

    for path in yaml_files([CATALOG_DIR]):
        spec = parse_spec(path)
        if isinstance(spec, TaskSpec) and spec.dataset.local is not None:
            task = Task(spec, path, BUNDLED_DATA)
            assert task.docs(), path
            task.messages(task.docs()[0], None, None)
            assert task.target(task.docs()[0]) not in (None, "")
