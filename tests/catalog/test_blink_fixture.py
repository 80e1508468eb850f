"""blink end to end: a few rows per subtask in the schema of BLINK-Benchmark/BLINK (val, one config per
subtask) in the mirror layout (made-up questions, tiny generated images, one to four per row), messy replayed
answers read with BLINK's rules (a whole letter, or the one "(X)" word of the answer or of its last
paragraph; anything else would go to GPT-3.5 and counts as wrong here), each subtask's accuracy and the
group's plain mean of the 14 by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, image, write_split

from lmms_eval.cli.main import main

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the dataset card of BLINK-Benchmark/BLINK
    {
        "idx": STR,
        "question": STR,
        "sub_task": STR,
        "image_1": datasets.Image(),
        "image_2": datasets.Image(),
        "image_3": datasets.Image(),
        "image_4": datasets.Image(),
        "choices": datasets.Sequence(STR),
        "answer": STR,
        "prompt": STR,
        "explanation": STR,
    }
)
CONFIGS = ["Art_Style", "Counting", "Forensic_Detection", "Functional_Correspondence", "IQ_Test", "Jigsaw",
           "Multi-view_Reasoning", "Object_Localization", "Relative_Depth", "Relative_Reflectance",
           "Semantic_Correspondence", "Spatial_Relation", "Visual_Correspondence", "Visual_Similarity"]  # fmt: skip
# Art_Style: two rows (three images, two options); every other subtask one row (one image, four options)
ART = [  # (answer, response, read as)
    ("(A)", "(A)", "(A)"),
    ("(B)", "The second image.\n\n(B)", "(B)"),
]
OTHER = {  # config -> (answer, response, read as); None: deferred to GPT, wrong
    "Counting": ("(C)", "C", "(C)"),
    "Forensic_Detection": ("(A)", "A.", None),
    "Jigsaw": ("(B)", "The answer is (B).", None),  # "(B)." is not the word "(B)"
    "Relative_Depth": ("(D)", "I pick (D) here", "(D)"),
}


def _task(config: str) -> str:
    return "blink_" + config.lower().replace("-", "_")


def _row(config: str, i: int, answer: str, n_images: int, n_choices: int) -> dict[str, object]:
    return {
        "idx": f"val_{config}_{i}",
        "question": f"Question {i} of {config}?",
        "sub_task": config.replace("_", " "),
        **{f"image_{k}": image("red") if k <= n_images else None for k in range(1, 5)},
        "choices": [f"choice {c}" for c in "ABCD"[:n_choices]],
        "answer": answer,
        "prompt": f"Question {i} of {config}?\nSelect from the following choices.\n(A) choice A\n(B) choice B",
        "explanation": "",
    }


def test_blink_group_is_the_mean_of_the_subtasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    preds: list[dict[str, str]] = []
    for config in CONFIGS:
        if config == "Art_Style":
            rows = [_row(config, i + 1, a, 3, 2) for i, (a, _, _) in enumerate(ART)]
            responses = [r for _, r, _ in ART]
        else:
            answer, response, _ = OTHER.get(config, ("(A)", "(B)", "(B)"))
            rows, responses = [_row(config, 1, answer, 1, 4)], [response]
        columns = {k: [r[k] for r in rows] for k in FEATURES}
        write_split(root, "BLINK-Benchmark/BLINK", "val", columns, FEATURES, config=config)
        preds += [
            {"task": _task(config), "doc_id": str(r["idx"]), "response": x} for r, x in zip(rows, responses)
        ]
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    file = tmp_path / "preds.jsonl"
    file.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["run", "--model", "replay", "--model_args", f"path={file}", "--tasks", "blink", "--data_root",
               str(root), "--output_path", str(out)])  # fmt: skip
    assert rc == 0
    run_dir = next(out.glob("replay/*/"))
    payload = json.loads((run_dir / "results.json").read_text())
    results = payload["results"]
    art = results["blink_art_style"]
    assert art["metrics"]["blink_acc"]["value"] == 1.0
    samples = [json.loads(x) for x in (run_dir / "samples_blink_art_style.jsonl").read_text().splitlines()]
    assert [s["extracted"] for s in samples] == [x for _, _, x in ART]
    parts = samples[0]["prompt"][0]["content"]
    assert [p["type"] for p in parts] == ["image", "image", "image", "text"]  # image_4 is empty
    assert parts[-1]["text"] == (
        "Note: You only need to respond with A, B without providing any additional information.\n"
        "Question 1 of Art_Style?\nSelect from the following choices.\n(A) choice A\n(B) choice B"
    )
    per_task = {c: results[_task(c)]["metrics"]["blink_acc"]["value"] for c in CONFIGS}
    expected = {c: 1.0 for c in CONFIGS}  # the default row reads "(B)" and its answer is "(A)": wrong
    expected.update({c: 0.0 for c in CONFIGS if c not in OTHER and c != "Art_Style"})
    expected.update({"Forensic_Detection": 0.0, "Jigsaw": 0.0})
    assert per_task == expected
    group = payload["groups"]["blink"]["metrics"]["blink_acc"]["value"]
    assert group == pytest.approx(sum(expected.values()) / 14)  # the plain mean of the subtasks (3/14)
