"""ai2d_no_mask end to end: rows in the schema of Efficient-Large-Model/ai2d-no-mask (default config, test:
the columns of lmms-lab/ai2d) in the mirror layout, tiny generated images, messy replayed answers, accuracy
by hand; prompt and scoring those of ai2d."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, image, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"question": STR, "options": datasets.Sequence(STR), "answer": STR, "image": datasets.Image()}
)
ROWS = [  # (question, options, answer index, response, right)
    ("Which label points to the stem?", ["roots", "stem", "leaf", "flower"], "1", "B.", True),
    ("What eats the grasshopper?", ["frog", "grass", "sun"], "0", "The answer is (A).", True),
    ("Which stage is the larva?", ["egg", "larva", "adult"], "1", "C", False),
]


def test_ai2d_no_mask_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "question": [r[0] for r in ROWS],
        "options": [r[1] for r in ROWS],
        "answer": [r[2] for r in ROWS],
        "image": [image("white") for _ in ROWS],
    }
    write_split(root, "Efficient-Large-Model/ai2d-no-mask", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "ai2d_no_mask", root, {str(i): r[3] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (3, 3)
    assert [samples[str(i)]["target"] for i in range(3)] == ["B", "A", "B"]
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(3)] == [r[4] for r in ROWS]
    assert value(results, "accuracy") == pytest.approx(200 / 3)
    assert samples["1"]["prompt"][0]["content"][1]["text"] == (
        "What eats the grasshopper?\nA. frog\nB. grass\nC. sun\n"
        "Answer with the option's letter from the given choices directly."
    )
    (report,) = validate(["ai2d_no_mask"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
