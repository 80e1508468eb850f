"""metavqa end to end: rows in the columns lmms-eval 0.7.3's task reads from nv-njb/MetaVQA-MCQ (test: question
with its lettered options, answer, obs: the frames' repo paths) in the mirror layout, the frames laid out at
their paths in Weizhen011210/MetaVQA-Eval's media folder, messy replayed answers, and exact match by hand under
0.7.3's reading (an option text gives its letter, else the first word)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, png, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"question": STR, "answer": STR, "obs": datasets.Sequence(STR)})
ASK = "Please answer directly with only the letter of the correct option and nothing else."
Q_ACTION = f"What should the ego vehicle do next?\nA. Turn left\nB. Keep straight\nC. Stop\n{ASK}"
Q_CLOSEST = f"Which object is closest to the ego vehicle?\nA. The white sedan\nB. The bus\n{ASK}"
Q_LIGHT = f"Is the traffic light ahead green? A. Yes B. No {ASK}"
ROWS = [  # (question, answer, frames, response, reading, right)
    (Q_ACTION, "B", ["obs/s1_f0.png", "obs/s1_f1.png"], "(B) Keep straight.", "B", True),
    (Q_ACTION, "C", ["obs/s2_f0.png"], "Stop", "C", True),
    (Q_CLOSEST, "A", ["obs/s3_f0.png"], "The answer is A", "The", False),
    (Q_LIGHT, "B", ["obs/s4_f0.png"], "b.", "b", True),
]


def test_metavqa_exact_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {"question": [r[0] for r in ROWS], "answer": [r[1] for r in ROWS], "obs": [r[2] for r in ROWS]}
    write_split(root, "nv-njb/MetaVQA-MCQ", "test", columns, FEATURES)
    media = root / "hf" / "Weizhen011210/MetaVQA-Eval" / "media"
    for i, name in enumerate(sorted({f for r in ROWS for f in r[2]})):
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(png(("red", "green", "blue", "white", "black")[i]))
    results, samples = replay(
        tmp_path, monkeypatch, "metavqa", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (4, 4, 0)
    assert [samples[str(i)]["extracted"] for i in range(4)] == [r[4] for r in ROWS]
    assert [samples[str(i)]["scores"]["exact_match"] == 1.0 for i in range(4)] == [r[5] for r in ROWS]
    assert value(results, "exact_match") == pytest.approx(75.0)
    content = samples["0"]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "image", "text"]
    assert content[2]["text"] == Q_ACTION.replace(ASK, "") + "\n" + ASK
    (report,) = validate(["metavqa"], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []
