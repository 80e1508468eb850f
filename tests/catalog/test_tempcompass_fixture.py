"""tempcompass end to end: rows in the schema assumed for lmms-eval/TempCompass (each config's test split:
video_id, question, answer, dim; captioning also mc_question, mc_answer; the columns lmms-eval 0.7.3 reads),
tiny generated videos laid out by hand as tempcompass_videos.zip extracts them (videos/<id>.mp4), messy
replayed answers under TempCompass's rules, accuracies by hand per format and dimension, the group pooled
over the three rule-scored formats, and the captioning format run predict-only."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/TempCompass"
STR = datasets.Value("string")
FEATURES = datasets.Features({"video_id": STR, "question": STR, "answer": STR, "dim": STR})
CAPTIONING = datasets.Features(
    {"video_id": STR, "question": STR, "answer": STR, "dim": STR, "mc_question": STR, "mc_answer": STR}
)
MCQ = "What is the direction of the car?\nA. left\nB. right\nC. up\nD. down"
CAPS = (
    "Which caption matches the video better?\nCaption A: The man walks slowly.\nCaption B: The man runs fast."
)
# (config, task, question, answer, dim, response, right)
ROWS = [
    ("multi-choice", "tempcompass_multi_choice", MCQ, "B. right", "direction", "B", True),
    ("multi-choice", "tempcompass_multi_choice", MCQ, "A. left", "direction", "C) up", False),
    ("multi-choice", "tempcompass_multi_choice", MCQ, "D. down", "speed", "The answer is D.", False),  # judge
    ("yes_no", "tempcompass_yes_no", "Is the car moving left?", "yes", "direction", "Yes, it is.", True),
    ("yes_no", "tempcompass_yes_no", "Is the man running?", "no", "speed", "Nothing suggests so.", True),
    ("yes_no", "tempcompass_yes_no", "Is the man walking?", "no", "speed", "I think yes", False),  # judge
    ("caption_matching", "tempcompass_caption_matching", CAPS, "Caption B: The man runs fast.", "speed", "B.", True),
    ("caption_matching", "tempcompass_caption_matching", CAPS, "Caption A: The man walks slowly.", "order",
     "Caption B", False),
]  # fmt: skip
TASKS = ["tempcompass_multi_choice", "tempcompass_yes_no", "tempcompass_caption_matching"]


def tiny_mp4(path: Path, shade: int = 0, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames (from ``shade`` up) as an mp4 (mpeg4 codec), enough to decode; distinct shades
    make distinct videos, so identical questions on them stay distinct requests."""
    import av
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(
                np.full((size, size, 3), shade + 16 * i, np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def write_data(root: Path) -> None:
    for config in ("multi-choice", "yes_no", "caption_matching"):
        rows = [r for r in ROWS if r[0] == config]
        columns = {
            "video_id": [f"{config}_{i}" for i in range(len(rows))],
            "question": [r[2] for r in rows],
            "answer": [r[3] for r in rows],
            "dim": [r[4] for r in rows],
        }
        write_split(root, REPO, "test", columns, FEATURES, config=config)
        for i, vid in enumerate(columns["video_id"]):
            tiny_mp4(root / "hf" / REPO / "media" / "videos" / f"{vid}.mp4", shade=i)
    captions = {
        "video_id": ["caption_0"],
        "question": ["Describe the speed of the man in the video."],
        "answer": ["The man runs fast."],
        "dim": ["speed"],
        "mc_question": ["How fast does the man move?\nA. slowly\nB. fast"],
        "mc_answer": ["B. fast"],
    }
    write_split(root, REPO, "test", captions, CAPTIONING, config="captioning")
    tiny_mp4(root / "hf" / REPO / "media" / "videos" / "caption_0.mp4")


def run_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: Path) -> dict[str, Any]:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    preds = tmp_path / "group_predictions.jsonl"
    counters: dict[str, int] = {}
    lines = []
    for r in ROWS:
        doc_id = counters.setdefault(r[1], 0)
        counters[r[1]] += 1
        lines.append(json.dumps({"task": r[1], "doc_id": str(doc_id), "response": r[5]}) + "\n")
    preds.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "group_out"
    rc = main(
        ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "tempcompass", "--data_root",
         str(root), "--output_path", str(out)]
    )  # fmt: skip
    assert rc == 0
    data = json.loads((next(out.glob("replay/*/")) / "results.json").read_text())
    return {**data["results"], **data["groups"]}


def test_tempcompass_formats_and_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_data(root)
    for report in validate([*TASKS, "tempcompass_captioning"], data_root=root):
        assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results = run_group(tmp_path, monkeypatch, root)
    expected = {
        "tempcompass_multi_choice": 100 / 3,
        "tempcompass_yes_no": 200 / 3,
        "tempcompass_caption_matching": 50.0,
    }
    for task, accuracy in expected.items():
        assert value(results[task], "exact_match") == pytest.approx(accuracy)
    assert value(results["tempcompass"], "exact_match") == pytest.approx(100 * 4 / 8)  # pooled over questions
    mc, yn, cm = (results[t] for t in TASKS)
    assert value(mc, "exact_match", "dim", "direction") == pytest.approx(50.0)
    assert value(mc, "exact_match", "dim", "speed") == pytest.approx(0.0)
    assert value(yn, "exact_match", "dim", "speed") == pytest.approx(50.0)
    assert value(cm, "exact_match", "dim", "order") == pytest.approx(0.0)


def test_tempcompass_prompts_and_captioning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_data(root)
    _, samples = replay(
        tmp_path, monkeypatch, "tempcompass_multi_choice", root, {"0": "B", "1": "A", "2": "D"}
    )
    assert samples["0"]["prompt"][0]["content"][-1]["text"] == MCQ + "\nPlease directly give the best option:"
    assert [samples[str(i)]["extracted"] for i in range(3)] == ["B", "A", "D"]
    (tmp_path / "cap").mkdir()
    results, samples = replay(
        tmp_path / "cap", monkeypatch, "tempcompass_captioning", root, {"0": "He runs."}
    )
    assert results["metrics"] == {} and samples["0"]["response"] == "He runs."
    assert samples["0"]["prompt"][0]["content"][-1]["text"] == "Describe the speed of the man in the video."
