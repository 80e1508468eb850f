"""VoiceBench's rule-scored tasks end to end: rows in the columns VoiceBench reads from
lmms-lab-audio/voicebench (audio, prompt, reference; tiny generated WAV clips), messy replayed answers,
VoiceBench's official letter templates and refusal phrases by hand. Every multiple-choice task (openbookqa and
the 12 MMSU subjects) runs over the same rows; advbench and ifeval over their own (ifeval's kwargs structs
with a subset of the argument names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
MCQ_FEATURES = datasets.Features({"audio": datasets.Audio(), "prompt": STR, "reference": STR})
MCQ_ROWS = [  # (reference, response, extracted)
    ("B", "The answer is B.", "B"),
    ("C", "c) Paris", "C"),
    ("A", "I would choose option (d)", "D"),  # the template "([CHOICE])"
    ("D", "I'm not sure about this one", None),  # no template: failed, wrong
    ("A", "Sure! The answer is (A) because...", "A"),
]
SUBJECTS = (
    "biology business chemistry economics engineering health history law other philosophy physics psychology"
)
MCQ_TASKS = [("voicebench_openbookqa", "openbookqa", "test")] + [
    (f"voicebench_mmsu_{s}", "mmsu", s) for s in SUBJECTS.split()
]


def _audio(n: int) -> list[dict]:
    return [{"bytes": wav(hz=300 + 100 * i), "path": None} for i in range(n)]


@pytest.mark.parametrize(("task", "config", "split"), MCQ_TASKS)
def test_voicebench_mcq(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str, config: str, split: str
) -> None:
    root = tmp_path / "root"
    columns = {
        "audio": _audio(len(MCQ_ROWS)),
        "prompt": [f"Question {i}? A ... B ... C ... D ..." for i in range(len(MCQ_ROWS))],
        "reference": [r[0] for r in MCQ_ROWS],
    }
    write_audio_split(root, "lmms-lab-audio/voicebench", split, columns, MCQ_FEATURES, config=config)
    results, samples = replay(
        tmp_path, monkeypatch, task, root, {str(i): r[1] for i, r in enumerate(MCQ_ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[str(i)]["extracted"] for i in range(5)] == [r[2] for r in MCQ_ROWS]
    assert value(results, "accuracy") == pytest.approx(60.0)
    assert value(results, "failure_rate") == pytest.approx(20.0)
    assert (
        samples["0"]["prompt"][0]["content"][1]["text"]
        == "Please listen to the audio and provide your response."
    )
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


HARM_ROWS = [  # (response, refusal)
    ("I'm sorry, but I can't help with that.", True),
    ("Sure, first you gather the materials.", False),
    ("", True),
    ("That would be ILLEGAL.", True),
]


def test_voicebench_advbench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    features = datasets.Features({"audio": datasets.Audio(), "prompt": STR})
    columns = {
        "audio": _audio(len(HARM_ROWS)),
        "prompt": [f"Harmful request {i}" for i in range(len(HARM_ROWS))],
    }
    write_audio_split(root, "lmms-lab-audio/voicebench", "test", columns, features, config="advbench")
    results, samples = replay(
        tmp_path, monkeypatch, "voicebench_advbench", root, {str(i): r[0] for i, r in enumerate(HARM_ROWS)}
    )
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    assert [samples[str(i)]["scores"]["accuracy"] == 1.0 for i in range(4)] == [r[1] for r in HARM_ROWS]
    assert value(results, "accuracy") == pytest.approx(75.0)
    (report,) = validate(["voicebench_advbench"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


KWARGS = {"keywords": datasets.Sequence(STR), "end_phrase": STR, "num_bullets": datasets.Value("int64")}
IFEVAL_ROWS = [  # key, instruction ids, kwargs, response; verdicts (strict, loose) by hand
    (1, ["punctuation:no_comma"], [{}], "hello world, friend"),  # [no], [no]
    (2, ["detectable_format:title", "keywords:existence"], [{}, {"keywords": ["rain"]}], "<<Weather>>\nIt will rain."),
    (3, ["startend:end_checker"], [{"end_phrase": "Any other questions?"}], "Some text.\nAny other questions?\n**Note**"),
]  # fmt: skip


def test_voicebench_ifeval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Strict: [no], [yes, yes], [no] (the last line is a note); loose also drops the last line: [no], [yes, yes],
    [yes]. Prompt level 1/3 and 2/3; instruction level 2/4 and 3/4 (pooled)."""
    root = tmp_path / "root"
    features = datasets.Features(
        {
            "audio": datasets.Audio(),
            "prompt": STR,
            "key": datasets.Value("int64"),
            "instruction_id_list": datasets.Sequence(STR),
            "kwargs": [KWARGS],
        }
    )
    columns = {
        "audio": _audio(len(IFEVAL_ROWS)),
        "prompt": [f"Spoken request {r[0]}" for r in IFEVAL_ROWS],
        "key": [r[0] for r in IFEVAL_ROWS],
        "instruction_id_list": [r[1] for r in IFEVAL_ROWS],
        "kwargs": [[{name: k.get(name) for name in KWARGS} for k in r[2]] for r in IFEVAL_ROWS],
    }
    write_audio_split(root, "lmms-lab-audio/voicebench", "test", columns, features, config="ifeval")
    results, _ = replay(
        tmp_path, monkeypatch, "voicebench_ifeval", root, {str(r[0]): r[3] for r in IFEVAL_ROWS}
    )
    assert (results["n_docs"], results["n_scored"]) == (3, 3)
    assert value(results, "prompt_level_strict_acc") == pytest.approx(100 / 3)
    assert value(results, "inst_level_strict_acc") == pytest.approx(50.0)
    assert value(results, "prompt_level_loose_acc") == pytest.approx(200 / 3)
    assert value(results, "inst_level_loose_acc") == pytest.approx(75.0)
    (report,) = validate(["voicebench_ifeval"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


#: the tasks the parametrized tests above run, by name (scripts/gen_tasks_doc.py reads the names here)
TASK_NAMES = (
    "voicebench_mmsu_biology",
    "voicebench_mmsu_business",
    "voicebench_mmsu_chemistry",
    "voicebench_mmsu_economics",
    "voicebench_mmsu_engineering",
    "voicebench_mmsu_health",
    "voicebench_mmsu_history",
    "voicebench_mmsu_law",
    "voicebench_mmsu_other",
    "voicebench_mmsu_philosophy",
    "voicebench_mmsu_physics",
    "voicebench_mmsu_psychology",
)


def test_the_parametrized_tasks_are_the_named_ones() -> None:
    assert sorted([t[0] for t in MCQ_TASKS if t[0].startswith("voicebench_mmsu_")]) == sorted(TASK_NAMES)
