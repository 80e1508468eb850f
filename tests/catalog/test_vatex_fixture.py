"""vatex_test and vatex_val_zh end to end: rows in the schema of lmms-eval/VATEX (config vatex_test, split test:
videoID, enCap) and of lmms-eval/VATEX_ZH as lmms-eval 0.7.3 reads it (config vatex_val_zh, split validation:
videoID, chCap), tiny generated videos laid out by hand in the mirror's media folder, messy replayed
captions, and the corpus metrics.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in lmms-eval 0.7.3's installation, with Java): ``PTBTokenizer`` on all
references (one call) and on the three responses (another) of each task, then ``Bleu(4)``, ``Meteor()``, ``Rouge()`` and
``Cider()``, as 0.7.3's ``vatex_aggregation_result`` runs them. METEOR needs Java and the jar; without them it
has no value.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.scoring.captions.meteor import meteor_available
from lmms_eval.tasks.validate import validate

REPO = "lmms-eval/VATEX"
FEATURES = datasets.Features(
    {"videoID": datasets.Value("string"), "enCap": datasets.Sequence(datasets.Value("string"))}
)
ROWS = [  # (videoID, references, response)
    ("Ptf_2VRj-V0_000122_000132",
     ["a man is playing a guitar on a stage", "a person strums a guitar in front of a crowd",
      "someone plays the guitar live", "a musician performs a song on guitar", "a man plays an electric guitar"],
     "A man plays the guitar on stage."),
    ("-Bl1ENw2dQ4_000006_000016",
     ["a woman is kneading dough on a table", "a lady makes bread dough by hand", "someone kneads dough",
      "a woman works dough with her hands", "a person is preparing dough"],
     "output: A WOMAN kneads the dough!!"),
    ("zzq2Q9CTyGw_000030_000040",
     ["a child rides a bicycle down the street", "a kid is riding a bike outside", "a boy pedals a bicycle",
      "a young child cycles on a road", "a child on a bike rides along a sidewalk"],
     "The video shows a child.\nThe child rides a red bike down a street, smiling."),
]  # fmt: skip
OFFICIAL = {
    "Bleu_1": 0.6896551723900118,
    "Bleu_2": 0.4885967564705221,
    "Bleu_3": 0.31460444853613484,
    "Bleu_4": 3.532369657186096e-05,
    "METEOR": 0.35501646096675255,
    "ROUGE_L": 0.5934853879178142,
    "CIDEr": 1.129331147659073,
}
PROMPT = (
    "Provide a brief single-sentence caption for the last video below. Do not give any reasoning, just the "
    "caption. You must follow the captioning style of the preceding videos. Do not start your response with "
    '"Output:", just provide the caption.\n'
    "[video1] output: A man picks up a can of shoe paste, a towel, and brush from a table.\n"
    "[video2] output: A person places the frying pan on the stove and then another person flips over the food "
    "that is in it.\n"
    "[video3] output: A woman describes and demonstrates how to create a colorful cross stitch design.\n"
    "[video4] output: A little girl uses the grass in her yard as well as a blue mat to do flips."
)


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


def test_vatex_test_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {"videoID": [r[0] for r in ROWS], "enCap": [r[1] for r in ROWS]}
    write_split(root, REPO, "test", columns, FEATURES, config="vatex_test")
    for i, r in enumerate(ROWS):
        tiny_mp4(root / "hf" / REPO / "media" / f"{r[0]}.mp4", shade=i)
    (report,) = validate(["vatex_test"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "vatex_test", root, {r[0]: r[2] for r in ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
    sample = samples[ROWS[0][0]]
    assert [p["type"] for p in sample["prompt"][0]["content"]] == ["video", "text"]
    assert sample["prompt"][0]["content"][1]["text"] == PROMPT
    assert json.loads(json.dumps(sample["target"])) == ROWS[0][1]


ZH_REPO = "lmms-eval/VATEX_ZH"
ZH_FEATURES = datasets.Features(
    {"videoID": datasets.Value("string"), "chCap": datasets.Sequence(datasets.Value("string"))}
)
ZH_ROWS = [  # (videoID, references, response)
    ("G3CsVVL9RS8_000023_000033", ["一个穿黑运动服、戴红色头盔的男人正在攀登雪山。", "一个男人在爬雪山。"],
     "一个男人在爬雪山。"),
    ("Ohl2hb8Dmyk_000000_000010", ["一位女士在她的手上涂抹少量的面霜，并且在她的眼睛下涂抹。", "女人在涂面霜"],
     "输出:一位女士在涂抹面霜，并且在她的眼睛下涂抹。"),
    ("x3Fq3p2cG2Q_000071_000081", ["一个戴着耳机男人在电脑面前模拟打架子鼓。", "男人在打鼓"],
     "A man plays drums 在电脑前."),
]  # fmt: skip
ZH_OFFICIAL = {  # pycocoevalcap 1.2 as above, on these three clips
    "Bleu_1": 0.4166666666319445,
    "Bleu_2": 0.37267799621373243,
    "Bleu_3": 0.2849959910784779,
    "Bleu_4": 4.904718259888523e-05,
    "METEOR": 0.3519508155754656,
    "ROUGE_L": 0.5600991325898389,
    "CIDEr": 1.4755796908798535,
}


def test_vatex_val_zh_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {"videoID": [r[0] for r in ZH_ROWS], "chCap": [r[1] for r in ZH_ROWS]}
    write_split(root, ZH_REPO, "validation", columns, ZH_FEATURES, config="vatex_val_zh")
    for i, r in enumerate(ZH_ROWS):
        tiny_mp4(root / "hf" / ZH_REPO / "media" / f"{r[0]}.mp4", shade=i)
    (report,) = validate(["vatex_val_zh"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(tmp_path, monkeypatch, "vatex_val_zh", root, {r[0]: r[2] for r in ZH_ROWS})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (3, 3, 0)
    for key, expected in ZH_OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
    text = samples[ZH_ROWS[0][0]]["prompt"][0]["content"][1]["text"]
    assert text.startswith(
        '请为提供的视频提供简短的描述。不要给出任何理由，只提供描述。您必须沿用前面视频的描述样式。不需要以 "输出"开头'
    )
    assert text.endswith("\n[视频4] 输出:一位女士在她的手上涂抹少量的面霜，并且在她的眼睛下涂抹。")
