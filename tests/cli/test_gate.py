"""``lmms-eval gate`` on real runs (replay on nlvr_dev; A 70%, B 75% (n.s. vs A), C 50% (a significant drop))."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from test_compare import make_runs, nlvr_run_specs

from lmms_eval.cli.main import main
from lmms_eval.compare.gate import parse_requirement, resolve_metric
from lmms_eval.compare.runs import load_run
from lmms_eval.core.errors import ConfigError


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("gate_runs")
    return make_runs(root, nlvr_run_specs(root))


def gate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["gate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_thresholds_pass_and_fail_with_job_summary(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = gate(
        capsys, str(runs["B"]), "--require", "nlvr_dev.accuracy>=75", "--require", "nlvr_dev.accuracy < 80"
    )
    assert code == 0
    assert (
        out.startswith("## ✅ lmms-eval gate passed")
        and "| `nlvr_dev.accuracy >= 75` | 75.00 | ✅ pass |" in out
    )
    text = summary.read_text()
    assert text.startswith("# earlier step\n") and text.endswith(out)  # appended, not overwritten
    code, out, err = gate(capsys, str(runs["A"] / "results.json"), "--require", "nlvr_dev.accuracy>70")
    assert code == 1 and "❌ lmms-eval gate failed" in out and "nlvr_dev.accuracy>70" in out
    assert "gate failed" in err
    text = summary.read_text()
    assert text.count("lmms-eval gate passed") == 1 and text.endswith(out)  # both summaries, appended


@pytest.mark.parametrize(
    ("requirement", "passed"),
    [
        ("nlvr_dev.accuracy>=70", True),
        ("nlvr_dev.accuracy>70", False),
        ("nlvr_dev.accuracy<=70", True),
        ("nlvr_dev.accuracy<70.5", True),
        ("nlvr_dev.accuracy==70", True),
        ("nlvr_dev.accuracy == 69.9", False),
    ],
)
def test_operators(
    runs: dict[str, Path], requirement: str, passed: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = gate(capsys, str(runs["A"]), "--require", requirement)
    assert code == (0 if passed else 1)


def test_no_regression_against_baseline(
    runs: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = gate(capsys, str(runs["B"]), "--baseline", str(runs["A"]), "--no-regression")
    assert code == 0 and "no significant change" in out  # +5 points, p = 0.42
    report_file = tmp_path / "gate.json"
    code, out, _ = gate(
        capsys, str(runs["C"]), "--baseline", str(runs["A"]), "--no-regression", "--json", str(report_file)
    )
    assert code == 1 and "regression: nlvr_dev.accuracy 70.00 -> 50.00" in out and "❌ worse" in out
    assert "generation config differs" in out  # C ran with other generation settings: a warning
    report = json.loads(report_file.read_text())
    assert report["passed"] is False and report["comparison"]["rows"][0]["discordant"] == [20, 0]
    # a significant *improvement* is not a regression
    code, out, _ = gate(capsys, str(runs["A"]), "--baseline", str(runs["C"]), "--no-regression")
    assert code == 0 and "✅ better" in out
    # a drop that is not significant at a stricter alpha passes
    code, _, _ = gate(
        capsys, str(runs["C"]), "--baseline", str(runs["A"]), "--no-regression", "--alpha", "1e-7"
    )
    assert code == 0
    # without --no-regression the comparison is shown, not enforced
    code, out, _ = gate(
        capsys, str(runs["C"]), "--baseline", str(runs["A"]), "--require", "nlvr_dev.accuracy>=50"
    )
    assert code == 0 and "for information" in out and "⚠️ worse" in out


def test_bad_input_exits_2(runs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    r = run_cli(
        "gate", str(runs["A"]), "--require", "nlvr_de.accuracy>=60", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert (
        r.returncode == 2
        and "no task 'nlvr_de'" in r.stderr
        and "Did you mean: nlvr_dev.accuracy" in r.stderr
    )
    assert "invalid input" in summary.read_text()
    cases = [
        (
            ["--require", "nlvr_dev.acc>=60"],
            "has no metric 'acc'. Did you mean: nlvr_dev.accuracy? Its metrics: accuracy",
        ),
        (["--require", "nlvr_dev.accuracy=>60"], "invalid requirement"),
        (["--no-regression"], "nothing to check"),
        (["--require", "nlvr_dev.accuracy>=60", "--no-regression"], "--no-regression needs --baseline"),
        (["--require", "nlvr_dev.accuracy>=60", "--baseline", str(tmp_path)], "is not a run"),
    ]
    for args, message in cases:
        code, out, err = gate(capsys, str(runs["A"]), *args)
        assert code == 2 and message in err and out == "", (args, err)


def test_gate_refuses_baseline_without_common_samples(runs: dict[str, Path], tmp_path: Path) -> None:
    other = make_runs(
        tmp_path, {"mv": ["--model", "dummy", "--tasks", "mathvision_testmini", "--limit", "2"]}
    )
    r = run_cli("gate", str(runs["A"]), "--baseline", str(other["mv"]), "--no-regression")
    assert r.returncode == 2 and "no samples in common" in r.stderr


def test_fraction_threshold_on_percent_metric_warns(
    runs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = gate(capsys, str(runs["C"]), "--require", "nlvr_dev.accuracy>=0.6")
    assert code == 0 and "did you mean 60?" in out


def test_parse_and_resolve(runs: dict[str, Path]) -> None:
    req = parse_requirement(" mme.perception >= 1800 ")
    assert (req.name, req.op, req.threshold) == ("mme.perception", ">=", 1800.0)
    assert parse_requirement("a.b<-0.5").threshold == -0.5
    for bad in ("accuracy>=1", "a.b>=x", "a.b != 1", "a.b>=nan"):
        with pytest.raises(ConfigError):
            parse_requirement(bad)
    run = load_run(runs["A"])
    task, key, metric = resolve_metric(run, "nlvr_dev.accuracy")
    assert (task, key, metric.value) == ("nlvr_dev", "accuracy", 70.0)
