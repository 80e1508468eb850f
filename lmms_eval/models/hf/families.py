"""What differs between model families, as data. Aliases users know from lmms-eval map onto these rows.

A row says which transformers class loads the model, which modalities its processor takes, and how its
processor wants media passed; nothing here is code specific to one family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Family:
    name: str
    #: transformers class that loads the weights
    model_class: str = "AutoModelForImageTextToText"
    #: "vlm": chat template + processor(text, images, videos, audio); "speech_seq2seq": audio in, text out
    #: (the prompt text is not used); "text": a text-only LM (media parts are refused unless ignore_media)
    kind: str = "vlm"
    modalities: frozenset[str] = frozenset({"text", "image"})
    #: the processor takes one list of images per sample (Idefics3, SmolVLM, Mllama) instead of a flat list
    nested_images: bool = False
    #: whether the processor applies a chat template (PaliGemma takes a plain prefix prompt)
    chat_template: bool = True
    #: pixel budget applied before the processor, when neither the task nor --model_args set one
    max_pixels: int | None = None
    min_pixels: int | None = None
    #: keyword arguments for the processor's video processor (its ``videos_kwargs``), e.g. a reference
    #: implementation's frame pixel rules
    video_kwargs: Mapping[str, Any] = field(default_factory=dict)
    #: audio sampling rate the processor expects
    sampling_rate: int = 16000
    #: processor keyword for audio arrays
    audio_kwarg: str = "audio"
    #: model_type values (from config.json) that select this family when no alias is given
    model_types: tuple[str, ...] = field(default_factory=tuple)
    notes: str = ""


_VIDEO = frozenset({"text", "image", "video"})
# Qwen2-VL / 2.5-VL reference limits (qwen-vl-utils): 4 to 16384 visual tokens of 28x28 pixels.
_QWEN_MAX, _QWEN_MIN = 16384 * 28 * 28, 4 * 28 * 28
# Qwen2-VL / 2.5-VL reference video rules (qwen-vl-utils, vision_process.py: VIDEO_MIN_PIXELS,
# VIDEO_MAX_PIXELS, VIDEO_TOTAL_PIXELS, FRAME_FACTOR, smart_resize): each frame is resized to a multiple of
# 28 holding 128 to 768 tokens of 28x28 pixels, and to at most an even share of 90% of a 128000-token
# context, counted per FRAME_FACTOR=2 frames (one temporal patch):
#   max_pixels = max(min(768*28*28, 0.9*128000*28*28 / frames * 2), 1.05 * 128*28*28)
# transformers' Qwen2-VL video processor applies that share with cap_pixels_per_frame=True.
_QWEN_VIDEO: dict[str, Any] = {
    "size": {"shortest_edge": 128 * 28 * 28, "longest_edge": 768 * 28 * 28},
    "cap_pixels_per_frame": True,
    "max_video_tokens": 128000,
}

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "qwen2_vl",
            modalities=_VIDEO,
            max_pixels=_QWEN_MAX,
            min_pixels=_QWEN_MIN,
            video_kwargs=_QWEN_VIDEO,
            model_types=("qwen2_vl",),
        ),
        Family(
            "qwen2_5_vl",
            modalities=_VIDEO,
            max_pixels=_QWEN_MAX,
            min_pixels=_QWEN_MIN,
            video_kwargs=_QWEN_VIDEO,
            model_types=("qwen2_5_vl",),
        ),
        Family("qwen3_vl", modalities=_VIDEO, model_types=("qwen3_vl", "qwen3_vl_moe")),
        Family("llava_hf", model_types=("llava",)),
        Family("llava_onevision", modalities=_VIDEO, model_types=("llava_onevision",)),
        Family("idefics3", nested_images=True, model_types=("idefics3",)),
        Family("smolvlm", modalities=_VIDEO, nested_images=True, model_types=("smolvlm",)),
        Family("gemma3", nested_images=True, model_types=("gemma3",)),
        Family(
            "paligemma",
            chat_template=False,
            model_types=("paligemma",),
            notes="prefix-prompt model: the user text is passed as is, images are prepended by the processor",
        ),
        Family("internvl_hf", modalities=_VIDEO, model_types=("internvl",)),
        Family("llama_vision", nested_images=True, model_types=("mllama",)),
        Family(
            "qwen2_audio",
            model_class="Qwen2AudioForConditionalGeneration",
            modalities=frozenset({"text", "audio"}),
            model_types=("qwen2_audio",),
        ),
        Family(
            "whisper",
            model_class="AutoModelForSpeechSeq2Seq",
            kind="speech_seq2seq",
            modalities=frozenset({"audio"}),
            model_types=("whisper",),
            notes="speech recognition: only the audio is used, the prompt text is ignored",
        ),
        Family("vlm", modalities=_VIDEO, notes="any other image-text-to-text model: the processor decides"),
        Family(
            "text",
            model_class="AutoModelForCausalLM",
            kind="text",
            modalities=frozenset({"text"}),
            notes="any causal LM with a chat template (also GGUF checkpoints via gguf_file)",
        ),
    )
}

ALIASES: tuple[str, ...] = tuple(name for name in FAMILIES if name not in ("text", "vlm"))


def family_for_model_type(model_type: str) -> Family | None:
    for fam in FAMILIES.values():
        if model_type in fam.model_types:
            return fam
    return None
