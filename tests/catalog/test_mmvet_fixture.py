"""mmvet end to end, predict-only (its official score is MM-Vet's GPT-4 grader, which comes with the judge):
rows in the schema of lmms-lab/MMVet (test) in the mirror layout, and the official layout of MM-Vet v1
(github.com/yuweihao/MM-Vet: mm-vet/mm-vet.json keyed by question id, images under mm-vet/images) read from
../shared/data/mm_vet (beside the repository) when it is there, by a task file that includes mmvet and adds that local source. The run completes, nothing is scored,
and every sample carries its response, prompt and reference answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, write_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of lmms-lab/MMVet
    {
        "question_id": STR,
        "image": datasets.Image(),
        "question": STR,
        "answer": STR,
        "image_source": STR,
        "capability": datasets.Sequence(STR),
    }
)
PRE = "First please perform reasoning, and think step by step to provide best answer to the following question: \n\n"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"  # the shared data beside the repository


def test_mmvet_records_responses_without_a_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "question_id": ["v1_0", "v1_1"],
        "image": [image("red"), image("blue")],
        "question": ["What is x in the equation?", "What is d in the last equation?"],
        "answer": ["-1<AND>-5", "1.25<OR>=1.25<OR>5/4"],
        "image_source": ["web", "web"],
        "capability": [["ocr", "math"], ["ocr", "math"]],
    }
    write_split(root, "lmms-lab-encoder/MMVet", "test", columns, FEATURES)
    answers = {"v1_0": "x = -1 or x = -5", "v1_1": "  d = 5/4\n"}
    results, samples = replay(tmp_path, monkeypatch, "mmvet", root, answers)
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (2, 2, 0)
    assert {k: s["response"] for k, s in samples.items()} == answers
    assert samples["v1_1"]["target"] == "1.25<OR>=1.25<OR>5/4"
    content = samples["v1_0"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "text"]
    assert content[1]["text"] == PRE + "What is x in the equation?"
    (report,) = validate(["mmvet"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []


MMVET_YAML = Path(__file__).parents[2] / "lmms_eval/tasks/catalog/mmvet/mmvet.yaml"
LOCAL_TASK = """include: {yaml}
task: mmvet_official_layout
dataset:
  local: {{path: mm_vet/mm-vet/mm-vet.json, media_root: mm_vet/mm-vet/images, alias: {{question_id: _key, image: imagename}}}}
"""


@pytest.mark.skipif(
    not (SHARED / "mm_vet/mm-vet/mm-vet.json").is_file(), reason="MM-Vet v1 not in shared data"
)
def test_mmvet_reads_the_official_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog task over the official layout (read, never copied), through a task file that includes it and
    adds the local source: the hub mirror is absent from the shared data root, so the local rows are read."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "mmvet_official_layout.yaml").write_text(LOCAL_TASK.format(yaml=MMVET_YAML), encoding="utf-8")
    questions = json.loads((SHARED / "mm_vet/mm-vet/mm-vet.json").read_text(encoding="utf-8"))
    preds = tmp_path / "predictions.jsonl"
    lines = [{"task": "mmvet_official_layout", "doc_id": q, "response": f"answer to {q}"} for q in questions]
    preds.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "mmvet_official_layout",
            "--include_path", str(tasks), "--data_root", str(SHARED), "--output_path", str(out)]  # fmt: skip
    assert main(argv) == 0
    run_dir = next(out.glob("replay/*/"))
    results = json.loads((run_dir / "results.json").read_text())["results"]["mmvet_official_layout"]
    assert results["metrics"] == {}
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (218, 218, 0)
    samples = [
        json.loads(x) for x in (run_dir / "samples_mmvet_official_layout.jsonl").read_text().splitlines()
    ]
    by_id = {s["doc_id"]: s for s in samples}
    assert {k: s["response"] for k, s in by_id.items()} == {q: f"answer to {q}" for q in questions}
    assert by_id["v1_0"]["target"] == "-1<AND>-5"
    assert by_id["v1_0"]["prompt"][0]["content"][1]["text"] == PRE + "What is x in the equation?"
