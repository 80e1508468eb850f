"""mmlu end to end: rows in the schema of hails/mmlu_no_train (one config per subject, test split: question,
subject, choices as a list of four strings, answer as a ClassLabel A-D) for all 57 subjects, the group
`mmlu` run through its four category groups with the choice-replay model picking letters; accuracy by hand
for a subject, the categories and the whole (pooled over questions, as the harness weights by size)."""

from __future__ import annotations

from pathlib import Path

import pytest
from choice_fixture import ChoiceReplayModel, replay_choices
from hub_fixture import datasets, value, write_split

from lmms_eval.tasks.index import CATALOG_DIR
from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
FEATURES = datasets.Features(
    {
        "question": STR,
        "subject": STR,
        "choices": datasets.Sequence(STR),
        "answer": datasets.ClassLabel(names=["A", "B", "C", "D"]),
    }
)
CATEGORIES = ("stem", "other", "social_sciences", "humanities")
# per category, which of a subject's two questions the model gets right
RIGHT = {
    "stem": (True, True),
    "other": (True, False),
    "social_sciences": (False, False),
    "humanities": (True, False),
}


def _subjects() -> dict[str, list[str]]:
    folder = CATALOG_DIR / "mmlu"
    out: dict[str, list[str]] = {}
    for cat in CATEGORIES:
        text = (folder / f"mmlu_{cat}.yaml").read_text()
        names = text.split("tasks: [", 1)[1].split("]", 1)[0].split(", ")
        out[cat] = [n.removeprefix("mmlu_") for n in names]
    return out


def test_mmlu_group_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    subjects = _subjects()
    assert [len(subjects[c]) for c in CATEGORIES] == [19, 13, 12, 13]
    picks: dict[str, int] = {}
    for k, (cat, subject) in enumerate((c, s) for c in CATEGORIES for s in subjects[c]):
        answers = [k % 4, (k + 1) % 4] + ([2] if subject == "anatomy" else [])  # anatomy: a 3rd, wrong
        right = [*RIGHT[cat], False]
        columns = {
            "question": [f"  Question {i} on {subject}?\n" for i in range(len(answers))],
            "subject": [subject] * len(answers),
            "choices": [[f"{subject} option {j}" for j in range(4)] for _ in answers],
            "answer": answers,
        }
        write_split(root, "hails/mmlu_no_train", "test", columns, FEATURES, config=subject)
        for i, a in enumerate(answers):
            picks[f"mmlu_{subject}/{i}"] = a if right[i] else (a + 1) % 4
    groups = ",".join(["mmlu", *(f"mmlu_{c}" for c in CATEGORIES)])
    results, samples = replay_choices(tmp_path, monkeypatch, groups, root, picks)
    assert value(results["mmlu_anatomy"], "acc") == pytest.approx(200 / 3)  # 2 of 3
    assert value(results["mmlu_virology"], "acc") == pytest.approx(50.0)
    anatomy = samples[("mmlu_anatomy", "0")]
    assert anatomy["target"] == "B" and anatomy["response"] == "B"  # anatomy is stem subject 1: answer 1
    assert anatomy["prompt"][0]["content"][0]["text"] == (
        "The following are multiple choice questions (with answers) about anatomy.\n\nQuestion 0 on anatomy?\n"
        "A. anatomy option 0\nB. anatomy option 1\nC. anatomy option 2\nD. anatomy option 3\nAnswer:"
    )
    assert ChoiceReplayModel.seen[("mmlu_anatomy", "0")] == ["A", "B", "C", "D"]
    assert len(samples) == 115 and all(s["scores"]["acc"] in (0.0, 1.0) for s in samples.values())
    # stem: 38 of 39 right; other and humanities: 13 of 26; social sciences: 0 of 24; in all 64 of 115
    assert value(results["mmlu_stem"], "acc") == pytest.approx(3800 / 39)
    assert value(results["mmlu_other"], "acc") == pytest.approx(50.0)
    assert value(results["mmlu_social_sciences"], "acc") == pytest.approx(0.0)
    assert value(results["mmlu_humanities"], "acc") == pytest.approx(50.0)
    assert results["mmlu"]["n_docs"] == 115
    assert value(results["mmlu"], "acc") == pytest.approx(6400 / 115)
    (report,) = validate(["mmlu_anatomy"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
