"""`lmms-eval tasks validate`: the whole catalog has no errors, and each kind of mistake is reported as an
error (or warning) that names the task file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import write_text_task

from lmms_eval.cli.main import main
from lmms_eval.cli.tasks import validate_table
from lmms_eval.tasks.validate import Report, validate

LOCAL_TASKS = {  # catalog tasks whose data ships in the bundled sample pack: dry-run on real rows
    "nlvr_dev",
    "fsdd_digits",
    "mathvision_testmini",
    "mathvision_test",
    "synthetic_video_count",
    "synthetic_video_direction",
    "synthetic_video_order",
}


def _one(reports: list[Report], name: str) -> Report:
    (report,) = [r for r in reports if r.name == name]
    return report


def _messages(report: Report, level: str) -> list[str]:
    return [f.message for f in report.findings if f.level == level]


def test_the_whole_catalog_validates_without_errors(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["tasks", "validate", "--json"])
    out = json.loads(capsys.readouterr().out)
    errors = [t for t in out["tasks"] if t["status"] == "error"]
    assert not errors, "\n".join(f"{t['file']}: {t['reason']}" for t in errors)
    assert rc == 0
    by_name = {t["name"]: t for t in out["tasks"]}
    for name in LOCAL_TASKS:  # these ran on rows: loaded, rendered, media decoded, scored
        assert by_name[name]["data"] == "local" and by_name[name]["rows"] == 3, by_name[name]
        assert by_name[name]["status"] in ("ok", "warning"), by_name[name]
    assert {"mmmu_pro", "synthetic_video_qa"} <= {t["name"] for t in out["tasks"] if t["kind"] == "group"}
    assert set(out["summary"]) == {"ok", "warning", "error", "no_data"}


def test_a_task_without_data_here_is_checked_for_structure_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_download(*args: object) -> None:
        raise AssertionError("validate must not download")

    monkeypatch.setattr("lmms_eval.tasks.sources.hub.load_hub", no_download)
    report = _one(validate(["pope"]), "pope")
    assert (report.status, report.data, report.rows) == ("no_data", "none", 0)
    assert "no data here: structure checked only" in report.reason
    assert "lmms-lab-encoder/POPE/default/test.parquet" in report.reason


def _png(path: Path) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="PNG")
    return buf.getvalue()


HUB_TASK = """task: tiny_hub_qa
dataset:
  hub: {path: acme/tiny-qa, split: test, revision: 0123456789abcdef}
doc_id: qid
prompt:
  user:
    - image: image
    - text: "{{ question }} Answer yes or no."
target: "{{ answer }}"
extractor: yes_no
metrics:
  - {name: accuracy, scale: 100}
breakdown: [category]
"""


def test_a_hub_task_runs_on_the_mirror_rows(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    root, tasks = tmp_path / "root", tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "tiny_hub_qa.yaml").write_text(HUB_TASK)
    split = root / "hf" / "acme" / "tiny-qa" / "default" / "test.parquet"
    split.parent.mkdir(parents=True)
    image = {"bytes": _png(tmp_path), "path": None}
    table_ = pa.table({
        "qid": ["a", "b", "c", "d"],
        "question": ["Red?", "Blue?", "Square?", "Round?"],
        "answer": ["yes", "no", "yes", "no"],
        "category": ["color", "color", "shape", "shape"],
        "image": [image] * 4,
    })  # fmt: skip
    pq.write_table(table_, split)
    report = _one(validate([str(tasks)], data_root=root, rows=2), "tiny_hub_qa")
    assert (report.status, report.data, report.rows) == ("ok", "mirror", 2), report.findings

    # a broken image in the first rows fails its decoding
    table_ = table_.set_column(4, "image", pa.array([{"bytes": b"not a png", "path": None}] * 4))
    pq.write_table(table_, split)
    report = _one(validate([str(tasks)], data_root=root), "tiny_hub_qa")
    assert report.status == "error" and [f.check for f in report.findings] == ["media"]


def _task(tmp_path: Path, old: str = "", new: str = "", name: str = "toy_qa") -> Path:
    folder = write_text_task(tmp_path / "tasks", name=name, n=5)
    yaml = folder / f"{name}.yaml"
    text = yaml.read_text()
    assert old in text
    yaml.write_text(text.replace(old, new, 1))
    return yaml


def _check(yaml: Path, status: str, check: str) -> str:
    """Validate the file; it must have ``status`` and one finding of that level, from ``check``, that names
    the file (and the line, ``file:N``). Returns its message."""
    report = _one(validate([str(yaml)], data_root=yaml.parent), yaml.stem)
    assert report.status == status, report.findings
    level = "warning" if status == "warning" else "error"
    (finding,) = [f for f in report.findings if f.level == level]
    assert finding.check == check
    assert f"{yaml}:" in finding.message, finding.message
    assert report.file == str(yaml)
    return finding.message


def test_a_correct_local_task_is_ok(tmp_path: Path) -> None:
    yaml = _task(tmp_path)
    report = _one(validate([str(yaml)], data_root=tmp_path), "toy_qa")
    assert (report.status, report.data, report.rows, report.findings) == ("ok", "local", 3, [])


def test_unknown_metric_name(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "{name: accuracy}", "{name: acuracy}")
    message = _check(yaml, "error", "names")
    assert f"{yaml}:12:" in message and "Unknown metric 'acuracy'" in message and "accuracy" in message


def test_unknown_extractor_argument_and_aggregation(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "extractor: number", "extractor: {name: number, args: {frist: true}}")
    assert "does not take args" in _check(yaml, "error", "names")
    yaml = _task(tmp_path, "{name: accuracy}", "{name: accuracy, aggregation: avg}")
    assert "Unknown aggregation 'avg'" in _check(yaml, "error", "names")


def test_missing_doc_id_column(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "doc_id: qid", "doc_id: question_id")
    message = _check(yaml, "error", "columns")
    assert f"{yaml}:4:" in message and "'question_id'" in message and "Columns: answer, category" in message


def test_doc_ids_that_repeat(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "doc_id: qid", "doc_id: category")
    assert "is not unique (repeated: even, odd)" in _check(yaml, "error", "columns")


def test_prompt_column_missing(tmp_path: Path) -> None:
    yaml = _task(tmp_path, '"{{ question }}"', '"{{ questoin }}"')
    message = _check(yaml, "error", "columns")
    assert f"{yaml}:5:" in message and "prompt reads column(s) 'questoin'" in message


def test_breakdown_column_missing(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "metrics:", "breakdown: [categroy]\nmetrics:")
    assert "breakdown reads column(s) 'categroy'" in _check(yaml, "error", "columns")


def test_target_that_does_not_score_full_marks_against_itself(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "extractor: number", "extractor: yes_no")  # digits never read as yes/no
    message = _check(yaml, "warning", "self_score")
    assert "metric 'accuracy'" in message and "not score full marks in 3 of 3 rows" in message
    assert "doc 'q0' target '0'" in message


def test_unparseable_yaml(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "generation: {max_new_tokens: 8}", "generation: {max_new_tokens: 8")
    message = _check(yaml, "error", "parse")
    assert "malformed YAML" in message


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "doc_id: qid", "doc_idd: qid")
    message = _check(yaml, "error", "parse")
    assert f"{yaml}:4: unknown key 'doc_idd'; did you mean 'doc_id'?" in message


def test_template_that_does_not_compile(tmp_path: Path) -> None:
    yaml = _task(tmp_path, 'target: "{{ answer }}"', 'target: "{{ answer }"')
    assert "Invalid Jinja template" in _check(yaml, "error", "templates")


def test_a_media_file_that_is_missing(tmp_path: Path) -> None:
    yaml = _task(tmp_path, "    - text:", '    - image: {path: "img/{{ qid }}.png"}\n    - text:')
    (yaml.parent / "img").mkdir()
    for i in range(5):
        (yaml.parent / "img" / f"q{i}.png").write_bytes(_png(tmp_path))
    report = _one(validate([str(yaml)], data_root=tmp_path), "toy_qa")
    assert report.status == "ok", report.findings
    (yaml.parent / "img" / "q1.png").unlink()
    report = _one(validate([str(yaml)], data_root=tmp_path), "toy_qa")
    assert report.status == "error" and report.findings[0].check == "media"
    assert "q1.png" in report.findings[0].message


def test_hub_dataset_without_a_revision_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    yaml = folder / "tiny_hub_qa.yaml"
    yaml.write_text(HUB_TASK.replace(", revision: 0123456789abcdef", ""))
    report = _one(validate([str(yaml)], data_root=tmp_path), "tiny_hub_qa")
    assert report.status == "warning" and report.data == "none"
    assert "has no revision" in _messages(report, "warning")[0]


def test_group_with_an_unknown_task(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    _task(tmp_path)
    (folder / "toy_group.yaml").write_text("group: toy_group\ntasks: [toy_qa, toy_qb]\n")
    reports = validate(["toy_group"], include_paths=[folder], data_root=folder)
    assert [r.name for r in reports] == ["toy_group", "toy_qa"]  # a group brings its tasks
    group = reports[0]
    assert group.status == "error" and f"{folder / 'toy_group.yaml'}:2:" in group.reason
    assert "Unknown task 'toy_qb'" in group.reason


def test_a_template_selects_the_files_that_include_it(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    yaml = _task(tmp_path)
    base = folder / "_base.yaml"
    base.write_text(yaml.read_text().replace("task: toy_qa\n", ""))
    yaml.write_text("include: _base.yaml\ntask: toy_qa\n")
    reports = validate([str(base)], data_root=folder)
    assert [(r.name, r.status) for r in reports] == [("toy_qa", "ok")]
    base.write_text(base.read_text().replace("doc_id: qid", "doc_id: nope"))
    (report,) = validate([str(base)], data_root=folder)
    assert f"{base}:3:" in report.reason  # the line in the template that sets doc_id


def test_cli_table_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _task(tmp_path)
    assert main(["tasks", "validate", str(good), "--data_root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["Name", "Kind", "Status", "Data", "Rows", "Seconds", "Reason"]
    assert "1 files checked" in out and "1 ok" in out
    bad = _task(tmp_path, "doc_id: qid", "doc_id: nope", name="toy_bad")
    assert main(["tasks", "validate", str(bad), "--data_root", str(tmp_path), "--rows", "1"]) == 1
    out = capsys.readouterr().out
    assert f"toy_bad (error): {bad}" in out and "1 error" in out
    assert main(["tasks", "validate", "no_such_task_anywhere"]) == 2
    assert "Unknown task 'no_such_task_anywhere'" in capsys.readouterr().err


def test_describing_a_task_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tasks", "nlvr_dev", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "nlvr_dev"
    assert main(["tasks", "nlvr_dev", "fsdd_digits"]) == 2


def test_table_lists_details_of_problems() -> None:
    report = Report(name="t", kind="task", file="/x/t.yaml", data="local", rows=3)
    report.add("error", "columns", "/x/t.yaml:4: doc_id: column 'a' is not in the data.\nmore")
    report.finish()
    text = validate_table([report])
    assert "t (error): /x/t.yaml" in text and "error   columns" in text
    assert text.splitlines()[1].split()[:3] == ["t", "task", "error"]
