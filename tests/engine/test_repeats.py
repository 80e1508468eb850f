"""``--repeats k``: k sampled requests per doc, journaled and resumable, reduced per doc (mean, majority,
pass@k, all-k, pass@J), with consistency / expected score and a stderr clustered by doc. Every number in
results.json is recomputed here from the samples file, the statistics against scipy / statsmodels."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import run_cli, write_text_task

from lmms_eval.core.errors import ConfigError
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.evaluator import evaluate
from lmms_eval.results.writer import load_results, read_samples

K, N = 4, 20
SAMPLE_ARGS = "mode=sample,choices=true|false"


def _run(tmp: Path, name: str, *extra: str, journal: Path | None = None) -> tuple[dict[str, Any], Path, str]:
    """One CLI run of nlvr_dev (first 20 docs) on the sampling dummy; returns results, run folder, stderr."""
    out = tmp / name
    args = [
        "--model",
        "dummy",
        "--model_args",
        f"{SAMPLE_ARGS},call_log={tmp / 'calls.log'}",
        "--tasks",
        "nlvr_dev",
        "--limit",
        str(N),
        "--output_path",
        str(out),
        "--use_cache",
        str(journal or tmp / "journal.sqlite"),
        *extra,
    ]
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    run_dir = next(out.glob("dummy/*"))
    return json.loads((run_dir / "results.json").read_text()), run_dir, r.stderr


def _calls(tmp: Path) -> int:
    log = tmp / "calls.log"
    return len(log.read_text().split()) if log.exists() else 0


def _per_doc(rows: list[Any]) -> dict[str, list[Any]]:
    docs: dict[str, list[Any]] = {}
    for row in sorted(rows, key=lambda r: r.repeat):
        docs.setdefault(row.doc_id, []).append(row)
    return docs


def _majority_score(reps: list[Any]) -> float:
    votes = Counter(r.extracted for r in reps)
    top = max(votes.values())
    winner = next(r for r in reps if votes[r.extracted] == top)  # ties: the answer seen first
    return winner.scores["accuracy"]


def _pass_at_j(scores: list[float], j: int) -> float:
    subsets = list(itertools.combinations(scores, j))
    return sum(max(s) for s in subsets) / len(subsets)


def test_repeats_end_to_end_on_nlvr(tmp_path: Path) -> None:
    sm = pytest.importorskip("statsmodels.api")
    stats = pytest.importorskip("scipy.stats")
    sampling = ("--repeats", str(K), "--gen_kwargs", "temperature=0.7")

    # -- k = 4, mean reducer: 4 x 20 requests journaled, one samples line per doc and repeat --------------
    res, run_dir, _ = _run(tmp_path, "mean", *sampling)
    assert _calls(tmp_path) == K * N
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        rows = db.execute("SELECT key, doc_id, ok FROM responses").fetchall()
    assert len(rows) == K * N and all(ok for _, _, ok in rows)
    assert set(Counter(doc for _, doc, _ in rows).values()) == {K}
    samples = read_samples(run_dir / "samples_nlvr_dev.jsonl")
    assert len(samples) == K * N and {s.cache_key for s in samples} == {k for k, _, _ in rows}
    docs = _per_doc(samples)
    assert len(docs) == N and all([r.repeat for r in reps] == list(range(K)) for reps in docs.values())
    assert any(len({r.extracted for r in reps}) > 1 for reps in docs.values()), "repeats must differ"

    task = res["results"]["nlvr_dev"]
    assert res["config"]["repeats"] == K and res["config"]["repeat_reducer"] == "mean"
    assert task["n_docs"] == N and task["n_scored"] == K * N and task["n_errors"] == 0
    rep = task["repeats"]
    assert rep["k"] == K and rep["seeds"] == [0, 1, 2, 3] and rep["n_samples"] == K * N
    assert rep["n_scored"] == K * N and rep["n_docs_complete"] == N
    assert res["usage"]["requests_total"] == K * N

    all_scores = np.array([s.scores["accuracy"] for s in samples])
    doc_ids = [s.doc_id for s in samples]
    per_doc_mean = np.array([np.mean([r.scores["accuracy"] for r in reps]) for reps in docs.values()])
    acc = task["metrics"]["accuracy"]
    assert acc["value"] == pytest.approx(100 * all_scores.mean())
    assert acc["value"] == pytest.approx(100 * per_doc_mean.mean())
    assert acc["method"] == "clustered" and acc["n"] == K * N
    # the stderr is clustered by doc: statsmodels' cluster-robust OLS, = the stderr of the per-doc means
    _, codes = np.unique(doc_ids, return_inverse=True)
    fit = sm.OLS(all_scores, np.ones((K * N, 1))).fit(cov_type="cluster", cov_kwds={"groups": codes})
    assert acc["stderr"] == pytest.approx(100 * float(fit.bse[0]), rel=1e-9)
    assert acc["stderr"] == pytest.approx(100 * float(stats.sem(per_doc_mean)), rel=1e-9)
    # stability: expected accuracy (mean of the per-doc means) and consistency (all k answers identical)
    expected = rep["expected"]["accuracy"]
    assert expected["value"] == pytest.approx(100 * per_doc_mean.mean()) and expected["n"] == N
    assert expected["stderr"] == pytest.approx(100 * float(stats.sem(per_doc_mean)), rel=1e-9)
    same = np.array([len({r.extracted for r in reps}) == 1 for reps in docs.values()], dtype=float)
    cons = rep["consistency"]
    assert cons["value"] == pytest.approx(same.mean()) and cons["n"] == N and cons["method"] == "wilson"
    assert cons["stderr"] == pytest.approx(float(stats.sem(same)), rel=1e-9)
    assert 0 < cons["value"] < 1
    var = np.mean([np.var([r.scores["accuracy"] for r in reps], ddof=1) for reps in docs.values()])
    assert rep["within_doc_variance"]["accuracy"] == pytest.approx(100**2 * var)

    # -- the same command again sends nothing ------------------------------------------------------------
    again, _, err = _run(tmp_path, "again", *sampling)
    assert _calls(tmp_path) == K * N and "0 to send" in err
    assert again["usage"]["requests_cached"] == K * N
    assert again["results"]["nlvr_dev"]["metrics"]["accuracy"]["value"] == pytest.approx(acc["value"])

    # -- every reducer from the same journal (the reducer is not part of any cache key) -------------------
    by_hand = {
        "majority": [_majority_score(reps) for reps in docs.values()],
        "pass_at_k": [max(r.scores["accuracy"] for r in reps) for reps in docs.values()],
        "all_k": [min(r.scores["accuracy"] for r in reps) for reps in docs.values()],
        "pass_at_2": [_pass_at_j([r.scores["accuracy"] for r in reps], 2) for reps in docs.values()],
    }
    for reducer, values in by_hand.items():
        res_r, _, _ = _run(tmp_path, reducer, *sampling, "--repeat_reducer", reducer)
        assert _calls(tmp_path) == K * N, f"{reducer} must not call the model"
        m = res_r["results"]["nlvr_dev"]["metrics"]["accuracy"]
        x = np.array(values)
        assert m["value"] == pytest.approx(100 * x.mean()), reducer
        assert m["n"] == N and m["n_errors"] == 0
        # one value per doc: the doc is the unit, its stderr the plain one over docs
        assert m["stderr"] == pytest.approx(100 * float(stats.sem(x)), rel=1e-9), reducer
        assert res_r["results"]["nlvr_dev"]["repeats"]["reducer"] == reducer
        # the stability statistics do not depend on the reducer
        r_rep = res_r["results"]["nlvr_dev"]["repeats"]
        assert r_rep["consistency"]["value"] == pytest.approx(cons["value"])
        assert r_rep["expected"]["accuracy"]["value"] == pytest.approx(expected["value"])
    assert np.mean(by_hand["all_k"]) <= per_doc_mean.mean() <= np.mean(by_hand["pass_at_k"])


def test_k1_keeps_cache_keys_and_repeat0_is_the_plain_run(tmp_path: Path) -> None:
    plain, plain_dir, _ = _run(tmp_path, "plain", "--gen_kwargs", "temperature=0.7")
    one, one_dir, _ = _run(tmp_path, "one", "--gen_kwargs", "temperature=0.7", "--repeats", "1")
    assert _calls(tmp_path) == N, "--repeats 1 is the plain run: nothing new to send"
    plain_rows = read_samples(plain_dir / "samples_nlvr_dev.jsonl")
    one_rows = read_samples(one_dir / "samples_nlvr_dev.jsonl")
    assert [r.cache_key for r in plain_rows] == [r.cache_key for r in one_rows]
    raw = (one_dir / "samples_nlvr_dev.jsonl").read_text().splitlines()[0]
    assert '"repeat"' not in raw, "no repeat field without repeats"
    assert plain["results"]["nlvr_dev"]["repeats"] is None and one["results"]["nlvr_dev"]["repeats"] is None
    assert plain["results"]["nlvr_dev"]["metrics"] == one["results"]["nlvr_dev"]["metrics"]
    # k = 3: repeat 0 has the plain run's keys (seed + 0), so only 2 x 20 new requests
    _, three_dir, _ = _run(tmp_path, "three", "--gen_kwargs", "temperature=0.7", "--repeats", "3")
    assert _calls(tmp_path) == N + 2 * N
    three = read_samples(three_dir / "samples_nlvr_dev.jsonl")
    assert [r.cache_key for r in three if r.repeat == 0] == [r.cache_key for r in plain_rows]


def test_greedy_repeats_warn_and_agree(tmp_path: Path) -> None:
    res, _, err = _run(tmp_path, "greedy", "--repeats", "3")  # nlvr_dev generates with temperature 0
    assert "warning: --repeats 3 with temperature 0" in err
    rep = res["results"]["nlvr_dev"]["repeats"]
    assert rep["consistency"]["value"] == 1.0 and rep["within_doc_variance"]["accuracy"] == 0.0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--repeats", "0"), "repeats"),
        (("--repeats", "2", "--repeat_reducer", "vote"), "unknown repeat reducer 'vote'"),
        (("--repeats", "2", "--repeat_reducer", "pass_at_3"), "needs --repeats >= 3"),
    ],
)
def test_invalid_repeat_flags(tmp_path: Path, flags: tuple[str, ...], message: str) -> None:
    r = run_cli("--model", "dummy", "--tasks", "nlvr_dev", "--output_path", str(tmp_path), *flags)
    assert r.returncode == 2 and message in r.stderr, r.stderr


def _toy(tmp_path: Path, **update: Any) -> RunConfig:
    tasks = write_text_task(tmp_path / "t", name="toy_a", n=12, extra="breakdown: [category]\n")
    write_text_task(tasks, name="toy_b", n=8)
    (tasks / "toys.yaml").write_text("group: toys\ntasks: [toy_a, toy_b]\n")
    base = {
        "model": "dummy",
        "model_args": {"mode": "sample", "choices": "0|1|2|3|4|5|6|7|8|9|10|11"},
        "tasks": ["toys"],
        "include_path": [str(tasks)],
        "output_path": str(tmp_path / "out"),
        "gen_kwargs": {"temperature": 1.0},
        "repeats": 5,
    }
    return RunConfig.model_validate({**base, **update})


def test_failed_repeats_breakdown_and_group(tmp_path: Path) -> None:
    """Some repeats fail: they are left out, each doc reduces over what it has; breakdowns and groups follow."""
    config = _toy(
        tmp_path,
        model_args={"mode": "sample", "choices": "0|1|2|3|4|5|6|7|8|9|10|11", "fail_rate": 0.25},
        max_errors="100%",
        repeat_reducer="majority",
    )
    outcome = evaluate(config)
    a = outcome.results.results["toy_a"]
    rows = read_samples(outcome.run_dir / "samples_toy_a.jsonl")
    assert len(rows) == 12 * 5
    ok = [r for r in rows if r.error is None]
    failed = len(rows) - len(ok)
    assert failed > 0 and a.n_errors == failed and a.n_scored == len(ok) and a.n_docs == 12
    docs = _per_doc(ok)
    rep = a.repeats
    assert rep is not None and rep.n_samples == 60 and rep.n_scored == len(ok)
    assert rep.n_docs_complete == sum(len(v) == 5 for v in docs.values())
    majority = {d: _majority_score(reps) for d, reps in docs.items()}
    assert a.metrics["accuracy"].value == pytest.approx(np.mean(list(majority.values())))
    assert a.metrics["accuracy"].n == len(docs) and a.metrics["accuracy"].n_errors == 12 - len(docs)
    # the breakdown reduces the same way, within each category
    for cat, parity in (("even", 0), ("odd", 1)):
        vals = [v for d, v in majority.items() if int(d[1:]) % 2 == parity]
        assert a.breakdown["category"][cat]["accuracy"].value == pytest.approx(np.mean(vals))
    # expected: docs weighted equally, each by the mean of the repeats it has
    means = [np.mean([r.scores["accuracy"] for r in reps]) for reps in docs.values()]
    assert rep.expected["accuracy"].value == pytest.approx(np.mean(means))
    multi = [reps for reps in docs.values() if len(reps) >= 2]
    assert rep.consistency is not None and rep.consistency.n == len(multi)
    assert rep.consistency.value == pytest.approx(
        np.mean([len({r.extracted for r in m}) == 1 for m in multi])
    )
    # the group combines the reduced metric and the stability statistics of its members
    b = outcome.results.results["toy_b"]
    group = outcome.results.groups["toys"]
    assert group.repeats is not None and group.repeats.k == 5 and group.repeats.n_samples == 100
    size = a.metrics["accuracy"].n + b.metrics["accuracy"].n
    want = (
        a.metrics["accuracy"].n * a.metrics["accuracy"].value
        + b.metrics["accuracy"].n * b.metrics["accuracy"].value
    ) / size
    assert group.metrics["accuracy"].value == pytest.approx(want)
    assert a.repeats is not None and b.repeats is not None
    assert a.repeats.consistency is not None and b.repeats.consistency is not None
    cons_n = a.repeats.consistency.n + b.repeats.consistency.n
    want_c = (
        a.repeats.consistency.n * a.repeats.consistency.value
        + b.repeats.consistency.n * b.repeats.consistency.value
    ) / cons_n
    assert group.repeats.consistency is not None and group.repeats.consistency.value == pytest.approx(want_c)
    # the results file round-trips through the schema
    assert load_results(outcome.run_dir).results["toy_a"].repeats == rep


def test_mean_reducer_with_failed_repeats_weights_by_scored_samples(tmp_path: Path) -> None:
    config = _toy(
        tmp_path,
        model_args={"mode": "sample", "choices": "0|1|2|3", "fail_rate": 0.3},
        max_errors="100%",
        tasks=["toy_a"],
    )
    outcome = evaluate(config)
    a = outcome.results.results["toy_a"]
    ok = [r for r in read_samples(outcome.run_dir / "samples_toy_a.jsonl") if r.error is None]
    acc = a.metrics["accuracy"]
    assert acc.n == len(ok) and acc.method == "clustered"
    assert acc.value == pytest.approx(np.mean([r.scores["accuracy"] for r in ok]))


def test_code_aggregations_refuse_best_and_worst(tmp_path: Path) -> None:
    extra = "metrics:\n  - {name: yes_no_confusion, aggregation: yes_f1}\n"
    tasks = write_text_task(tmp_path / "t", name="yn", n=6, extra=extra)
    text = (tasks / "yn.yaml").read_text().replace("metrics:\n  - {name: accuracy}\n", "", 1)
    (tasks / "yn.yaml").write_text(text)
    config = RunConfig(
        model="dummy",
        tasks=["yn"],
        include_path=[str(tasks)],
        output_path=str(tmp_path / "out"),
        repeats=3,
        repeat_reducer="pass_at_k",
        model_args={"call_log": str(tmp_path / "calls.log")},
    )
    with pytest.raises(ConfigError, match="per-sample codes"):
        evaluate(config)
    assert not (tmp_path / "calls.log").exists(), "refused before any model call"
    # majority and mean apply: the voted answer's code, or every code with docs as clusters
    outcome = evaluate(config.model_copy(update={"repeat_reducer": "majority"}))
    assert outcome.results.results["yn"].metrics["yes_no_confusion_yes_f1"].n == 6
