"""chartqapro end to end: rows in the schema lmms-eval 0.7.3 reads from ahmed-masry/ChartQAPro (test: the
image as PNG bytes, Question / Answer / Year as lists, one per conversation turn, Question Type, Paragraph)
in the mirror layout, messy replayed answers, scores computed by hand with the official relaxed
correctness, overall and per question type."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, png, replay, value, write_split

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "image": datasets.Value("binary"),
        "Question": datasets.Sequence(STR),
        "Answer": datasets.Sequence(STR),
        "Question Type": STR,
        "Year": datasets.Sequence(STR),
        "Paragraph": STR,
    }
)


def test_chartqapro_scores_relaxed_correctness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [  # (questions, answers, type, years, paragraph, response, score by hand)
        (["What share in 2020?"], ["45"], "Factoid", ["NO"], "", "46.5%", 1.0),  # within 5%
        (["Which year peaked?"], ["2016"], "Factoid", ["YES"], "", "2016.0", 0.0),  # a year: exact text
        (["Is it rising?"], ["True"], "Fact Checking", ["NO"], "", "true.", 1.0),  # period gone, case ignored
        (["Which option?"], ["B"], "Multi Choice", ["NO"], "", "B) 35%", 0.0),
        (["Total?", "And in 2021?"], ["30", "[10, 20]"], "Conversational", ["NO", "NO"], "", "[10, 25]", 0.5),
        (
            ["What if sales doubled?"],
            ["Increase"],
            "Hypothetical",
            ["NO"],
            "Sales grew.",
            "increases",
            1 - 1 / 9,
        ),
    ]
    colors = ("red", "green", "blue", "white", "black", "yellow")
    write_split(
        tmp_path / "root",
        "ahmed-masry/ChartQAPro",
        "test",
        {
            "image": [png(c) for c in colors],
            "Question": [r[0] for r in rows],
            "Answer": [r[1] for r in rows],
            "Question Type": [r[2] for r in rows],
            "Year": [r[3] for r in rows],
            "Paragraph": [r[4] for r in rows],
        },
        FEATURES,
    )
    predictions = {str(i): r[5] for i, r in enumerate(rows)}
    results, samples = replay(tmp_path, monkeypatch, "chartqapro", tmp_path / "root", predictions)
    assert (results["n_docs"], results["n_scored"]) == (6, 6)
    assert {k: s["scores"]["relaxed_accuracy"] for k, s in samples.items()} == pytest.approx(
        {str(i): r[6] for i, r in enumerate(rows)}
    )
    assert value(results, "relaxed_accuracy") == pytest.approx(sum(r[6] for r in rows) / 6)
    assert value(results, "relaxed_accuracy", "question_type", "Conversational") == 0.5
    prompt = samples["4"]["prompt"][0]["content"][-1]["text"]
    assert prompt == "Q1: Total?\nA1: 30\nQ2: And in 2021?\nAnswer the question with a short phrase."
    assert samples["5"]["prompt"][0]["content"][-1]["text"].startswith("Context: Sales grew.\n\nWhat if")
