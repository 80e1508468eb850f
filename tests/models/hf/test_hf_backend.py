"""Every hf alias end to end through a real task on a tiny random model built from config; batch 1 == N."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("torchvision")

from tiny_models import FAMILIES as BUILDERS  # noqa: E402
from tiny_models import MODALITIES, redraw_weights  # noqa: E402

from lmms_eval.engine.config import RunConfig  # noqa: E402
from lmms_eval.engine.evaluator import evaluate  # noqa: E402
from lmms_eval.results.writer import read_samples  # noqa: E402

TASK_FOR = {"image": "nlvr_dev", "video": "synthetic_video_direction", "audio": "fsdd_digits"}


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    built: dict[str, Path] = {}

    def get(family: str) -> Path:
        if family not in built:
            built[family] = BUILDERS[family](tmp_path_factory.mktemp(family))
        return built[family]

    return get


def _run(
    family: str, model_dir: Path, task: str, out: Path, batch_size: int, limit: int
) -> dict[str, str | None]:
    config = RunConfig(
        model=family,
        model_args={"pretrained": str(model_dir)},
        tasks=[task],
        limit=limit,
        batch_size=batch_size,
        output_path=str(out),
        gen_kwargs={"max_new_tokens": 5},
        prefetch_workers=2,
    )
    outcome = evaluate(config)
    result = outcome.results.results[task]
    assert (result.n_scored, result.n_errors) == (limit, 0)
    assert outcome.results.config.model_family == family
    return {s.doc_id: s.response for s in read_samples(outcome.run_dir / f"samples_{task}.jsonl")}


@pytest.mark.parametrize("family", sorted(BUILDERS))
def test_alias_runs_a_real_task_end_to_end(family: str, tiny_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model_dir = tiny_model(family)
    for modality in sorted(MODALITIES[family] & set(TASK_FOR)):
        responses = _run(family, model_dir, TASK_FOR[modality], tmp_path / modality, batch_size=2, limit=3)
        assert all(isinstance(r, str) for r in responses.values())


@pytest.mark.parametrize("family", ["qwen2_vl", "llava_hf", "idefics3", "smolvlm", "gemma3"])
def test_greedy_batch_of_one_equals_batch_of_four(family: str, tiny_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if family not in BUILDERS:
        pytest.skip(f"no tiny {family}")
    model_dir = redraw_weights(BUILDERS[family](tmp_path / "model"), family)
    one = _run(family, model_dir, "nlvr_dev", tmp_path / "b1", batch_size=1, limit=8)
    four = _run(family, model_dir, "nlvr_dev", tmp_path / "b4", batch_size=4, limit=8)
    assert len(set(one.values())) > 1, "answers must differ between docs for the comparison to mean anything"
    assert one == four


@pytest.mark.parametrize("family", ["idefics3", "gemma3", "llama_vision", "llava_hf"])
def test_prompt_starts_with_exactly_one_bos(family: str, tiny_model) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from lmms_eval.core.types import ImagePart, MediaRef, Message, Request, TextPart
    from lmms_eval.models import MODELS

    model = MODELS.get(family).from_args({"pretrained": str(tiny_model(family))})
    image = ImagePart(ref=MediaRef(data=b"x"))
    image.decoded = Image.new("RGB", (32, 32), "red")
    request = Request(messages=[Message(role="user", content=[image, TextPart(text="What colour?")])])
    ids = model._inputs([request])["input_ids"][0].tolist()
    bos = model.tokenizer.bos_token_id
    assert ids.count(bos) == 1 and ids[0] == bos


def test_ignore_media_decodes_nothing(tiny_model, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A blind baseline (ignore_media=true) reports that it needs no decoded media, so the engine never
    calls the decoder: with every decode failing, all requests are still answered."""
    import lmms_eval.media.decode as decode
    from lmms_eval.models import MODELS

    def broken(part: object) -> None:
        raise AssertionError("ignore_media=true must not decode media")

    monkeypatch.setattr(decode, "decode_part", broken)
    model_dir = tiny_model("llava_hf")
    config = RunConfig(
        model="llava_hf",
        model_args={"pretrained": str(model_dir), "ignore_media": True},
        tasks=["nlvr_dev"],
        limit=3,
        batch_size=2,
        output_path=str(tmp_path),
        gen_kwargs={"max_new_tokens": 3},
        prefetch_workers=2,
    )
    result = evaluate(config).results.results["nlvr_dev"]
    assert (result.n_scored, result.n_errors) == (3, 0)
    blind = MODELS.get("llava_hf").from_args({"pretrained": str(model_dir), "ignore_media": True})
    assert not blind.capabilities.needs_decoded_media
    assert MODELS.get("llava_hf").from_args({"pretrained": str(model_dir)}).capabilities.needs_decoded_media
