"""youcook2_val end to end: rows in the schema of lmms-eval/YouCook2 (val: id, video_url, recipe_type, segment,
sentence, video_path, youtube_id), tiny generated videos (one per step) laid out by hand in the mirror's
media folder (under YouCookIIVideos/, where the repo's archive puts them), messy replayed captions, and the corpus
metrics x100.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in lmms-eval 0.7.3's installation, with Java): ``PTBTokenizer`` on the
five steps' sentences (one call) and on the five responses (another), then ``Bleu(4)``, ``Meteor()``,
``Rouge()`` and ``Cider()`` over the five steps as one corpus (this task's protocol; 0.7.3 averages per-video
corpora instead, see the task's description). METEOR needs Java and the jar; without them it has no value.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.scoring.captions.meteor import meteor_available
from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/YouCook2"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "id": STR,
        "video_url": STR,
        "recipe_type": STR,
        "segment": datasets.Sequence(datasets.Value("float32"), length=2),
        "sentence": STR,
        "video_path": STR,
        "youtube_id": STR,
    }
)
ROWS = [  # (id, youtube id, segment, sentence, response)
    ("yc_0", "xHr8X2Wpmno", [10.0, 20.0], "crack two eggs into a bowl", "Two eggs are cracked into a bowl."),
    ("yc_1", "xHr8X2Wpmno", [22.0, 30.0], "whisk the eggs with salt and pepper",
     "  someone WHISKS eggs, adds salt & pepper!!  "),
    ("yc_2", "xHr8X2Wpmno", [31.0, 45.0], "pour the egg mixture into a hot pan",
     "The cook pours the eggs into a pan.\nThen waits."),
    ("yc_3", "xHr8X2Wpmno", [46.0, 60.0], "fold the omelette and serve on a plate", ""),
    ("yc_4", "V53XmPeyjIU", [5.5, 12.0], "chop the onions and garlic finely", "chopping onion and garlic"),
]  # fmt: skip
OFFICIAL = {
    "Bleu_1": 0.3925328495407402,
    "Bleu_2": 0.25265388807231287,
    "Bleu_3": 0.1352050403586551,
    "Bleu_4": 1.8542527149168412e-05,
    "METEOR": 0.21131572345222685,
    "ROUGE_L": 0.4049051910824817,
    "CIDEr": 1.2814414611521243,
}


def tiny_mp4(path: Path, shade: int = 0, frames: int = 8, size: int = 16, fps: int = 4) -> None:
    """A few flat gray frames as an mp4 (mpeg4 codec), enough to decode; ``shade`` makes each file differ."""
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(
                np.full((size, size, 3), 16 * i + shade, np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def test_youcook2_val_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "id": [r[0] for r in ROWS],
        "video_url": [f"https://www.youtube.com/watch?v={r[1]}" for r in ROWS],
        "recipe_type": ["113"] * 4 + ["201"],
        "segment": [r[2] for r in ROWS],
        "sentence": [r[3] for r in ROWS],
        "video_path": [f"val/{r[1]}_{i}.mp4" for i, r in enumerate(ROWS)],  # one clip per step
        "youtube_id": [r[1] for r in ROWS],
    }
    write_split(root, REPO, "val", columns, FEATURES)
    for i, path in enumerate(columns["video_path"]):
        tiny_mp4(root / "hf" / REPO / "media" / "YouCookIIVideos" / path, shade=i)
    (report,) = validate(["youcook2_val"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "youcook2_val", root, {r[0]: r[4] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (5, 5, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(100 * expected, abs=1e-7), key
    prompt = samples["yc_0"]["prompt"][0]["content"]
    assert [p["type"] for p in prompt] == ["video", "text"]
    assert prompt[0]["path"].endswith("media/YouCookIIVideos/val/xHr8X2Wpmno_0.mp4")
    assert prompt[1]["text"] == "Provide a one-sentence caption for the provided video."
