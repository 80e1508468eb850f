"""``lmms-eval compare`` on real runs made by the CLI (replay model on the bundled nlvr_dev, 100 items).

Runs A, B and C replay chosen predictions, so the paired counts are known exactly:
A right on items 0-69 (70%); B right on 0-59 and 70-84 (75%): A>B 10, B>A 15;
C right on 0-49 (50%), made with --gen_kwargs max_new_tokens=4: A>C 20, C>A 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import REPO, run_cli, write_text_task

from lmms_eval.cli.main import main

NLVR = REPO / "lmms_eval" / "data" / "sample" / "nlvr" / "dev" / "dev.json"
FLIP = {"true": "false", "false": "true"}


def nlvr_predictions(path: Path, right: set[int]) -> Path:
    """A replay file for nlvr_dev answering item i correctly iff i is in ``right``."""
    rows = [json.loads(line) for line in NLVR.read_text().splitlines() if line.strip()]
    with path.open("w") as fh:
        for i, r in enumerate(rows):
            answer = r["label"] if i in right else FLIP[r["label"]]
            fh.write(json.dumps({"task": "nlvr_dev", "doc_id": r["identifier"], "response": answer}) + "\n")
    return path


def make_runs(root: Path, specs: dict[str, Sequence[str]]) -> dict[str, Path]:
    """Run ``lmms-eval run ARGS --output_path root/NAME`` for every spec, in parallel; the run folders."""
    env = {**os.environ, "LMMS_EVAL_CACHE_DIR": str(root / "cache")}
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "lmms_eval", "run", *args, "--output_path", str(root / name)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in specs.items()
    }
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"{name}: {stderr}"
        (results,) = (root / name).glob("*/*/results.json")
        out[name] = results.parent
    return out


def nlvr_run_specs(root: Path) -> dict[str, list[str]]:
    sets = {"A": set(range(70)), "B": set(range(60)) | set(range(70, 85)), "C": set(range(50))}
    specs = {}
    for name, right in sets.items():
        preds = nlvr_predictions(root / f"{name}.jsonl", right)
        specs[name] = ["--model", "replay", "--model_args", f"path={preds}", "--tasks", "nlvr_dev"]
    specs["C"] += ["--gen_kwargs", "max_new_tokens=4"]
    return specs


@pytest.fixture(scope="module")
def nlvr_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("nlvr_runs")
    return make_runs(root, nlvr_run_specs(root))


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_exact_mcnemar_counts_and_p_value_match_scipy(
    nlvr_runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from scipy.stats import binomtest

    code, out, err = cli(capsys, "compare", str(nlvr_runs["A"]), str(nlvr_runs["B"]), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    (row,) = report["rows"]
    assert (row["task"], row["metric"], row["test"]) == ("nlvr_dev", "accuracy", "mcnemar_exact")
    assert row["discordant"] == [10, 15] and row["n"] == 100
    assert row["mean_a"] == pytest.approx(70.0) and row["mean_b"] == pytest.approx(75.0)
    assert row["diff"] == pytest.approx(5.0)  # percentage points: the metric has scale 100
    assert row["p_value"] == pytest.approx(binomtest(10, 25, 0.5).pvalue, rel=1e-9)
    assert row["p_adjusted"] == pytest.approx(row["p_value"])  # one row: Holm changes nothing
    assert row["ci_low"] < 5.0 < row["ci_high"] and row["mde"] > 5.0
    assert row["verdict"] == "no_difference" and not row["significant"]
    assert report["warnings"] == [] and report["baseline"]["letter"] == "A"


def test_paired_t_on_request_matches_scipy(
    nlvr_runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from scipy.stats import ttest_rel

    a = [1.0] * 70 + [0.0] * 30
    b = [1.0] * 60 + [0.0] * 10 + [1.0] * 15 + [0.0] * 15
    code, out, _ = cli(
        capsys, "compare", str(nlvr_runs["A"]), str(nlvr_runs["B"]), "--format", "json", "--test", "paired_t"
    )
    (row,) = json.loads(out)["rows"]
    assert code == 0 and row["test"] == "paired_t"
    ref = ttest_rel(b, a)
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-6)
    ci = ref.confidence_interval(0.95)
    assert row["ci_low"] == pytest.approx(100 * ci.low, rel=1e-6)
    assert row["ci_high"] == pytest.approx(100 * ci.high, rel=1e-6)


def test_three_runs_baseline_holm_and_generation_warning(nlvr_runs: dict[str, Path]) -> None:
    from scipy.stats import binomtest

    r = run_cli("compare", *(str(nlvr_runs[k]) for k in "ABC"), "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    rows = {row["candidate"]: row for row in report["rows"]}
    assert set(rows) == {"B", "C"} and {row["baseline"] for row in rows.values()} == {"A"}
    assert rows["C"]["discordant"] == [20, 0] and rows["C"]["diff"] == pytest.approx(-20.0)
    p_b, p_c = binomtest(10, 25, 0.5).pvalue, binomtest(0, 20, 0.5).pvalue
    assert rows["C"]["p_value"] == pytest.approx(p_c, rel=1e-9)
    # Holm over the two p-values: the smaller is doubled, the larger stays (it exceeds 2 * p_c)
    assert rows["C"]["p_adjusted"] == pytest.approx(2 * p_c, rel=1e-9)
    assert rows["B"]["p_adjusted"] == pytest.approx(p_b, rel=1e-9)
    assert rows["C"]["verdict"] == "worse" and rows["B"]["verdict"] == "no_difference"
    (warning,) = report["warnings"]
    assert "generation config differs" in warning and "max_new_tokens: 8 vs 4" in warning
    assert "generation config differs" in r.stderr  # also on stderr with --format json


def test_terminal_and_markdown_outputs(nlvr_runs: dict[str, Path], tmp_path: Path) -> None:
    r = run_cli("compare", str(nlvr_runs["A"]), str(nlvr_runs["B"] / "results.json"))
    assert r.returncode == 0, r.stderr
    assert "nlvr_dev" in r.stdout and "McNemar exact" in r.stdout and "+5.00" in r.stdout
    assert "10/15" in r.stdout and "n.s." in r.stdout
    out = tmp_path / "cmp.md"
    r = run_cli(
        "compare",
        *(str(nlvr_runs[k]) for k in "ABC"),
        "--format",
        "markdown",
        "--output",
        str(out),
        "--correction",
        "bh",
    )
    assert r.returncode == 0 and r.stdout == "", r.stderr
    lines = out.read_text().splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 4 and len({line.count("|") for line in table}) == 1  # header, rule, 2 rows
    header = [c.strip() for c in table[0].strip("|").split("|")]
    assert "p (BH)" in header and "Run" in header
    cells = [dict(zip(header, (c.strip() for c in line.strip("|").split("|")))) for line in table[2:]]
    assert [c["Run"] for c in cells] == ["B", "C"] and cells[1]["Result"] == "WORSE"
    assert any("generation config differs" in line for line in lines)


def test_warns_on_task_version_prompt_and_dataset_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v1 = write_text_task(tmp_path / "v1", n=10)
    v2 = write_text_task(
        tmp_path / "v2", n=10, extra="version: 2\n", question="Item {i}: what is {i} plus zero?"
    )
    runs = make_runs(
        tmp_path,
        {
            name: [
                "--model",
                "dummy",
                "--model_args",
                "mode=echo",
                "--tasks",
                "toy_qa",
                "--include_path",
                str(folder),
            ]
            for name, folder in (("one", v1), ("two", v2))
        },
    )
    code, out, err = cli(capsys, "compare", str(runs["one"]), str(runs["two"]), "--format", "json")
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert any("task version differs" in w and "1 vs 2" in w for w in warnings), warnings
    assert any("prompts differ on 10 of 10" in w for w in warnings), warnings
    assert any("dataset fingerprint differs" in w for w in warnings), warnings


def test_refuses_runs_without_common_samples(nlvr_runs: dict[str, Path], tmp_path: Path) -> None:
    other = make_runs(
        tmp_path, {"mv": ["--model", "dummy", "--tasks", "mathvision_testmini", "--limit", "3"]}
    )
    r = run_cli("compare", str(nlvr_runs["A"]), str(other["mv"]))
    assert r.returncode == 2 and r.stdout == ""
    assert "no samples in common" in r.stderr and "different tasks" in r.stderr
    r = run_cli("compare", str(nlvr_runs["A"]), str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "is not a run" in r.stderr
    r = run_cli("compare", str(nlvr_runs["A"]))
    assert r.returncode == 2 and "at least two runs" in r.stderr


YN_TASK = """task: yn_qa
dataset:
  local: {path: ./yn.jsonl}
doc_id: qid
prompt:
  user:
    - text: "{{ question }}"
target: "{{ answer }}"
generation: {max_new_tokens: 4}
extractor: yes_no
metrics:
  - {name: accuracy, scale: 100}
  - {name: yes_no_confusion, key: f1, aggregation: yes_f1}
  - {name: accuracy, key: macro_acc, aggregation: macro_mean, aggregation_args: {by: category}}
"""


def test_non_mean_aggregations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """yes_f1 is recomputed on paired resamples; macro_mean needs categories that samples do not record."""
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    truth = ["yes" if i % 2 == 0 else "no" for i in range(40)]
    with (tasks / "yn.jsonl").open("w") as fh:
        for i, t in enumerate(truth):
            fh.write(
                json.dumps(
                    {"qid": f"q{i}", "question": f"Is {i} even?", "answer": t, "category": "abc"[i % 3]}
                )
                + "\n"
            )
    (tasks / "yn_qa.yaml").write_text(YN_TASK)
    specs = {}
    for name, wrong in (("p1", set(range(0, 40, 3))), ("p2", {1, 4})):
        preds = tmp_path / f"{name}.jsonl"
        preds.write_text(
            "".join(
                json.dumps({"task": "yn_qa", "doc_id": f"q{i}", "response": FLIP_YN[t] if i in wrong else t})
                + "\n"
                for i, t in enumerate(truth)
            )
        )
        specs[name] = [
            "--model",
            "replay",
            "--model_args",
            f"path={preds}",
            "--tasks",
            "yn_qa",
            "--include_path",
            str(tasks),
        ]
    runs = make_runs(tmp_path, specs)
    code, out, err = cli(
        capsys, "compare", str(runs["p1"]), str(runs["p2"]), "--format", "json", "--iters", "2000"
    )
    assert code == 0, err
    rows = {r["metric"]: r for r in json.loads(out)["rows"]}
    results = [
        json.loads((runs[k] / "results.json").read_text())["results"]["yn_qa"]["metrics"]
        for k in ("p1", "p2")
    ]
    f1 = rows["f1"]
    assert f1["pairable"] and f1["test"] == "aggregate_bootstrap_permutation" and f1["n"] == 40
    assert f1["mean_a"] == pytest.approx(results[0]["f1"]["value"]) and f1["mean_b"] == pytest.approx(
        results[1]["f1"]["value"]
    )
    assert f1["ci_low"] <= f1["diff"] <= f1["ci_high"] and 0 < f1["p_value"] <= 1
    macro = rows["macro_acc"]
    assert not macro["pairable"] and macro["verdict"] == "not_pairable" and macro["p_value"] is None
    assert "macro_mean" in macro["notes"][0] and "not pairable" in macro["notes"][0]
    assert rows["accuracy"]["discordant"] == [2, 14]
    # the unpaired row does not enter the Holm family: two p-values
    from statsmodels.stats.multitest import multipletests

    expected = multipletests([rows["accuracy"]["p_value"], f1["p_value"]], method="holm")[1]
    assert [rows["accuracy"]["p_adjusted"], f1["p_adjusted"]] == pytest.approx(list(expected))
    code, out, _ = cli(capsys, "compare", str(runs["p1"]), str(runs["p2"]), "--iters", "2000")
    assert "not pairable" in out and "macro_acc" in out


FLIP_YN = {"yes": "no", "no": "yes"}


def test_repeated_samples_are_reduced_per_doc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--repeats 3: docs (not generations) are paired, reduced as each run reduced them."""
    common = ["--model", "dummy", "--tasks", "nlvr_dev", "--limit", "20", "--repeats", "3"]
    runs = make_runs(
        tmp_path,
        {
            "mean1": [*common, "--model_args", "seed=1,choices=true|false"],
            "mean2": [*common, "--model_args", "seed=2,choices=true|false"],
            "vote": [*common, "--model_args", "seed=1,choices=true|false", "--repeat_reducer", "majority"],
        },
    )
    code, out, err = cli(
        capsys, "compare", *(str(runs[k]) for k in ("mean1", "mean2", "vote")), "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    rows = {r["candidate"]: r for r in report["rows"]}
    b = rows["B"]
    assert b["pairable"] and b["n"] == 20 and b["test"] == "paired_bootstrap"  # per-doc means are not 0/1
    assert b["mean_a"] == pytest.approx(b["value_a"]) and b["mean_b"] == pytest.approx(b["value_b"])
    assert any("reduced by mean" in n for n in b["notes"])
    assert not rows["C"]["pairable"] and "majority" in rows["C"]["notes"][0]
    assert any("repeats differ" in w for w in report["warnings"])
