"""Model backends. Each turns a batch of Requests into Responses and knows nothing of tasks.

Names map lazily to classes, so listing models imports no backend (and no torch).
"""

from __future__ import annotations

from typing import Any

from lmms_eval.core.registry import Registry

MODELS: Registry[Any] = Registry("models")
MODELS.add_lazy("dummy", "lmms_eval.models.dummy:DummyModel")
MODELS.add_lazy("replay", "lmms_eval.models.replay:ReplayModel")
MODELS.add_lazy("hf", "lmms_eval.models.hf.backend:HFModel")
# lmms-eval's model names, each the hf backend with its family preset (see models/hf/families.py)
for _family in (
    "qwen2_vl",
    "qwen2_5_vl",
    "qwen3_vl",
    "llava_hf",
    "llava_onevision",
    "idefics3",
    "smolvlm",
    "gemma3",
    "paligemma",
    "internvl_hf",
    "llama_vision",
    "qwen2_audio",
    "whisper",
):
    MODELS.add_lazy(_family, f"lmms_eval.models.hf.backend:HF_{_family}")
MODELS.add_lazy("faster_whisper", "lmms_eval.models.faster_whisper:FasterWhisperModel")
MODELS.add_lazy("openai_compat", "lmms_eval.models.openai_compat:OpenAICompatModel")
MODELS.add_lazy("openai", "lmms_eval.models.openai_sdk:OpenAISDKModel")
MODELS.add_lazy("anthropic", "lmms_eval.models.anthropic_sdk:AnthropicSDKModel")
MODELS.add_lazy("gemini", "lmms_eval.models.gemini_sdk:GeminiSDKModel")
MODELS.add_lazy("vllm", "lmms_eval.models.vllm_engine:VLLMModel")
MODELS.add_lazy("sglang", "lmms_eval.models.sglang_engine:SGLangModel")
