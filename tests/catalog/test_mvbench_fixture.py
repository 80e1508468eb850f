"""mvbench end to end: one row per task (two for action_count) in the schema of OpenGVLab/MVBench's json
configs (split train), in the mirror layout, tiny generated videos in each task's source folder under the media
folder (as the zips under video/ extract), messy replayed answers, lmms-eval 0.7.3's verdicts by hand, per
task and for the group (the plain mean of the 20 task accuracies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hub_fixture import datasets, write_split
from test_videomme_fixture import tiny_mp4

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"video": STR, "question": STR, "candidates": datasets.Sequence(STR), "answer": STR}
)
FOLDERS = {
    "object_interaction": "star/Charades_segment",
    "action_sequence": "star/Charades_segment",
    "action_prediction": "star/Charades_segment",
    "action_localization": "sta/sta_video_segment",
    "moving_count": "clevrer/video_validation",
    "fine_grained_pose": "nturgbd_convert",
    "character_order": "perception/videos",
    "object_shuffle": "perception/videos",
    "egocentric_navigation": "vlnqa",
    "moving_direction": "clevrer/video_validation",
    "episodic_reasoning": "tvqa/video_fps3_hq_segment",
    "fine_grained_action": "Moments_in_Time_Raw/videos",
    "scene_transition": "scene_qa/video",
    "state_change": "perception/videos",
    "moving_attribute": "clevrer/video_validation",
    "action_antonym": "ssv2_video_mp4",
    "unexpected_action": "FunQA_test/test",
    "counterfactual_inference": "clevrer/video_validation",
    "object_existence": "clevrer/video_validation",
    "action_count": "perception/videos",
}
CANDIDATES = ["a dog", "a cat", "a bird"]
# task -> [(answer, response, right)]; the other tasks answer "a cat" (B) and read "(B) a cat.": right
SPECIAL = {
    "action_count": [("a bird", "C", True), ("a dog", "I think it's B", False)],
    "moving_count": [("a dog", "", False)],  # empty: wrong here (lmms-eval 0.7.3 leaves it out)
    "object_shuffle": [("a cat", "Option b", True)],
    "state_change": [("a bird", "the bird", False)],
    "action_antonym": [("a dog", "a dog", True)],  # the article "a" is read as the letter A
}


def test_mvbench_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    media = root / "hf" / "OpenGVLab/MVBench" / "media"
    preds, expected, shade = [], {}, 0
    for task, folder in FOLDERS.items():
        rows = SPECIAL.get(task, [("a cat", "(B) a cat.", True)])
        videos = [f"{task}_{i}.mp4" for i in range(len(rows))]
        columns = {
            "video": videos,
            "question": [f"What appears in the {task} clip {i}?" for i in range(len(rows))],
            "candidates": [CANDIDATES] * len(rows),
            "answer": [r[0] for r in rows],
        }
        write_split(root, "OpenGVLab/MVBench", "train", columns, FEATURES, config=task)
        for video in videos:
            shade += 1
            tiny_mp4(media / folder / video, gray=20 + 5 * shade)
        preds += [{"task": f"mvbench_{task}", "doc_id": str(i), "response": r[1]} for i, r in enumerate(rows)]
        expected[f"mvbench_{task}"] = 100 * sum(r[2] for r in rows) / len(rows)
    reports = validate([f"mvbench_{t}" for t in FOLDERS], data_root=root)
    assert [f for r in reports for f in r.findings if f.level == "error"] == []
    assert {r.data for r in reports} == {"mirror"}
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    file = tmp_path / "preds.jsonl"
    file.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["run", "--model", "replay", "--model_args", f"path={file}", "--tasks", "mvbench", "--data_root",
               str(root), "--output_path", str(out)])  # fmt: skip
    assert rc == 0
    run_dir = next(out.glob("replay/*/"))
    payload = json.loads((run_dir / "results.json").read_text())
    got = {t: payload["results"][t]["metrics"]["mvbench_accuracy"]["value"] for t in expected}
    assert got == pytest.approx(expected)
    assert expected["mvbench_action_count"] == 50.0 and expected["mvbench_moving_count"] == 0.0
    group = payload["groups"]["mvbench"]["metrics"]["mvbench_accuracy"]["value"]
    assert group == pytest.approx(sum(expected.values()) / 20) == 87.5  # (17 * 100 + 50) / 20
    lines = (run_dir / "samples_mvbench_action_count.jsonl").read_text().splitlines()
    sample = json.loads(lines[0])
    assert sample["target"] == "C"
    parts = sample["prompt"][0]["content"]
    assert parts[0]["path"].endswith("perception/videos/action_count_0.mp4")
    assert parts[1]["text"] == (
        "Question:What appears in the action_count clip 0?\nOption:\n(A) a dog\n(B) a cat\n(C) a bird\n"
        "Only give the best option.\n"
    )
