"""MME scoring against the official evaluation tool (``eval_tool/calculation.py`` in ``tools/eval_tool.zip`` of
https://github.com/BradyFU/Awesome-Multimodal-Large-Language-Models, branch ``Evaluation``, commit
dd2950902889cd614d4edf606827240166d29381; run with Python 3.11, scikit-learn 1.9.1, numpy 2.4.6).

Every expected value in ``fixtures/mme_official_cases.jsonl`` is an output of that official code. The file
was made by a generator script kept outside the repository (it imports the official module): for 8
batches it wrote the tool's input, one tab-separated file per subtask (14) of 3-12 synthetic images with
two questions each (one "Yes", one "No" in random order; image names and questions are made up, no MME data
is copied), each answered with a response drawn from ~90 messy ones ("Yes.", " yes", "  Yes", "Not sure",
"None", "know", "**Yes**", "Y", "The answer is yes.", "", newlines, CJK, ...). Newlines were deleted from
the responses before writing, as the tool's readme asks (the ``response`` field keeps them; this module
deletes them too). It then read each line back as ``process_result`` does (``line.split("\\t")``, the
response lower-cased with its line ending) into the official ``parse_pred_ans`` for the per-response
verdict (``kind: case``), and ran the official ``process_result`` on the folder, reading its printed
subtask scores and perception/cognition totals (``kind: aggregate``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring import AGGREGATIONS, EXTRACTORS, METRICS
from lmms_eval.scoring.mme import (
    COGNITION,
    PERCEPTION,
    SUBTASKS,
    extract_mme_answer,
    mme_answer,
    mme_code,
    mme_score,
)
from lmms_eval.stats import estimate

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mme_official_cases.jsonl"


@cache
def _rows() -> list[dict[str, Any]]:
    return [json.loads(x) for x in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _cases(batch: int | None = None) -> list[dict[str, Any]]:
    return [r for r in _rows() if r["kind"] == "case" and batch in (None, r["batch"])]


def _codes(cases: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    codes = [mme_code(extract_mme_answer(c["response"], c), c["answer"], c) for c in cases]
    return np.array(codes), np.array([c["image"] for c in cases])


def test_the_fixture_covers_every_subtask_and_messy_answers() -> None:
    cases = _cases()
    assert len(cases) > 1500
    assert {c["category"] for c in cases} == set(SUBTASKS)
    assert {c["official"] for c in cases} == {"yes", "no", "other"}
    responses = {c["response"] for c in cases}
    for messy in ("Yes.", "  Yes", "Not sure", "know", "**Yes**", "", "\nYes", "The answer is no."):
        assert messy in responses


def test_every_response_is_read_as_the_official_tool_reads_it() -> None:
    disagreements = [c for c in _cases() if mme_answer(c["response"]) != c["official"]]
    assert disagreements == []


def test_totals_and_subtask_scores_equal_the_official_ones() -> None:
    aggregates = [r for r in _rows() if r["kind"] == "aggregate"]
    assert len(aggregates) == 8
    for agg in aggregates:
        cases = _cases(agg["batch"])
        codes, images = _codes(cases)
        assert mme_score(codes, images, family="perception")[0] == pytest.approx(agg["perception"], abs=1e-9)
        assert mme_score(codes, images, family="cognition")[0] == pytest.approx(agg["cognition"], abs=1e-9)
        for name, official in agg["subtasks"].items():
            keep = np.array([c["category"] == name for c in cases])
            family = "perception" if name in PERCEPTION else "cognition"
            assert mme_score(codes[keep], images[keep], family=family)[0] == pytest.approx(official, abs=1e-9)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("Yes.", "yes"),
        (" yes", "yes"),
        ("  Yes", "other"),  # only the first four characters count
        ("no, it is not", "no"),
        ("Not sure", "no"),
        ("None", "no"),
        ("know", "no"),  # "no" inside the first four characters
        ("nyes", "yes"),  # "yes" is looked for first
        ("**Yes**", "other"),
        ("Y", "other"),
        ("The answer is yes.", "other"),
        ("", "other"),
        ("\n\nYes", "yes"),  # newlines are deleted first (the tool's readme)
        ("Ye\ns", "yes"),
    ],
)
def test_documented_quirks(response: str, expected: str) -> None:
    assert mme_answer(response) == expected


def _doc(category: str = "count") -> dict[str, str]:
    return {"category": category}


def test_codes() -> None:
    count = SUBTASKS.index("count")
    assert mme_code("Yes", "Yes", _doc()) == 4 * count + 2 + 1
    assert mme_code("no", "Yes", _doc()) == 4 * count + 2
    assert mme_code(None, "No", _doc()) == 4 * count  # no answer is "other": wrong
    assert mme_code("No", "No", _doc("code_reasoning")) == 4 * SUBTASKS.index("code_reasoning") + 1
    with pytest.raises(ValueError, match="category"):
        mme_code("yes", "yes", _doc("counting"))
    with pytest.raises(ValueError, match="ground truth"):
        mme_code("yes", "maybe", _doc())


def _pairs(results: list[tuple[str, bool, bool]]) -> tuple[np.ndarray, np.ndarray]:
    """(category, yes question right, no question right) per image -> codes and image labels."""
    codes, images = [], []
    for k, (category, yes_right, no_right) in enumerate(results):
        s = SUBTASKS.index(category)
        codes += [4 * s + 2 + yes_right, 4 * s + no_right]
        images += [f"{category}/{k}.png"] * 2
    return np.array(codes, dtype=float), np.array(images)


def test_score_by_hand() -> None:
    # existence: 3 images, acc 4/6, acc+ 1/3 -> 100; OCR: 1 image, both right -> 200; cognition: 1 of 2
    codes, images = _pairs(
        [
            ("existence", True, True),
            ("existence", True, False),
            ("existence", False, True),
            ("OCR", True, True),
            ("text_translation", True, False),
        ]
    )
    assert mme_score(codes, images, family="perception")[0] == pytest.approx(100.0 + 200.0)
    assert mme_score(codes, images, family="cognition")[0] == pytest.approx(50.0)
    # an image name shared by two subtasks is two pairs
    shared = np.array(["a.png"] * 2 + ["a.png"] * 2)
    both = np.concatenate([_pairs([("count", True, True)])[0], _pairs([("color", False, False)])[0]])
    assert mme_score(both, shared, family="perception")[0] == pytest.approx(200.0)
    # no cognition subtask in the data: an empty sum
    assert mme_score(codes[:6], images[:6], family="cognition")[0] == 0.0


def test_a_pair_drawn_twice_counts_twice_and_a_lone_question_is_judged_alone() -> None:
    codes, images = _pairs([("scene", True, True), ("scene", True, False)])
    twice = np.concatenate([codes[:2], codes])  # the first image drawn twice
    labels = np.concatenate([images[:2], images])
    assert mme_score(twice, labels, family="perception")[0] == pytest.approx(100 * (5 / 6 + 2 / 3))
    lone = np.array([codes[0], codes[2], codes[3]])  # the first image's "no" question failed
    assert mme_score(lone, images[[0, 2, 3]], family="perception")[0] == pytest.approx(100 * (2 / 3 + 1 / 2))


def test_rows_and_counts_forms_agree_on_cluster_resamples() -> None:
    codes, images = _codes(_cases(0))
    _, clusters = np.unique(images, return_inverse=True)
    rng = np.random.default_rng(0)
    n_clusters = int(clusters.max()) + 1
    draws = rng.integers(0, n_clusters, size=(5, n_clusters))
    per_cluster = np.stack([np.bincount(d, minlength=n_clusters) for d in draws])
    counts = per_cluster[:, clusters]  # each sample drawn as often as its image
    _, codes_of_labels = np.unique(images, return_inverse=True)
    for family in ("perception", "cognition"):
        from_counts = mme_score.from_counts(codes, codes_of_labels, counts, family=family)  # type: ignore[attr-defined]
        rows = [
            mme_score(np.repeat(codes, c), np.repeat(codes_of_labels, c), family=family)[0] for c in counts
        ]
        assert from_counts == pytest.approx(rows)


def test_totals_get_a_cluster_bootstrap_interval() -> None:
    cases = _cases(1)
    codes, images = _codes(cases)
    est = estimate(
        codes,
        mme_score,
        agg_args={"family": "perception"},
        labels=images,
        clusters=images,
        bootstrap_iters=200,
        seed=7,
    )
    assert est.method == "clustered_bootstrap"
    official = next(r for r in _rows() if r["kind"] == "aggregate" and r["batch"] == 1)["perception"]
    assert est.value == pytest.approx(official)
    assert est.ci_low is not None and est.ci_high is not None
    assert est.ci_low < est.value < est.ci_high
    assert est.stderr is not None and est.stderr > 0


def test_configuration_errors() -> None:
    codes, images = _pairs([("count", True, True)])
    with pytest.raises(ConfigError, match="by: question_id"):
        mme_score(codes, None, family="perception")
    with pytest.raises(ValueError, match="family"):
        mme_score(codes, images, family="total")  # type: ignore[arg-type]


def test_registered_names() -> None:
    assert EXTRACTORS.get("mme") is extract_mme_answer
    assert METRICS.get("mme_code") is mme_code
    assert AGGREGATIONS.get("mme_score") is mme_score
    assert len(PERCEPTION) == 10 and len(COGNITION) == 4
