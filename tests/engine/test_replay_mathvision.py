"""Re-score given predictions with the replay model over the full MATH-Vision testmini in ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED_DATA, run_cli

TESTMINI = SHARED_DATA / "math_vision" / "data" / "testmini.jsonl"


@pytest.mark.skipif(not TESTMINI.exists(), reason="needs ../shared/data/math_vision")
def test_replay_rescores_mathvision_testmini(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in TESTMINI.read_text().splitlines()]
    assert len(rows) == 304
    preds = tmp_path / "pred.jsonl"
    expected_correct = 0
    with preds.open("w") as fh:
        for i, row in enumerate(rows):
            if i % 3 == 0:  # right answer, phrased as a model would
                text = f"Let me think step by step. ... So the final answer is \\boxed{{{row['answer']}}}."
                expected_correct += 1
            elif i % 3 == 1:  # a wrong answer
                text = "The answer is \\boxed{Z9}."
            else:
                continue  # no prediction: an error, not a wrong answer
            fh.write(
                json.dumps({"task": "mathvision_testmini", "doc_id": row["id"], "response": text}) + "\n"
            )
    out = tmp_path / "out"
    r = run_cli(
        "run",
        "--model",
        "replay",
        "--model_args",
        f"path={preds}",
        "--tasks",
        "mathvision_testmini",
        "--data_root",
        str(SHARED_DATA),
        "--output_path",
        str(out),
        "--max_errors",
        "40%",
    )
    assert r.returncode == 0, r.stderr
    res = json.loads(next(out.glob("replay/*/results.json")).read_text())["results"]["mathvision_testmini"]
    n_scored = 304 - 304 // 3
    assert (res["n_docs"], res["n_scored"], res["n_errors"]) == (304, n_scored, 304 // 3)
    acc = res["metrics"]["accuracy"]
    assert acc["n"] == n_scored
    assert acc["value"] == pytest.approx(100 * expected_correct / n_scored)
    assert acc["ci_low"] < acc["value"] < acc["ci_high"]
    assert set(res["breakdown"]) == {"subject", "level"}
    # the doc id is MATH-Vision's own id field
    samples = [
        json.loads(x)
        for x in next(out.glob("replay/*/samples_mathvision_testmini.jsonl")).read_text().splitlines()
    ]
    assert {s["doc_id"] for s in samples} == {r["id"] for r in rows}
