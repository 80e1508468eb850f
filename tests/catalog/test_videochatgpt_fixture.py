"""videochatgpt (the group: videochatgpt_gen, videochatgpt_temporal, videochatgpt_consistency) end to end,
predict-only (its score is Video-ChatGPT's GPT judge, which comes with the judge issue): rows in the schema
of lmms-eval/VideoChatGPT (configs Generic and Temporal: video_name, question, answer; Consistency:
video_name, question_1, question_2, answer, the unused phrasing "None"), tiny generated videos laid out by
hand in the mirror's media folder (Test_Videos/, as videos.zip holds them), one run of the group through the
CLI with the replay model, responses recorded as they are, and lmms-eval 0.7.3's prompts."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hub_fixture import datasets, write_split

from lmms_eval.cli.main import main
from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/VideoChatGPT"
STR = datasets.Value("string")
QA = datasets.Features({"video_name": STR, "question": STR, "answer": STR})
CONSISTENCY = datasets.Features({"video_name": STR, "question_1": STR, "question_2": STR, "answer": STR})
TASKS = ("videochatgpt_gen", "videochatgpt_temporal", "videochatgpt_consistency")


def tiny_mp4(path: Path, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames as an mp4 (mpeg4 codec), enough to decode."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((size, size, 3), 16 * i, np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def write_rows(root: Path) -> None:
    write_split(
        root, REPO, "test",
        {"video_name": ["v_1", "v_1"], "question": ["What is happening in the video?", "Who is in the video?"],
         "answer": ["A man is skiing down a slope.", "A man in a red jacket."]},
        QA, config="Generic",
    )  # fmt: skip
    write_split(
        root, REPO, "test",
        {"video_name": ["v_2"], "question": ["What happens after the man falls?"],
         "answer": ["He stands up and keeps skiing."]},
        QA, config="Temporal",
    )  # fmt: skip
    write_split(
        root, REPO, "test",
        {"video_name": ["v_2", "v_2"], "question_1": ["What sport is shown?", "None"],
         "question_2": ["None", "Which sport does the man practise?"], "answer": ["Skiing.", "Skiing."]},
        CONSISTENCY, config="Consistency",
    )  # fmt: skip
    for name in ("v_1", "v_2"):
        tiny_mp4(root / "hf" / REPO / "media" / "Test_Videos" / f"{name}.mp4")


def test_videochatgpt_group_predict_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    write_rows(root)
    reports = validate(list(TASKS), data_root=root)
    assert all(r.data == "mirror" for r in reports)
    assert [f for r in reports for f in r.findings if f.level == "error"] == []
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    answers = {
        ("videochatgpt_gen", "0"): "The video shows a man skiing.\n\nHe is fast.",
        ("videochatgpt_gen", "1"): "A man.",
        ("videochatgpt_temporal", "0"): "He gets up.",
        ("videochatgpt_consistency", "0"): "Skiing",
        ("videochatgpt_consistency", "1"): "It is snowboarding.",
    }
    preds = tmp_path / "predictions.jsonl"
    preds.write_text(
        "".join(json.dumps({"task": t, "doc_id": d, "response": r}) + "\n" for (t, d), r in answers.items())
    )
    out = tmp_path / "out"
    argv = ["run", "--model", "replay", "--model_args", f"path={preds}", "--tasks", "videochatgpt",
            "--data_root", str(root), "--output_path", str(out)]  # fmt: skip
    assert main(argv) == 0
    run_dir = next(out.glob("replay/*/"))
    results = json.loads((run_dir / "results.json").read_text())["results"]
    samples = {}
    for task, n in zip(TASKS, (2, 1, 2)):
        assert results[task]["metrics"] == {}
        assert (results[task]["n_docs"], results[task]["n_scored"], results[task]["n_errors"]) == (n, n, 0)
        lines = (run_dir / f"samples_{task}.jsonl").read_text().splitlines()
        samples[task] = {s["doc_id"]: s for s in map(json.loads, lines)}
    assert {(t, d): s["response"] for t, by_id in samples.items() for d, s in by_id.items()} == answers
    texts = {
        (t, d): s["prompt"][0]["content"][1]["text"] for t, by_id in samples.items() for d, s in by_id.items()
    }
    assert texts[("videochatgpt_gen", "1")] == "Who is in the video?"
    assert texts[("videochatgpt_consistency", "0")] == "What sport is shown?"
    assert texts[("videochatgpt_consistency", "1")] == "Which sport does the man practise?"
    video = samples["videochatgpt_temporal"]["0"]["prompt"][0]["content"][0]
    assert video["type"] == "video" and video["path"].endswith("media/Test_Videos/v_2.mp4")
    assert samples["videochatgpt_gen"]["0"]["target"] == "A man is skiing down a slope."
