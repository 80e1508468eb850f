"""gsm8k end to end: rows in the schema of openai/gsm8k (config main; test and train splits, question and
answer strings) in the mirror layout, 5 few-shot turns from train, messy replayed answers, and both harness
scores by hand: strict-match reads the number after "#### ", flexible-extract the last number; each is
compared with the reference's final number after dropping commas, "$" and a final period."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features({"question": STR, "answer": STR})
TEST = [  # (question, answer, response, strict right, flexible right)
    ("Natalia sold 48 clips in April and half as many in May. How many in all?",
     "48/2 = <<48/2=24>>24 in May.\n48+24 = <<48+24=72>>72\n#### 72", "48/2 = 24, 48+24 = 72.\n#### 72", 1, 1),
    ("A bike costs $1200. How much?", "It costs <<1200=1200>>1200.\n#### 1200", "The total is $1,200.", 0, 1),
    ("Five apples?", "#### 5", "#### 5\nQuestion: and 7 pears?", 1, 0),
    ("How many eggs?", "16-3-4=<<16-3-4=9>>9\n#### 18", "I think it's 20", 0, 0),
    ("How many dogs?", "1+2=<<1+2=3>>3\n#### 3", "3 dogs", 0, 1),
]  # fmt: skip
TRAIN = [(f"Train question {i}?", f"{i}+1=<<{i}+1={i + 1}>>{i + 1}\n#### {i + 1}") for i in range(8)]


def test_gsm8k_strict_and_flexible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    for split, rows in (("test", TEST), ("train", TRAIN)):
        columns = {"question": [r[0] for r in rows], "answer": [r[1] for r in rows]}
        write_split(root, "openai/gsm8k", split, columns, FEATURES, config="main")
    results, samples = replay(
        tmp_path, monkeypatch, "gsm8k", root, {str(i): r[2] for i, r in enumerate(TEST)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    strict = [samples[str(i)]["scores"]["exact_match_strict_match"] for i in range(5)]
    flexible = [samples[str(i)]["scores"]["exact_match_flexible_extract"] for i in range(5)]
    assert strict == [r[3] for r in TEST] and flexible == [r[4] for r in TEST]
    assert value(results, "exact_match_strict_match") == pytest.approx(40.0)
    assert value(results, "exact_match_flexible_extract") == pytest.approx(60.0)
    prompt = samples["0"]["prompt"]
    assert [m["role"] for m in prompt] == ["user", "assistant"] * 5 + ["user"]
    assert prompt[-1]["content"][0]["text"] == f"Question: {TEST[0][0]}\nAnswer:"
    shots = {m["content"][0]["text"] for m in prompt[1:-1:2]}
    assert shots <= {r[1] for r in TRAIN}  # each example's whole solution as the assistant's turn
    (report,) = validate(["gsm8k"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
