"""cinepile end to end: rows in tomg-group-umd/cinepile's schema (config v2, test; the dataset card's
features plus videoID, which lmms-eval 0.7.3 reads), tiny generated videos laid out by hand in the mirror's
media folder as a YouTube download would leave them (<videoID>.mp4), messy replayed answers under CinePile's
matching, accuracy by hand overall and per question category and hard split."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

REPO = "tomg-group-umd/cinepile"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "movie_name": STR,
        "year": datasets.Value("int64"),
        "genre": datasets.Sequence(STR),
        "yt_clip_title": STR,
        "yt_clip_link": STR,
        "movie_scene": STR,
        "subtitles": STR,
        "question": STR,
        "choices": datasets.Sequence(STR),
        "answer_key": STR,
        "answer_key_position": datasets.Value("int64"),
        "question_category": STR,
        "hard_split": STR,
        "visual_reliance": STR,
        "videoID": STR,
    }
)
CHOICES = ["He leaves the room", "He laughs", "He cries", "He sits down", "He calls his mother"]
ROWS = [  # (videoID, answer position, category, hard, reply, right)
    ("yt1", 1, "Temporal", "False", "**Answer:** B", True),
    ("yt1", 2, "Temporal", "True", "**Answer:** C) He laughs", False),  # the letter fits, the text does not
    ("yt2", 0, "Theme Exploration", "False", "he leaves the room", True),  # no letter: the answer's text
    ("yt2", 4, "Theme Exploration", "True", "I think E", False),  # no "Answer:" and not a lone letter
]


def tiny_mp4(path: Path, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames as an mp4 (mpeg4 codec), enough to decode."""
    import av
    import numpy as np

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


def test_cinepile_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    n = len(ROWS)
    columns = {
        "movie_name": ["A Movie"] * n,
        "year": [1999] * n,
        "genre": [["Drama"]] * n,
        "yt_clip_title": ["A Movie (1999) - The Scene"] * n,
        "yt_clip_link": [f"https://www.youtube.com/watch?v={r[0]}" for r in ROWS],
        "movie_scene": ["A man in a room."] * n,
        "subtitles": [f"Line {i} of the scene." for i in range(n)],
        "question": [f"What does the man do in moment {i}?" for i in range(n)],
        "choices": [CHOICES] * n,
        "answer_key": [CHOICES[r[1]] for r in ROWS],
        "answer_key_position": [r[1] for r in ROWS],
        "question_category": [r[2] for r in ROWS],
        "hard_split": [r[3] for r in ROWS],
        "visual_reliance": ["True"] * n,
        "videoID": [r[0] for r in ROWS],
    }
    write_split(root, REPO, "test", columns, FEATURES, config="v2")
    for vid in ("yt1", "yt2"):
        tiny_mp4(root / "hf" / REPO / "media" / f"{vid}.mp4")
    (report,) = validate(["cinepile"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(
        tmp_path, monkeypatch, "cinepile", root, {str(i): r[4] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(n)] == [r[5] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(50.0)
    assert value(results, "accuracy", "question_category", "Temporal") == pytest.approx(50.0)
    assert value(results, "accuracy", "hard_split", "True") == pytest.approx(0.0)
    text = samples["0"]["prompt"][0]["content"][-1]["text"]
    assert text.startswith("You will be provided with subtitles from a specific scene of a movie")
    assert (
        "nothing else.\n**Output Format:**\n\t**Answer:** <Option_key>\n\n**Subtitles:**\nLine 0 of the scene."
        in text
    )
    options = "".join(f"- {'ABCDE'[i]}) {c}\n" for i, c in enumerate(CHOICES))
    assert text.endswith(
        f"\n\nWhat does the man do in moment 0?\n{options}\n"
        "Note: Follow the output format strictly. Only answer with the option key (A, B, C, D, E) and nothing else."
    )
