"""countbench end to end: rows in the schema of vikhyatk/CountBenchQA (test) in the mirror layout (made-up
questions, tiny generated images; no id column, so docs are rows), messy replayed answers and moondream's
official rule by hand: the stripped, lower-cased answer must equal the number exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(  # the columns of vikhyatk/CountBenchQA
    {"image": datasets.Image(), "text": STR, "question": STR, "number": datasets.Value("int64")}
)
ROWS = [  # (number, response, right)
    (3, " 3\n", True),
    (2, "two", False),  # number words are not accepted by the official rule (lmms-eval 0.7.3 accepts them)
    (5, "5.", False),
    (7, "7", True),
]


def test_countbench_exact_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns: dict[str, list[Any]] = {
        "image": [image(c) for c in ("red", "green", "blue", "white")],
        "text": [f"a photo of {n} things" for n, _, _ in ROWS],
        "question": [f"How many things are there in image {i}? " for i in range(len(ROWS))],
        "number": [n for n, _, _ in ROWS],
    }
    write_split(root, "vikhyatk/CountBenchQA", "test", columns, FEATURES)
    results, samples = replay(
        tmp_path, monkeypatch, "countbench", root, {str(i): r[1] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[str(i)]["scores"]["acc"] for i in range(4)] == [float(r[2]) for r in ROWS]
    assert value(results, "acc") == pytest.approx(0.5)
    assert samples["0"]["target"] == 3  # `{{ number }}` alone keeps the raw value; compared as "3"
    assert samples["0"]["prompt"][0]["content"][1]["text"] == (
        "Look at the image carefully and count the objects. Answer with just a number, without any additional "
        "text. How many things are there in image 0?"
    )
