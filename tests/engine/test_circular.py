"""Circular evaluation (``circular:`` in a task): every rotation of a doc's options is its own request with
its own cache key, resumable from the journal; ``circular_<metric>`` needs every rotation right,
``<metric>`` reads rotation 0; both have per-doc CIs. Runs a small text MCQ task with ``replay``."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.engine.circular import rotate, rotation_count
from lmms_eval.engine.config import RunConfig
from lmms_eval.engine.evaluator import evaluate
from lmms_eval.engine.plan import plan_task
from lmms_eval.tasks.spec import CircularSpec, PromptSpec, TaskSpec
from lmms_eval.tasks.task import Task
from lmms_eval.tasks.yaml_loader import parse_spec

DOCS = [  # (id, options, answer, category)
    ("q0", ["red", "green", "blue", "yellow"], "B", "colour"),
    ("q1", ["yes", "no"], "A", "yes_no"),
    ("q2", ["cat", "dog", "bird"], "C", "animal"),
    ("q3", ["both A and B", "neither", "all"], "B", "logic"),  # names two option letters: asked once
]
# every rotation's request: (request doc id, response, right?) - rotation r shows option (j + r) mod n at j
ANSWERS = [
    ("q0", "B", True),  # [red, green, blue, yellow] -> B
    ("q0#r1", "The answer is A.", True),  # [green, blue, yellow, red] -> A
    ("q0#r2", "(D)", True),  # [blue, yellow, red, green] -> D
    ("q0#r3", "green", True),  # [yellow, red, green, blue] -> C, read from the option's text
    ("q1", "A", True),  # [yes, no] -> A
    ("q1#r1", "A", False),  # [no, yes] -> B: one rotation wrong
    ("q2", "A", False),  # [cat, dog, bird] -> C: rotation 0 wrong
    ("q2#r1", "B", True),  # [dog, bird, cat] -> B
    ("q2#r2", "A", True),  # [bird, cat, dog] -> A
    ("q3", "B", True),
]
TASK_YAML = """task: toy_mcq
dataset:
  local: {path: ./toy_mcq.jsonl}
doc_id: qid
prompt:
  user:
    - text: "{{ question }}{% for o in options %}\\n{{ 'ABCD'[loop.index0] }}. {{ o }}{% endfor %}"
target: "{{ answer }}"
generation: {max_new_tokens: 8, temperature: 0}
extractor: mcq_letter
metrics:
  - {name: accuracy, scale: 100}
breakdown: [category]
circular: true
"""


def _task_folder(tmp: Path, yaml: str = TASK_YAML) -> Path:
    folder = tmp / "tasks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "toy_mcq.jsonl").open("w") as fh:
        for qid, options, answer, category in DOCS:
            row = {"qid": qid, "question": f"Question {qid}?", "options": options, "answer": answer}
            fh.write(json.dumps({**row, "category": category}) + "\n")
    (folder / "toy_mcq.yaml").write_text(yaml)
    return folder


def _predictions(tmp: Path, answers: list[tuple[str, str, bool]], errors: tuple[str, ...] = ()) -> Path:
    path = tmp / "predictions.jsonl"
    rows = [
        {"task": "toy_mcq", "doc_id": d, **({"error": "boom"} if d in errors else {"response": r})}
        for d, r, _ in answers
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _run(tmp: Path, folder: Path, preds: Path, name: str, max_errors: str = "0") -> tuple[Any, Path]:
    config = RunConfig(
        model="replay",
        model_args={"path": str(preds)},
        tasks=["toy_mcq"],
        include_path=[str(folder)],
        output_path=str(tmp / name),
        use_cache=str(tmp / "journal.sqlite"),
        max_errors=max_errors,
        bootstrap_iters=200,
    )
    outcome = evaluate(config)
    assert outcome is not None
    return outcome.results, outcome.run_dir


def _samples(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "samples_toy_mcq.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_rotations_are_requests_with_their_own_keys(tmp_path: Path) -> None:
    folder = _task_folder(tmp_path)
    spec = parse_spec(folder / "toy_mcq.yaml")
    assert isinstance(spec, TaskSpec)
    assert spec.circular == CircularSpec(options="options", answer="answer")  # from mcq_letter's field
    kwargs: dict[str, Any] = dict(
        model_identity={"m": 1}, family=None, limit=None, num_fewshot=None, gen_kwargs={}, workers=1
    )
    samples = plan_task(Task(spec, folder / "toy_mcq.yaml", tmp_path), **kwargs)
    assert [(s.doc.id, s.rotation) for s in samples] == [
        ("q0", 0), ("q0", 1), ("q0", 2), ("q0", 3), ("q1", 0), ("q1", 1), ("q2", 0), ("q2", 1), ("q2", 2),
        ("q3", 0),
    ]  # fmt: skip
    assert [s.request.doc_id for s in samples] == [d for d, _, _ in ANSWERS]
    assert len({s.request.key for s in samples}) == len(samples)
    assert [s.target for s in samples] == ["B", "A", "D", "C", "A", "B", "C", "B", "A", "B"]
    assert samples[1].request.messages[0].content[0].text == (  # type: ignore[union-attr]
        "Question q0?\nA. green\nB. blue\nC. yellow\nD. red"
    )
    # rotation 0 is exactly the plain run's request: same key, so a plain run's answers are reused
    plain_spec = spec.model_copy(update={"circular": None})
    plain = plan_task(Task(plain_spec, folder / "toy_mcq.yaml", tmp_path), **kwargs)
    firsts = [s for s in samples if s.rotation == 0]
    assert [s.request.key for s in plain] == [s.request.key for s in firsts]
    # two rotations with the same prompt still get their own keys (the rotation is in the key)
    same = spec.model_copy(update={"prompt": PromptSpec.model_validate({"user": ["{{ question }}"]})})
    blind = plan_task(Task(same, folder / "toy_mcq.yaml", tmp_path), **kwargs)
    assert len({s.request.key for s in blind}) == len(blind)


def test_circular_and_rotation0_scores_with_per_doc_cis(tmp_path: Path) -> None:
    folder = _task_folder(tmp_path)
    results, run_dir = _run(tmp_path, folder, _predictions(tmp_path, ANSWERS), "run")
    task = results.results["toy_mcq"]
    assert (task.n_docs, task.n_scored, task.n_errors) == (4, 10, 0)
    circ, plain = task.metrics["circular_accuracy"], task.metrics["accuracy"]
    per_doc_circ, per_doc_plain = [1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 0.0, 1.0]  # q1: one rotation wrong
    for result, per_doc in ((circ, per_doc_circ), (plain, per_doc_plain)):
        assert result.n == 4 and result.n_errors == 0  # one value per doc: the CI is per doc
        assert result.value == pytest.approx(100 * np.mean(per_doc))
        assert result.stderr == pytest.approx(100 * np.std(per_doc, ddof=1) / math.sqrt(4))
        assert result.ci_low is not None and result.ci_high is not None
        assert result.ci_low <= result.value <= result.ci_high
    assert list(task.metrics) == ["circular_accuracy", "accuracy"]
    by = task.breakdown["category"]
    assert by["yes_no"]["circular_accuracy"].value == 0.0 and by["yes_no"]["accuracy"].value == 100.0
    assert by["animal"]["circular_accuracy"].value == 0.0 and by["colour"]["circular_accuracy"].value == 100.0
    assert task.circular is not None
    assert task.circular.model_dump() == {
        "n_requests": 10, "n_scored": 10, "n_docs_complete": 4, "n_docs_single": 1,
    }  # fmt: skip
    samples = _samples(run_dir)
    assert [(s["doc_id"], s["rotation"]) for s in samples][:5] == [
        ("q0", 0), ("q0", 1), ("q0", 2), ("q0", 3), ("q1", 0),
    ]  # fmt: skip
    assert [s["scores"]["accuracy"] == 1.0 for s in samples] == [right for _, _, right in ANSWERS]
    assert samples[3]["extracted"] == "C" and samples[3]["target"] == "C"
    assert len({s["cache_key"] for s in samples}) == 10
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        journal = sorted(d for (d,) in db.execute("SELECT doc_id FROM responses"))
    assert journal == sorted(d for d, _, _ in ANSWERS)


def test_resume_sends_only_the_missing_rotations(tmp_path: Path) -> None:
    folder = _task_folder(tmp_path)
    preds = _predictions(tmp_path, ANSWERS)
    first, _ = _run(tmp_path, folder, preds, "first")
    assert first.usage.requests_sent == 10
    lost = ("q0#r2", "q1#r1", "q2")  # as if the run had died before these were committed
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        db.executemany("DELETE FROM responses WHERE doc_id = ?", [(d,) for d in lost])
    second, run_dir = _run(tmp_path, folder, preds, "second")
    assert (second.usage.requests_total, second.usage.requests_cached, second.usage.requests_sent) == (
        10,
        7,
        3,
    )
    again, _ = _run(tmp_path, folder, preds, "third")
    assert again.usage.requests_sent == 0
    for key in ("circular_accuracy", "accuracy"):
        assert second.results["toy_mcq"].metrics[key] == first.results["toy_mcq"].metrics[key]
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        assert db.execute("SELECT count(*) FROM responses").fetchone() == (10,)
    assert len(_samples(run_dir)) == 10


def test_failed_rotation_is_an_error_not_a_wrong_answer(tmp_path: Path) -> None:
    folder = _task_folder(tmp_path)
    preds = _predictions(tmp_path, ANSWERS, errors=("q0#r3",))
    results, _ = _run(tmp_path, folder, preds, "run", max_errors="1")
    task = results.results["toy_mcq"]
    assert (task.n_scored, task.n_errors) == (9, 1)
    circ, plain = task.metrics["circular_accuracy"], task.metrics["accuracy"]
    assert (circ.n, circ.n_errors, circ.value) == (3, 1, pytest.approx(100 / 3))  # q0 left out, not 0
    assert (plain.n, plain.n_errors, plain.value) == (4, 0, 75.0)  # q0's rotation 0 was answered
    assert task.circular is not None and task.circular.n_docs_complete == 3


def test_non_multiple_choice_task_with_circular_is_a_config_error(tmp_path: Path) -> None:
    yaml = TASK_YAML.replace("extractor: mcq_letter", "extractor: number")
    folder = _task_folder(tmp_path, yaml)
    with pytest.raises(ConfigError) as err:
        parse_spec(folder / "toy_mcq.yaml")
    message = str(err.value)
    line = yaml.splitlines().index("circular: true") + 1
    assert f"{folder / 'toy_mcq.yaml'}:{line}: circular:" in message
    assert "multiple-choice" in message and "mcq_letter" in message and "number" in message
    folder2 = _task_folder(tmp_path / "b", TASK_YAML.replace("circular: true", "circular: {answer: answer}"))
    spec = parse_spec(folder2 / "toy_mcq.yaml")  # explicit form, options still from mcq_letter
    assert isinstance(spec, TaskSpec) and spec.circular is not None and spec.circular.options == "options"


def test_circular_refuses_repeats(tmp_path: Path) -> None:
    folder = _task_folder(tmp_path)
    config = RunConfig(
        model="replay",
        model_args={"path": str(_predictions(tmp_path, ANSWERS))},
        tasks=["toy_mcq"],
        include_path=[str(folder)],
        output_path=str(tmp_path / "out"),
        repeats=2,
        gen_kwargs={"temperature": 0.7},
    )
    with pytest.raises(ConfigError, match="circular evaluation does not combine with --repeats"):
        evaluate(config)


LETTERS = CircularSpec(options=["A", "B", "C", "D"], answer="answer")


@pytest.mark.parametrize(
    ("row", "count"),
    [
        ({"A": "x", "B": "y", "C": "z", "D": "w", "answer": "B"}, 4),
        ({"A": "x", "B": "y", "C": None, "D": "nan", "answer": "A"}, 2),
        ({"A": "x", "B": None, "C": "z", "D": None, "answer": "A"}, 1),  # a gap in the letters
        ({"A": "x", "B": None, "C": None, "D": None, "answer": "A"}, 1),  # one option
        ({"A": "x", "B": "y", "C": "z", "D": None, "answer": "D"}, 1),  # answer is no option
        ({"A": "x", "B": "y", "C": "z", "D": None, "answer": None}, 3),  # test split: no answer
        ({"A": "Vitamin A", "B": "y", "C": "z", "D": "w", "answer": "A"}, 4),  # one letter word is fine
        ({"A": "C or D", "B": "y", "C": "z", "D": "w", "answer": "A"}, 1),
        ({"A": "x", "B": "CD", "C": "z", "D": "w", "answer": "A"}, 1),  # an option made of letters
    ],
)
def test_which_docs_rotate(row: dict[str, Any], count: int) -> None:
    assert rotation_count(row, LETTERS, "d") == count


def test_list_options_with_index_answers_rotate() -> None:
    spec = CircularSpec(options="options", answer="answer")
    row = {"options": ["a", "b", "c"], "answer": "2", "other": 1}
    assert rotation_count(row, spec, "d") == 3
    assert [rotate(row, spec, r, 3) for r in range(3)] == [
        {"options": ["a", "b", "c"], "answer": "2", "other": 1},
        {"options": ["b", "c", "a"], "answer": "1", "other": 1},
        {"options": ["c", "a", "b"], "answer": "0", "other": 1},
    ]
    assert rotate({"options": ["a", "b"], "answer": 1}, spec, 1, 2) == {"options": ["b", "a"], "answer": 0}
    columns = CircularSpec(options=["choice_a", "choice_b"], answer="answer")
    assert rotate({"choice_a": "p", "choice_b": "q", "answer": "A"}, columns, 1, 2) == {
        "choice_a": "q", "choice_b": "p", "answer": "B",
    }  # fmt: skip
