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


OFFICIAL_CASES = (
    Path(__file__).resolve().parents[1] / "scoring" / "fixtures" / "mathvision_official_cases.jsonl"
)


@pytest.mark.skipif(not TESTMINI.exists(), reason="needs ../shared/data/math_vision")
def test_replay_matches_official_verdicts_on_testmini(tmp_path: Path) -> None:
    """Responses recorded with the official evaluator's verdicts (tests/scoring/test_mathvision.py says how),
    one per testmini doc, many answering with the raw LaTeX option text: scoring them through the task (its
    ``doc["options"]`` and ``answer``) gives the official verdict for every doc."""
    ids = {json.loads(line)["id"] for line in TESTMINI.read_text().splitlines()}
    official: dict[str, dict] = {}
    for line in OFFICIAL_CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["id"] in ids:
            official.setdefault(case["id"], case)
    assert len(official) == len(ids)
    preds = tmp_path / "pred.jsonl"
    preds.write_text(
        "".join(
            json.dumps({"task": "mathvision_testmini", "doc_id": i, "response": c["response"]}) + "\n"
            for i, c in official.items()
        ),
        encoding="utf-8",
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
    )
    assert r.returncode == 0, r.stderr
    samples = [
        json.loads(x)
        for x in next(out.glob("replay/*/samples_mathvision_testmini.jsonl")).read_text().splitlines()
    ]
    assert len(samples) == len(ids)
    for s in samples:
        case = official[s["doc_id"]]
        assert (s["extracted"] or "", s["scores"]["accuracy"] > 0) == (
            case["model_answer"],
            case["correct"],
        ), case
