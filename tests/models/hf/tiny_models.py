"""Tiny random-weight multimodal models, built from config at test time (no Hub download).

Each ``build_<family>(out_dir)`` creates a model of roughly 0.1-1 M parameters with random weights, a
byte-level BPE tokenizer trained on a few sentences, the family's image/video/audio processors and a chat
template with the same structure as the real model's, and ``save_pretrained``s all of it into ``out_dir``.
``AutoProcessor.from_pretrained(out_dir)`` and ``AUTO_MODEL_CLASS[family].from_pretrained(out_dir)`` load
the result, and ``generate()`` runs on CPU in well under a second.

Random weights give random answers: these models test plumbing (templates, media, batching), not accuracy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GenerationConfig, PreTrainedModel, PreTrainedTokenizerFast, ProcessorMixin

_SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "What is shown in this image? Describe the picture in one short sentence.",
    "A video of a red ball rolling to the left, then a blue square flashing twice.",
    "Listen to the audio clip and transcribe what the speaker says: one two three four five.",
    "Answer with the option's letter from the given choices directly. A B C D",
    "The capital of France is Paris. 0 1 2 3 4 5 6 7 8 9 yes no",
    "system user assistant model Human Assistant USER ASSISTANT You are a helpful assistant.",
]

_VOCAB_SIZE = 400
_SEED = 0


# --------------------------------------------------------------------------------------------- helpers
def _train_bpe(
    special_tokens: Sequence[str], vocab_size: int = _VOCAB_SIZE, specials_last: bool = False
) -> Tokenizer:
    """A byte-level BPE trained on a few sentences.

    ``special_tokens`` get ids 0..n-1 in order, or, with ``specials_last``, the ids right after the text
    vocabulary (the Whisper layout, where every id above ``<|notimestamps|>`` is a timestamp).
    """
    specials = list(dict.fromkeys(special_tokens))
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size + (0 if specials_last else len(specials)),
        special_tokens=[] if specials_last else specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_SENTENCES * 4, trainer=trainer)
    if specials_last:
        tok.add_special_tokens(specials)
    return tok


def _make_tokenizer(
    special_tokens: Sequence[str],
    *,
    bos: str | None,
    eos: str,
    pad: str,
    unk: str | None = None,
    extra: dict[str, str] | None = None,
    chat_template: str | None = None,
    cls: type[PreTrainedTokenizerFast] = PreTrainedTokenizerFast,
    specials_last: bool = False,
    **kwargs: Any,
) -> PreTrainedTokenizerFast:
    """Wrap a freshly trained BPE in ``cls``; ``extra`` become ``tokenizer.<name>`` / ``<name>_id``."""
    names = [t for t in (bos, eos, pad, unk) if t] + list(special_tokens) + list((extra or {}).values())
    tokenizer = cls(
        tokenizer_object=_train_bpe(names, specials_last=specials_last),
        bos_token=bos,
        eos_token=eos,
        pad_token=pad,
        unk_token=unk,
        extra_special_tokens=extra or {},
        **kwargs,
    )
    tokenizer.add_special_tokens({"additional_special_tokens": list(special_tokens)})
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    return tokenizer


def _ids(tokenizer: PreTrainedTokenizerFast, *tokens: str) -> list[int]:
    ids = tokenizer.convert_tokens_to_ids(list(tokens))
    assert isinstance(ids, list)
    for t, i in zip(tokens, ids):
        if i is None or i == tokenizer.unk_token_id:
            raise ValueError(f"token {t!r} is not in the vocabulary")
    return ids


def _vocab(tokenizer: PreTrainedTokenizerFast) -> int:
    return len(tokenizer) + 8  # a little headroom, like real checkpoints


def _finish(
    out_dir: Path,
    model: PreTrainedModel,
    processor: ProcessorMixin,
    tokenizer: PreTrainedTokenizerFast,
    *,
    eos: str | Sequence[str],
    decoder_start: str | None = None,
    **gen_kwargs: Any,
) -> Path:
    """Set a generation config that works with ``generate(max_new_tokens=...)`` and save everything.

    ``max_length`` is deliberately left unset (as in the real checkpoints): any value there makes every
    ``generate(max_new_tokens=...)`` call log a "both max_new_tokens and max_length" warning.
    """
    eos_ids = _ids(tokenizer, *([eos] if isinstance(eos, str) else eos))
    gen = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=eos_ids if len(eos_ids) > 1 else eos_ids[0],
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
        **gen_kwargs,
    )
    if decoder_start is not None:
        gen.decoder_start_token_id = _ids(tokenizer, decoder_start)[0]
    gen._from_model_config = False  # keep it as written on reload
    model.generation_config = gen
    model.eval()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    processor.save_pretrained(out_dir)
    return out_dir


def _seed() -> None:
    torch.manual_seed(_SEED)


def _llama_text(vocab_size: int, **kw: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "vocab_size": vocab_size,
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": True,
    }
    cfg.update(kw)
    return cfg


# --------------------------------------------------------------------------------------------- chat templates
# ChatML with Qwen-VL vision placeholders (Qwen2-VL / Qwen2.5-VL-Instruct tokenizer_config.json).
QWEN2_VL_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}"
    "<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# Qwen3-VL-Instruct: no default system prompt; same vision placeholders (tools / thinking parts omitted).
QWEN3_VL_TEMPLATE = (
    "{%- set image_count = namespace(value=0) %}{%- set video_count = namespace(value=0) %}"
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' }}"
    "{%- if message['content'] is string %}{{- message['content'] }}"
    "{%- else %}{%- for content in message['content'] %}"
    "{%- if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{%- set image_count.value = image_count.value + 1 %}"
    "{%- if add_vision_id %}Picture {{ image_count.value }}: {% endif -%}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{%- elif content['type'] == 'video' or 'video' in content %}"
    "{%- set video_count.value = video_count.value + 1 %}"
    "{%- if add_vision_id %}Video {{ video_count.value }}: {% endif -%}"
    "<|vision_start|><|video_pad|><|vision_end|>"
    "{%- elif 'text' in content %}{{- content['text'] }}{%- endif %}"
    "{%- endfor %}{%- endif %}"
    "{{- '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

# llava-hf/llava-1.5-*-hf: "USER: <image>\n<text> ASSISTANT:"
LLAVA_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] != 'system' %}"
    "{{ message['role'].upper() + ': '}}{% endif %}"
    "{# Render all images first #}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}"
    "{{ '<image>\n' }}{% endfor %}"
    "{# Render all text next #}"
    "{% if message['role'] != 'assistant' %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{{ content['text'] + ' '}}{% endfor %}"
    "{% else %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{% generation %}{{ content['text'] + ' '}}{% endgeneration %}{% endfor %}{% endif %}"
    "{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)

# llava-hf/llava-onevision-qwen2-*-ov-hf
LLAVA_ONEVISION_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + ' '}}"
    "{# Render all images first #}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}"
    "{{ '<image>' }}{% endfor %}"
    "{# Render all video then #}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'video') %}"
    "{{ '<video>' }}{% endfor %}"
    "{# Render all text next #}"
    "{% if message['role'] != 'assistant' %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{{ '\n' + content['text'] }}{% endfor %}"
    "{% else %}{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}"
    "{% generation %}{{ '\n' + content['text'] }}{% endgeneration %}{% endfor %}{% endif %}"
    "{{'<|im_end|>'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# HuggingFaceM4/Idefics3-8B-Llama3
IDEFICS3_TEMPLATE = (
    "<|begin_of_text|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n"
    "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)

# HuggingFaceTB/SmolVLM2-*-Instruct
SMOLVLM_TEMPLATE = (
    "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}"
    "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% elif line['type'] == 'video' %}{{ '<video>' }}"
    "{% endif %}{% endfor %}<end_of_utterance>\n"
    "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)

# google/gemma-3-*-it (system prompt folded into the first user turn, "assistant" -> "model").
GEMMA3_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- if messages[0]['content'] is string -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}"
    "{%- else -%}{%- set first_user_prefix = messages[0]['content'][0]['text'] + '\n\n' -%}{%- endif -%}"
    "{%- set loop_messages = messages[1:] -%}"
    '{%- else -%}{%- set first_user_prefix = "" -%}{%- set loop_messages = messages -%}{%- endif -%}'
    "{%- for message in loop_messages -%}"
    "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}"
    '{{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}'
    "{%- endif -%}"
    "{%- if (message['role'] == 'assistant') -%}{%- set role = \"model\" -%}"
    "{%- else -%}{%- set role = message['role'] -%}{%- endif -%}"
    "{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else \"\") }}"
    "{%- if message['content'] is string -%}{{ message['content'] | trim }}"
    "{%- elif message['content'] is iterable -%}{%- for item in message['content'] -%}"
    "{%- if item['type'] == 'image' -%}{{ '<start_of_image>' }}"
    "{%- elif item['type'] == 'text' -%}{{ item['text'] | trim }}{%- endif -%}"
    "{%- endfor -%}"
    '{%- else -%}{{ raise_exception("Invalid content type") }}{%- endif -%}'
    "{{ '<end_of_turn>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{'<start_of_turn>model\n'}}{%- endif -%}"
)

# PaliGemma has no chat template upstream: the processor builds "<image>*N<bos>{prompt}\n" itself.
# This minimal template only flattens a one-turn conversation into that prompt (images are then
# expanded by the processor); it exists so the backend can treat all families alike.
PALIGEMMA_TEMPLATE = (
    "{%- for message in messages -%}{%- if message['role'] == 'user' -%}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for item in message['content'] -%}"
    "{%- if item['type'] == 'image' -%}{{ '<image>' }}"
    "{%- elif item['type'] == 'text' -%}{{ item['text'] }}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}{%- endif -%}{%- endfor -%}"
)

# OpenGVLab/InternVL3-*-hf
INTERNVL_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n'}}"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' %}{{ '<IMG_CONTEXT>\n' }}"
    "{% elif content['type'] == 'video' %}{{ '<video>\n' }}"
    "{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}"
    "{% endfor %}{% endif %}{{'<|im_end|>\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{'<|im_start|>assistant\n' }}{% endif %}"
)

# meta-llama/Llama-3.2-11B-Vision-Instruct (tool-calling branches omitted). As upstream, the system
# header is emitted only when a system message is given or the conversation has no image.
MLLAMA_TEMPLATE = (
    "{{- bos_token }}"
    "{%- if not date_string is defined %}{%- set date_string = '26 Jul 2024' %}{%- endif %}"
    "{%- if messages[0]['role'] == 'system' %}"
    "{%- if messages[0]['content'] is string %}{%- set system_message = messages[0]['content'] | trim %}"
    "{%- else %}{%- set system_message = messages[0]['content'][0]['text'] | trim %}{%- endif %}"
    "{%- set messages = messages[1:] %}"
    "{%- else %}{%- set system_message = '' %}{%- endif %}"
    "{%- set image_ns = namespace(has_images=false) %}"
    "{%- for message in messages %}{%- if message['content'] is not string %}"
    "{%- for content in message['content'] %}{%- if content['type'] == 'image' %}"
    "{%- set image_ns.has_images = true %}{%- endif %}{%- endfor %}{%- endif %}{%- endfor %}"
    "{%- if not image_ns.has_images or system_message %}"
    "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}"
    "{{- 'Cutting Knowledge Date: December 2023\\n' }}"
    "{{- 'Today Date: ' + date_string + '\\n\\n' }}"
    "{{- system_message }}{{- '<|eot_id|>' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
    "{%- if message['content'] is string %}{{- message['content'] }}"
    "{%- else %}{%- for content in message['content'] %}"
    "{%- if content['type'] == 'image' %}{{- '<|image|>' }}"
    "{%- elif content['type'] == 'text' %}{{- content['text'] }}{%- endif %}"
    "{%- endfor %}{%- endif %}"
    "{{- '<|eot_id|>' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"
)

# Qwen/Qwen2-Audio-7B-Instruct. Upstream tests `'audio' in content or 'audio_url' in content`; the
# `content['type'] == 'audio'` test is added so that a bare {"type": "audio"} item also renders.
QWEN2_AUDIO_TEMPLATE = (
    "{% set audio_count = namespace(value=0) %}{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'audio' or 'audio' in content or 'audio_url' in content %}"
    "{% set audio_count.value = audio_count.value + 1 %}"
    "Audio {{ audio_count.value }}: <|audio_bos|><|AUDIO|><|audio_eos|>\n"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


# --------------------------------------------------------------------------------------------- Qwen-VL
_QWEN_SPECIAL = [
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]


def _qwen_vl_tokenizer(chat_template: str) -> PreTrainedTokenizerFast:
    return _make_tokenizer(
        _QWEN_SPECIAL,
        bos=None,
        eos="<|im_end|>",
        pad="<|endoftext|>",
        extra={
            "image_token": "<|image_pad|>",
            "video_token": "<|video_pad|>",
            "vision_start_token": "<|vision_start|>",
            "vision_end_token": "<|vision_end|>",
        },
        chat_template=chat_template,
        model_max_length=4096,
    )


def _qwen_vl_ids(tokenizer: PreTrainedTokenizerFast) -> dict[str, Any]:
    image, video, start, end = _ids(
        tokenizer, "<|image_pad|>", "<|video_pad|>", "<|vision_start|>", "<|vision_end|>"
    )
    return {
        "image_token_id": image,
        "video_token_id": video,
        "vision_start_token_id": start,
        "vision_end_token_id": end,
    }


def _qwen_text(tokenizer: PreTrainedTokenizerFast, *, interleaved: bool = False) -> dict[str, Any]:
    # head_dim 16 -> mrope_section must sum to head_dim / 2 = 8
    rope: dict[str, Any] = {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]}
    if interleaved:
        rope["mrope_interleaved"] = True
    return _llama_text(
        _vocab(tokenizer),
        head_dim=16,
        rope_parameters=rope,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def _qwen_pixels(patch: int, merge: int = 2) -> dict[str, int]:
    # images are resized to at most (2*patch*merge)^2 pixels -> at most 4 merged tokens per image/frame pair
    factor = patch * merge
    return {"shortest_edge": factor * factor, "longest_edge": 4 * factor * factor}


def build_qwen2_vl(out_dir: Path) -> Path:
    from transformers import (
        Qwen2VLConfig,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessor,
        Qwen2VLProcessor,
        Qwen2VLVideoProcessor,
    )

    _seed()
    tokenizer = _qwen_vl_tokenizer(QWEN2_VL_TEMPLATE)
    size = _qwen_pixels(14)
    processor = Qwen2VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=size, patch_size=14, merge_size=2, temporal_patch_size=2),
        video_processor=Qwen2VLVideoProcessor(size=size, patch_size=14, merge_size=2, temporal_patch_size=2),
        tokenizer=tokenizer,
        chat_template=QWEN2_VL_TEMPLATE,
    )
    config = Qwen2VLConfig(
        text_config=_qwen_text(tokenizer),
        vision_config={
            "depth": 1,
            "embed_dim": 32,
            "hidden_size": 64,
            "mlp_ratio": 2,
            "num_heads": 2,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
        **_qwen_vl_ids(tokenizer),
    )
    model = Qwen2VLForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|im_end|>", "<|endoftext|>"])


def build_qwen2_5_vl(out_dir: Path) -> Path:
    from transformers import (
        Qwen2_5_VLConfig,
        Qwen2_5_VLForConditionalGeneration,
        Qwen2_5_VLProcessor,
        Qwen2VLImageProcessor,
        Qwen2VLVideoProcessor,
    )

    _seed()
    tokenizer = _qwen_vl_tokenizer(QWEN2_VL_TEMPLATE)
    size = _qwen_pixels(14)
    processor = Qwen2_5_VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=size, patch_size=14, merge_size=2, temporal_patch_size=2),
        video_processor=Qwen2VLVideoProcessor(size=size, patch_size=14, merge_size=2, temporal_patch_size=2),
        tokenizer=tokenizer,
        chat_template=QWEN2_VL_TEMPLATE,
    )
    config = Qwen2_5_VLConfig(
        text_config=_qwen_text(tokenizer),
        vision_config={
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 2,
            "out_hidden_size": 64,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
            "window_size": 56,
            "fullatt_block_indexes": [1],
        },
        **_qwen_vl_ids(tokenizer),
    )
    model = Qwen2_5_VLForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|im_end|>", "<|endoftext|>"])


def build_qwen3_vl(out_dir: Path) -> Path:
    from transformers import (
        Qwen2VLImageProcessor,
        Qwen3VLConfig,
        Qwen3VLForConditionalGeneration,
        Qwen3VLProcessor,
        Qwen3VLVideoProcessor,
    )

    _seed()
    tokenizer = _qwen_vl_tokenizer(QWEN3_VL_TEMPLATE)
    size = _qwen_pixels(16)
    processor = Qwen3VLProcessor(
        image_processor=Qwen2VLImageProcessor(size=size, patch_size=16, merge_size=2, temporal_patch_size=2),
        video_processor=Qwen3VLVideoProcessor(size=size, patch_size=16, merge_size=2, temporal_patch_size=2),
        tokenizer=tokenizer,
        chat_template=QWEN3_VL_TEMPLATE,
    )
    config = Qwen3VLConfig(
        text_config=_qwen_text(tokenizer, interleaved=True),
        vision_config={
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 2,
            "out_hidden_size": 64,
            "patch_size": 16,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
            "num_position_embeddings": 64,
            "deepstack_visual_indexes": [0],
        },
        **_qwen_vl_ids(tokenizer),
    )
    model = Qwen3VLForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|im_end|>", "<|endoftext|>"])


# --------------------------------------------------------------------------------------------- LLaVA family
def _siglip_vision(image_size: int, patch: int, **kw: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "model_type": "siglip_vision_model",
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "image_size": image_size,
        "patch_size": patch,
    }
    cfg.update(kw)
    return cfg


def build_llava_hf(out_dir: Path) -> Path:
    """LLaVA 1.5 style: CLIP vision tower, Llama text model, "USER: <image>\\n... ASSISTANT:" prompts."""
    from transformers import CLIPImageProcessor, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor

    _seed()
    # Llama tokenizers add <s> themselves; the LLaVA template does not write it.
    tokenizer = _make_tokenizer(
        ["<image>"],
        bos="<s>",
        eos="</s>",
        pad="<pad>",
        unk="<unk>",
        extra={"image_token": "<image>"},
        chat_template=LLAVA_TEMPLATE,
        add_bos_token=True,
    )
    image_size, patch = 30, 15  # 2x2 patches + CLS; "default" strategy drops CLS -> 4 image tokens
    processor = LlavaProcessor(
        image_processor=CLIPImageProcessor(
            size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size}
        ),
        tokenizer=tokenizer,
        patch_size=patch,
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        chat_template=LLAVA_TEMPLATE,
    )
    config = LlavaConfig(
        vision_config={
            "model_type": "clip_vision_model",
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": image_size,
            "patch_size": patch,
            "projection_dim": 32,
        },
        text_config=_llama_text(
            _vocab(tokenizer),
            model_type="llama",
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        image_token_index=_ids(tokenizer, "<image>")[0],
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
    )
    model = LlavaForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos="</s>")


def build_llava_onevision(out_dir: Path) -> Path:
    """LLaVA-OneVision: SigLIP tower with anyres tiling, Qwen2 text model, ChatML prompts."""
    from transformers import (
        LlavaOnevisionConfig,
        LlavaOnevisionForConditionalGeneration,
        LlavaOnevisionImageProcessor,
        LlavaOnevisionProcessor,
        LlavaOnevisionVideoProcessor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        ["<|im_start|>", "<|im_end|>", "<image>", "<video>"],
        bos=None,
        eos="<|im_end|>",
        pad="<|endoftext|>",
        extra={"image_token": "<image>", "video_token": "<video>"},
        chat_template=LLAVA_ONEVISION_TEMPLATE,
    )
    image_size, patch = 32, 8  # 16 tokens per tile
    pinpoints = [[32, 32], [32, 64], [64, 32], [64, 64]]
    processor = LlavaOnevisionProcessor(
        image_processor=LlavaOnevisionImageProcessor(
            size={"height": image_size, "width": image_size}, image_grid_pinpoints=pinpoints
        ),
        video_processor=LlavaOnevisionVideoProcessor(size={"height": image_size, "width": image_size}),
        tokenizer=tokenizer,
        num_image_tokens=(image_size // patch) ** 2,
        vision_feature_select_strategy="full",
        vision_aspect_ratio="anyres_max_9",
        chat_template=LLAVA_ONEVISION_TEMPLATE,
    )
    config = LlavaOnevisionConfig(
        vision_config=_siglip_vision(image_size, patch),
        text_config=_llama_text(
            _vocab(tokenizer),
            model_type="qwen2",
            bos_token_id=None,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        image_token_index=_ids(tokenizer, "<image>")[0],
        video_token_index=_ids(tokenizer, "<video>")[0],
        image_grid_pinpoints=pinpoints,
        vision_feature_select_strategy="full",
        vision_feature_layer=-1,
        vision_aspect_ratio="anyres_max_9",
    )
    model = LlavaOnevisionForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|im_end|>", "<|endoftext|>"])


# --------------------------------------------------------------------------------------------- Idefics3 / SmolVLM
_IDEFICS_SPECIAL = ["<fake_token_around_image>", "<image>", "<global-img>", "<end_of_utterance>"] + [
    f"<row_{i}_col_{j}>" for i in range(1, 7) for j in range(1, 7)
]


def build_idefics3(out_dir: Path) -> Path:
    """Idefics3 (Llama 3 text model): images split into tiles plus a global view, 4 tokens each."""
    from transformers import (
        Idefics3Config,
        Idefics3ForConditionalGeneration,
        Idefics3ImageProcessor,
        Idefics3Processor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        _IDEFICS_SPECIAL,
        bos="<|begin_of_text|>",
        eos="<end_of_utterance>",
        pad="<|end_of_text|>",
        chat_template=IDEFICS3_TEMPLATE,
        add_bos_token=True,
    )
    tile, patch, scale = 32, 8, 2  # (32/8)^2 / 2^2 = 4 tokens per tile
    image_seq_len = (tile // patch) ** 2 // scale**2
    processor = Idefics3Processor(
        image_processor=Idefics3ImageProcessor(
            size={"longest_edge": 2 * tile}, max_image_size={"longest_edge": tile}, do_image_splitting=True
        ),
        tokenizer=tokenizer,
        image_seq_len=image_seq_len,
        chat_template=IDEFICS3_TEMPLATE,
    )
    config = Idefics3Config(
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": tile,
            "patch_size": patch,
        },
        text_config=_llama_text(
            _vocab(tokenizer),
            model_type="llama",
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        scale_factor=scale,
        image_token_id=_ids(tokenizer, "<image>")[0],
        tie_word_embeddings=True,
    )
    model = Idefics3ForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<end_of_utterance>", "<|end_of_text|>"])


def build_smolvlm(out_dir: Path) -> Path:
    """SmolVLM2 (SmolLM2 text model): Idefics3-style tiling; videos become per-frame image prompts."""
    from transformers import (
        SmolVLMConfig,
        SmolVLMForConditionalGeneration,
        SmolVLMImageProcessor,
        SmolVLMProcessor,
        SmolVLMVideoProcessor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        [*_IDEFICS_SPECIAL, "<|im_start|>", "<video>"],
        bos="<|im_start|>",
        eos="<end_of_utterance>",
        pad="<|im_end|>",
        extra={
            "image_token": "<image>",
            "fake_image_token": "<fake_token_around_image>",
            "global_image_token": "<global-img>",
            "end_of_utterance_token": "<end_of_utterance>",
            "video_token": "<video>",
        },
        chat_template=SMOLVLM_TEMPLATE,
    )
    tile, patch, scale = 32, 8, 2
    image_seq_len = (tile // patch) ** 2 // scale**2
    processor = SmolVLMProcessor(
        image_processor=SmolVLMImageProcessor(
            size={"longest_edge": 2 * tile}, max_image_size={"longest_edge": tile}, do_image_splitting=True
        ),
        video_processor=SmolVLMVideoProcessor(
            size={"longest_edge": tile}, max_image_size={"longest_edge": tile}, num_frames=4, fps=1
        ),
        tokenizer=tokenizer,
        image_seq_len=image_seq_len,
        chat_template=SMOLVLM_TEMPLATE,
    )
    config = SmolVLMConfig(
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": tile,
            "patch_size": patch,
        },
        text_config=_llama_text(
            _vocab(tokenizer),
            model_type="llama",
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        scale_factor=scale,
        image_token_id=_ids(tokenizer, "<image>")[0],
        tie_word_embeddings=True,
    )
    model = SmolVLMForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<end_of_utterance>", "<|im_end|>"])


# --------------------------------------------------------------------------------------------- Gemma family
def build_gemma3(out_dir: Path) -> Path:
    """Gemma 3 (SigLIP tower, pooled to 4 soft tokens per image)."""
    from transformers import (
        Gemma3Config,
        Gemma3ForConditionalGeneration,
        Gemma3ImageProcessor,
        Gemma3Processor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        ["<start_of_turn>", "<end_of_turn>", "<start_of_image>", "<end_of_image>", "<image_soft_token>"],
        bos="<bos>",
        eos="<eos>",
        pad="<pad>",
        unk="<unk>",
        extra={
            "boi_token": "<start_of_image>",
            "eoi_token": "<end_of_image>",
            "image_token": "<image_soft_token>",
        },
        chat_template=GEMMA3_TEMPLATE,
        add_bos_token=True,
    )
    image_size, patch, mm_tokens = 32, 8, 4  # 4x4 patches avg-pooled to 2x2
    processor = Gemma3Processor(
        image_processor=Gemma3ImageProcessor(size={"height": image_size, "width": image_size}),
        tokenizer=tokenizer,
        image_seq_length=mm_tokens,
        chat_template=GEMMA3_TEMPLATE,
    )
    config = Gemma3Config(
        text_config={
            "vocab_size": _vocab(tokenizer),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 16,
            "query_pre_attn_scalar": 16,
            "sliding_window": 32,
            "max_position_embeddings": 2048,
            # untied (the real Gemma 3 ties them): Gemma scales input embeddings by sqrt(hidden_size), so with
            # tied weights the last input token dominates the logits and redrawn weights only ever repeat the
            # last prompt token ("\n" after "<start_of_turn>model"), which the backend strips to ""
            "tie_word_embeddings": False,
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        },
        vision_config=_siglip_vision(image_size, patch),
        mm_tokens_per_image=mm_tokens,
        boi_token_index=_ids(tokenizer, "<start_of_image>")[0],
        eoi_token_index=_ids(tokenizer, "<end_of_image>")[0],
        image_token_index=_ids(tokenizer, "<image_soft_token>")[0],
        tie_word_embeddings=False,
    )
    model = Gemma3ForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<eos>", "<end_of_turn>"])


def build_paligemma(out_dir: Path) -> Path:
    """PaliGemma: prefix-LM prompt "<image>*N<bos>{prompt}\\n" built by the processor (no real chat template)."""
    from transformers import (
        PaliGemmaConfig,
        PaliGemmaForConditionalGeneration,
        PaliGemmaProcessor,
        SiglipImageProcessor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        ["<image>"],
        bos="<bos>",
        eos="<eos>",
        pad="<pad>",
        unk="<unk>",
        extra={"image_token": "<image>"},
        chat_template=PALIGEMMA_TEMPLATE,
    )
    image_size, patch = 32, 8
    seq_len = (image_size // patch) ** 2
    image_processor = SiglipImageProcessor(size={"height": image_size, "width": image_size})
    setattr(image_processor, "image_seq_length", seq_len)  # noqa: B010 - read by PaliGemmaProcessor
    # the processor adds 1024 <locXXXX> and 128 <segXXX> tokens to the tokenizer: size the vocab afterwards
    processor = PaliGemmaProcessor(
        image_processor=image_processor, tokenizer=tokenizer, chat_template=PALIGEMMA_TEMPLATE
    )
    tokenizer = processor.tokenizer
    config = PaliGemmaConfig(
        vision_config=_siglip_vision(image_size, patch, projection_dim=64),
        text_config={
            "model_type": "gemma",
            "vocab_size": _vocab(tokenizer),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 1,
            "head_dim": 16,
            "max_position_embeddings": 2048,
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        },
        image_token_index=_ids(tokenizer, "<image>")[0],
        projection_dim=64,
        hidden_size=64,
    )
    model = PaliGemmaForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos="<eos>")


# --------------------------------------------------------------------------------------------- InternVL / Mllama
def build_internvl_hf(out_dir: Path) -> Path:
    """transformers-native InternVL (InternVL3-*-hf layout): InternViT + pixel-shuffle + Qwen2 text model."""
    from transformers import (
        GotOcr2ImageProcessor,
        InternVLConfig,
        InternVLForConditionalGeneration,
        InternVLProcessor,
        InternVLVideoProcessor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        ["<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>", "<video>"],
        bos=None,
        eos="<|im_end|>",
        pad="<|endoftext|>",
        extra={
            "start_image_token": "<img>",
            "end_image_token": "</img>",
            "context_image_token": "<IMG_CONTEXT>",
            "video_token": "<video>",
        },
        chat_template=INTERNVL_TEMPLATE,
    )
    image_size, patch, downsample = 32, 8, 0.5  # (32/8)^2 * 0.5^2 = 4 tokens per tile
    seq_len = int((image_size // patch) ** 2 * downsample**2)
    size = {"height": image_size, "width": image_size}
    processor = InternVLProcessor(
        image_processor=GotOcr2ImageProcessor(size=size, crop_to_patches=True, min_patches=1, max_patches=4),
        video_processor=InternVLVideoProcessor(size=size),
        tokenizer=tokenizer,
        image_seq_length=seq_len,
        chat_template=INTERNVL_TEMPLATE,
    )
    config = InternVLConfig(
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": [image_size, image_size],
            "patch_size": [patch, patch],
        },
        text_config=_llama_text(
            _vocab(tokenizer),
            model_type="qwen2",
            bos_token_id=None,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        image_token_id=_ids(tokenizer, "<IMG_CONTEXT>")[0],
        image_seq_length=seq_len,
        downsample_ratio=downsample,
        vision_feature_layer=-1,
        vision_feature_select_strategy="default",
    )
    model = InternVLForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|im_end|>", "<|endoftext|>"])


def build_llama_vision(out_dir: Path) -> Path:
    """Llama 3.2 Vision (Mllama): tiled images, cross-attention layers, "<|image|>" placeholder."""
    from transformers import (
        MllamaConfig,
        MllamaForConditionalGeneration,
        MllamaImageProcessor,
        MllamaProcessor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        [
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
            "<|end_of_text|>",
            "<|image|>",
            "<|python_tag|>",
        ],
        bos="<|begin_of_text|>",
        eos="<|eot_id|>",
        pad="<|finetune_right_pad_id|>",
        extra={"image_token": "<|image|>"},
        chat_template=MLLAMA_TEMPLATE,
        add_bos_token=True,
    )
    tile, patch = 16, 8
    processor = MllamaProcessor(
        image_processor=MllamaImageProcessor(size={"height": tile, "width": tile}, max_image_tiles=4),
        tokenizer=tokenizer,
        chat_template=MLLAMA_TEMPLATE,
    )
    vision_hidden, intermediate_layers = 32, [0]
    config = MllamaConfig(
        vision_config={
            "hidden_size": vision_hidden,
            "intermediate_size": 64,
            "num_hidden_layers": 1,
            "num_global_layers": 1,
            "attention_heads": 2,
            "image_size": tile,
            "patch_size": patch,
            "max_num_tiles": 4,
            "intermediate_layers_indices": intermediate_layers,
            "vision_output_dim": vision_hidden * (1 + len(intermediate_layers)),
        },
        text_config={
            "vocab_size": _vocab(tokenizer),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "cross_attention_layers": [1],
            "max_position_embeddings": 2048,
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        },
        image_token_index=_ids(tokenizer, "<|image|>")[0],
    )
    model = MllamaForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|eot_id|>", "<|end_of_text|>"])


# --------------------------------------------------------------------------------------------- audio
def build_qwen2_audio(out_dir: Path) -> Path:
    """Qwen2-Audio-Instruct: Whisper-style encoder (128 mel bins, 30 s windows) + Qwen2 text model."""
    from transformers import (
        Qwen2AudioConfig,
        Qwen2AudioForConditionalGeneration,
        Qwen2AudioProcessor,
        WhisperFeatureExtractor,
    )

    _seed()
    tokenizer = _make_tokenizer(
        ["<|im_start|>", "<|im_end|>", "<|audio_bos|>", "<|AUDIO|>", "<|audio_eos|>"],
        bos=None,
        eos="<|im_end|>",
        pad="<|endoftext|>",
        extra={
            "audio_token": "<|AUDIO|>",
            "audio_bos_token": "<|audio_bos|>",
            "audio_eos_token": "<|audio_eos|>",
        },
        chat_template=QWEN2_AUDIO_TEMPLATE,
    )
    processor = Qwen2AudioProcessor(
        feature_extractor=WhisperFeatureExtractor(feature_size=128, sampling_rate=16000, chunk_length=30),
        tokenizer=tokenizer,
        chat_template=QWEN2_AUDIO_TEMPLATE,
    )
    config = Qwen2AudioConfig(
        audio_config={
            "num_mel_bins": 128,
            "d_model": 32,
            "encoder_layers": 1,
            "encoder_attention_heads": 2,
            "encoder_ffn_dim": 64,
            "max_source_positions": 1500,
        },
        text_config=_llama_text(
            _vocab(tokenizer),
            model_type="qwen2",
            bos_token_id=None,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        ),
        audio_token_index=_ids(tokenizer, "<|AUDIO|>")[0],
    )
    model = Qwen2AudioForConditionalGeneration(config)
    return _finish(out_dir, model, processor, tokenizer, eos=["<|im_end|>", "<|endoftext|>"])


_WHISPER_LANGS = ["en", "fr", "de"]


def build_whisper(out_dir: Path) -> Path:
    """Whisper (multilingual layout): 80 mel bins, 30 s windows, <|startoftranscript|><|en|><|transcribe|>."""
    from transformers import (
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
    )

    _seed()
    langs = [f"<|{code}|>" for code in _WHISPER_LANGS]
    timestamps = [f"<|{i * 0.02:.2f}|>" for i in range(16)]
    special = [
        "<|startoftranscript|>",
        *langs,
        "<|translate|>",
        "<|transcribe|>",
        "<|startoflm|>",
        "<|startofprev|>",
        "<|nospeech|>",
        "<|notimestamps|>",
        *timestamps,
    ]
    # Whisper's generate() treats every id above <|notimestamps|> as a timestamp: specials go last.
    tokenizer = _make_tokenizer(
        special, bos="<|endoftext|>", eos="<|endoftext|>", pad="<|endoftext|>", specials_last=True
    )
    processor = WhisperProcessor(
        feature_extractor=WhisperFeatureExtractor(feature_size=80, sampling_rate=16000, chunk_length=30),
        tokenizer=tokenizer,
    )
    start, transcribe, translate, no_ts, prev, nospeech = _ids(
        tokenizer,
        "<|startoftranscript|>",
        "<|transcribe|>",
        "<|translate|>",
        "<|notimestamps|>",
        "<|startofprev|>",
        "<|nospeech|>",
    )
    eot = tokenizer.eos_token_id
    config = WhisperConfig(
        vocab_size=len(tokenizer),  # exact: ids past the last timestamp would count as timestamps
        num_mel_bins=80,
        d_model=32,
        encoder_layers=1,
        decoder_layers=2,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_source_positions=1500,
        max_target_positions=128,
        bos_token_id=eot,
        eos_token_id=eot,
        pad_token_id=eot,
        decoder_start_token_id=start,
        suppress_tokens=[],
        begin_suppress_tokens=None,
    )
    model = WhisperForConditionalGeneration(config)
    return _finish(
        out_dir,
        model,
        processor,
        tokenizer,
        eos="<|endoftext|>",
        decoder_start="<|startoftranscript|>",
        is_multilingual=True,
        lang_to_id=dict(zip(langs, _ids(tokenizer, *langs))),
        task_to_id={"transcribe": transcribe, "translate": translate},
        no_timestamps_token_id=no_ts,
        prev_sot_token_id=prev,
        suppress_tokens=[],
        begin_suppress_tokens=None,
        forced_decoder_ids=None,
        max_initial_timestamp_index=50,
        return_timestamps=False,
        nospeech_token_id=nospeech,
    )


# --------------------------------------------------------------------------------------------- registry
FAMILIES: dict[str, Callable[[Path], Path]] = {
    "qwen2_vl": build_qwen2_vl,
    "qwen2_5_vl": build_qwen2_5_vl,
    "qwen3_vl": build_qwen3_vl,
    "llava_hf": build_llava_hf,
    "llava_onevision": build_llava_onevision,
    "idefics3": build_idefics3,
    "smolvlm": build_smolvlm,
    "gemma3": build_gemma3,
    "paligemma": build_paligemma,
    "internvl_hf": build_internvl_hf,
    "llama_vision": build_llama_vision,
    "qwen2_audio": build_qwen2_audio,
    "whisper": build_whisper,
}

# Which media each family's processor accepts in these builds.
MODALITIES: dict[str, set[str]] = {
    "qwen2_vl": {"image", "video"},
    "qwen2_5_vl": {"image", "video"},
    "qwen3_vl": {"image", "video"},
    "llava_hf": {"image"},
    "llava_onevision": {"image", "video"},
    "idefics3": {"image"},
    "smolvlm": {"image", "video"},
    "gemma3": {"image"},
    "paligemma": {"image"},
    "internvl_hf": {"image", "video"},
    "llama_vision": {"image"},
    "qwen2_audio": {"audio"},
    "whisper": {"audio"},
}

# The transformers Auto class that loads each family (its concrete class in the comment).
AUTO_MODEL_CLASS: dict[str, str] = {
    "qwen2_vl": "AutoModelForImageTextToText",  # Qwen2VLForConditionalGeneration
    "qwen2_5_vl": "AutoModelForImageTextToText",  # Qwen2_5_VLForConditionalGeneration
    "qwen3_vl": "AutoModelForImageTextToText",  # Qwen3VLForConditionalGeneration
    "llava_hf": "AutoModelForImageTextToText",  # LlavaForConditionalGeneration
    "llava_onevision": "AutoModelForImageTextToText",  # LlavaOnevisionForConditionalGeneration
    "idefics3": "AutoModelForImageTextToText",  # Idefics3ForConditionalGeneration
    "smolvlm": "AutoModelForImageTextToText",  # SmolVLMForConditionalGeneration
    "gemma3": "AutoModelForImageTextToText",  # Gemma3ForConditionalGeneration
    "paligemma": "AutoModelForImageTextToText",  # PaliGemmaForConditionalGeneration
    "internvl_hf": "AutoModelForImageTextToText",  # InternVLForConditionalGeneration
    "llama_vision": "AutoModelForImageTextToText",  # MllamaForConditionalGeneration
    "qwen2_audio": "AutoModelForMultimodalLM",  # Qwen2AudioForConditionalGeneration
    "whisper": "AutoModelForSpeechSeq2Seq",  # WhisperForConditionalGeneration
}


def redraw_weights(model_dir: Path, family: str, std: float = 0.2, seed: int = 0) -> Path:
    """Redraw every weight matrix of a built tiny model from N(0, std) (seeded) and save it back.

    The stock tiny weights make most families answer the same string for every prompt, which would let a
    comparison of outputs (batch 1 vs N, 1 process vs 2) pass without checking anything; redrawn weights
    give a different answer for most docs while keeping shapes and compute unchanged."""
    import torch
    import transformers

    model = getattr(transformers, AUTO_MODEL_CLASS[family]).from_pretrained(model_dir)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float32).to(p.dtype) * std)
    model.save_pretrained(model_dir)
    return model_dir
