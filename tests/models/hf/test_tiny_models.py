"""The tiny random-weight models of ``tiny_models`` build offline, reload with the Auto classes, and generate."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("torchvision")  # every video processor in transformers 5.x needs it

from PIL import Image  # noqa: E402
from tiny_models import AUTO_MODEL_CLASS, FAMILIES, MODALITIES  # noqa: E402

# What one media item of each kind turns into in the rendered chat template (before the processor
# expands it to the model's number of placeholder tokens).
PLACEHOLDER: dict[str, dict[str, str]] = {
    "qwen2_vl": {
        "image": "<|vision_start|><|image_pad|><|vision_end|>",
        "video": "<|vision_start|><|video_pad|><|vision_end|>",
    },
    "qwen2_5_vl": {
        "image": "<|vision_start|><|image_pad|><|vision_end|>",
        "video": "<|vision_start|><|video_pad|><|vision_end|>",
    },
    "qwen3_vl": {
        "image": "<|vision_start|><|image_pad|><|vision_end|>",
        "video": "<|vision_start|><|video_pad|><|vision_end|>",
    },
    "llava_hf": {"image": "USER: <image>\n"},
    "llava_onevision": {"image": "<|im_start|>user <image>\n", "video": "<|im_start|>user <video>\n"},
    "idefics3": {"image": "User:<image>"},
    "smolvlm": {"image": "User:<image>", "video": "<video>"},
    "gemma3": {"image": "<start_of_turn>user\n<start_of_image>"},
    "paligemma": {"image": "<image>"},
    "internvl_hf": {"image": "<|im_start|>user\n<IMG_CONTEXT>\n", "video": "<|im_start|>user\n<video>\n"},
    "llama_vision": {"image": "<|start_header_id|>user<|end_header_id|>\n\n<|image|>"},
    "qwen2_audio": {"audio": "Audio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\n"},
}

MAX_NEW = 3


def _image(seed: int = 0, size: tuple[int, int] = (48, 64)) -> Image.Image:
    rng = np.random.RandomState(seed)
    return Image.fromarray(rng.randint(0, 255, (*size, 3), dtype=np.uint8))


def _video(seed: int = 1) -> list[Image.Image]:
    return [_image(seed + i) for i in range(4)]


def _audio(seconds: float = 1.0, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(16000 * seconds)) / 16000
    return (0.1 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, float]]:
    """Build each family at most once per module: family -> (folder, build seconds)."""
    cache: dict[str, tuple[Path, float]] = {}

    def get(family: str) -> tuple[Path, float]:
        if family not in cache:
            start = time.perf_counter()
            path = FAMILIES[family](tmp_path_factory.mktemp(family))
            cache[family] = (path, time.perf_counter() - start)
        return cache[family]

    return get


def _load(path: Path, family: str) -> tuple[Any, Any]:
    processor = transformers.AutoProcessor.from_pretrained(path)
    model = getattr(transformers, AUTO_MODEL_CLASS[family]).from_pretrained(path)
    model.eval()
    return processor, model


def _generate(model: Any, inputs: Any) -> Any:
    with torch.no_grad():
        return model.generate(**inputs, max_new_tokens=MAX_NEW, do_sample=False)


def _check_decoder_only(out: Any, inputs: Any, batch: int) -> None:
    prompt_len = inputs["input_ids"].shape[1]
    assert out.shape[0] == batch
    assert prompt_len < out.shape[1] <= prompt_len + MAX_NEW
    assert torch.equal(out[:, :prompt_len], inputs["input_ids"])


def _messages(kind: str, text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"type": kind}, {"type": "text", "text": text}]}]


def _media_kwargs(kind: str, items: list[Any]) -> dict[str, Any]:
    if kind == "audio":
        return {"audio": items, "sampling_rate": 16000}
    return {"images" if kind == "image" else "videos": items}


def _first_kind(family: str) -> str:
    return "audio" if "audio" in MODALITIES[family] else "image"


def test_registry_is_consistent() -> None:
    assert set(FAMILIES) == set(MODALITIES) == set(AUTO_MODEL_CLASS)
    assert set(PLACEHOLDER) == set(FAMILIES) - {"whisper"}
    for family, kinds in MODALITIES.items():
        assert kinds and kinds <= {"image", "video", "audio"}, family
        assert set(PLACEHOLDER.get(family, {"audio": ""})) == kinds, family


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_build_is_tiny(family: str, built: Callable[[str], tuple[Path, float]]) -> None:
    path, seconds = built(family)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    assert size < 2_000_000, f"{family}: {size} bytes"
    assert seconds < 5, f"{family}: built in {seconds:.1f}s"
    assert (path / "config.json").is_file() and (path / "tokenizer.json").is_file()
    _, model = _load(path, family)
    n_params = sum(p.numel() for p in model.parameters())
    assert 50_000 < n_params < 1_000_000, f"{family}: {n_params} parameters"


@pytest.mark.parametrize("family", sorted(set(FAMILIES) - {"whisper"}))
def test_chat_template_and_generate(family: str, built: Callable[[str], tuple[Path, float]]) -> None:
    path, _ = built(family)
    processor, model = _load(path, family)
    kind = _first_kind(family)
    prompt = processor.apply_chat_template(
        _messages(kind, "What is in it?"), add_generation_prompt=True, tokenize=False
    )
    assert PLACEHOLDER[family][kind] in prompt
    assert "What is in it?" in prompt
    item = _audio() if kind == "audio" else _image()
    inputs = processor(text=[prompt], return_tensors="pt", **_media_kwargs(kind, [item]))
    out = _generate(model, inputs)
    _check_decoder_only(out, inputs, batch=1)
    assert isinstance(processor.batch_decode(out[:, inputs["input_ids"].shape[1] :])[0], str)


@pytest.mark.parametrize("family", sorted(f for f, kinds in MODALITIES.items() if "video" in kinds))
@pytest.mark.parametrize("as_array", [False, True], ids=["pil_frames", "uint8_array"])
def test_video_generate(family: str, as_array: bool, built: Callable[[str], tuple[Path, float]]) -> None:
    path, _ = built(family)
    processor, model = _load(path, family)
    prompt = processor.apply_chat_template(
        _messages("video", "What happens?"), add_generation_prompt=True, tokenize=False
    )
    assert PLACEHOLDER[family]["video"] in prompt
    frames: Any = _video()
    if as_array:
        frames = np.stack([np.asarray(f) for f in frames])  # (4, H, W, 3) uint8
    inputs = processor(text=[prompt], videos=[frames], return_tensors="pt")
    _check_decoder_only(_generate(model, inputs), inputs, batch=1)


@pytest.mark.parametrize("family", sorted(set(FAMILIES) - {"whisper"}))
def test_batched_left_padded_generate(family: str, built: Callable[[str], tuple[Path, float]]) -> None:
    """Two prompts of different lengths in one left-padded batch (how an eval backend batches)."""
    path, _ = built(family)
    processor, model = _load(path, family)
    processor.tokenizer.padding_side = "left"
    kind = _first_kind(family)
    prompts = [
        processor.apply_chat_template(_messages(kind, text), add_generation_prompt=True, tokenize=False)
        for text in ("Hi?", "Describe it in one long and detailed sentence, please.")
    ]
    items: list[Any] = (
        [_audio(1.0), _audio(2.0, 660.0)] if kind == "audio" else [_image(0), _image(1, (64, 40))]
    )
    if kind == "image":
        # one list of images per prompt: every image processor accepts it, while SmolVLM, Gemma3 and
        # Mllama reject a flat list of images for a batch of prompts
        items = [[x] for x in items]
    inputs = processor(text=prompts, padding=True, return_tensors="pt", **_media_kwargs(kind, items))
    assert (inputs["attention_mask"][:, -1] == 1).all()
    _check_decoder_only(_generate(model, inputs), inputs, batch=2)


def test_whisper_transcribes_features(built: Callable[[str], tuple[Path, float]]) -> None:
    path, _ = built("whisper")
    processor, model = _load(path, "whisper")
    assert type(model).__name__ == "WhisperForConditionalGeneration"
    assert type(processor).__name__ == "WhisperProcessor"
    inputs = processor(audio=[_audio(1.0), _audio(2.5, 660.0)], sampling_rate=16000, return_tensors="pt")
    assert tuple(inputs["input_features"].shape) == (2, 80, 3000)
    with torch.no_grad():
        out = model.generate(
            inputs["input_features"],
            max_new_tokens=MAX_NEW,
            language="en",
            task="transcribe",
            do_sample=False,
        )
    # short-form Whisper returns the generated tokens without the <|startoftranscript|><|en|>... prompt
    assert out.shape[0] == 2 and 1 <= out.shape[1] <= MAX_NEW
    assert all(isinstance(t, str) for t in processor.batch_decode(out, skip_special_tokens=True))


# Like the real tokenizers, these add BOS on every encode; those whose chat template also writes BOS
# then get two unless the rendered prompt is tokenized with add_special_tokens=False.
TOKENIZER_ADDS_BOS = {"llava_hf", "idefics3", "gemma3", "llama_vision"}
TEMPLATE_WRITES_BOS = {"idefics3", "gemma3", "llama_vision", "smolvlm"}  # SmolVLM: bos is <|im_start|>


@pytest.mark.parametrize("family", sorted(f for f, kinds in MODALITIES.items() if "image" in kinds))
def test_bos_conventions(family: str, built: Callable[[str], tuple[Path, float]]) -> None:
    path, _ = built(family)
    processor = transformers.AutoProcessor.from_pretrained(path)
    tokenizer = processor.tokenizer
    prompt = processor.apply_chat_template(
        _messages("image", "Q?"), add_generation_prompt=True, tokenize=False
    )
    assert (tokenizer.bos_token is not None and prompt.startswith(tokenizer.bos_token)) == (
        family in TEMPLATE_WRITES_BOS
    )
    plain = tokenizer("Q?")["input_ids"]
    assert (plain[0] == tokenizer.bos_token_id) == (family in TOKENIZER_ADDS_BOS)
    if family in TEMPLATE_WRITES_BOS:
        ids = processor(text=[prompt], images=[[_image()]], add_special_tokens=False)["input_ids"][0]
        assert ids[0] == tokenizer.bos_token_id and ids[1] != tokenizer.bos_token_id
