"""``--model sglang``: an in-process SGLang offline engine (``sglang.Engine``).

    lmms-eval run --model sglang --model_args pretrained=Qwen/Qwen2.5-VL-7B-Instruct,tp_size=2,dp_size=2 \\
        --tasks mathvision_testmini

SGLang's offline ``Engine.generate`` takes prompt *text* plus media lists, not chat messages, so the prompt is
rendered here with the model's own chat template (``AutoProcessor.from_pretrained(pretrained)
.apply_chat_template(..., tokenize=False, add_generation_prompt=True)``), one ``{"type": "image"}`` item per
image, and the images go in ``image_data`` as base64 data URLs in the same order. Video is sent as its sampled
frames, each one image (so the model sees a sequence of images, not a native video input). Audio goes in
``audio_data`` when the installed SGLang's ``Engine.generate`` has that argument; otherwise an audio request
fails alone with "sglang backend: audio not supported".

A batch is one ``Engine.generate`` call per kind of request (with images, with audio, text only: SGLang reads a
batch's media lists by the shape of their first item, so kinds are not mixed), and every request that asks for
n > 1 samples gets its own call. If a call raises, its requests are retried one at a time, so one bad request
fails alone.

Data parallelism: SGLang runs ``dp_size`` replicas of ``tp_size`` GPUs each inside one engine (its data
parallel controller), so ``dp_size`` works in one process and is the recommended way. Under torchrun /
accelerate launch each rank starts its own engine and is given ``base_gpu_id = LOCAL_RANK * tp_size * dp_size``
(untested). SGLang is imported when the model is built, never at ``import lmms_eval``; it needs Linux with an
NVIDIA GPU (``pip install "sglang[all]"``). Untested on GPU: request building is unit-tested with a fake
``sglang`` module and a real (tiny) processor.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

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
    request_seed,
)
from lmms_eval.media.errors import describe_exception
from lmms_eval.models.api.media import (
    ImageFormat,
    MediaSettings,
    encode_audio,
    encode_image,
    encode_video_frames,
)
from lmms_eval.models.base import Capabilities, Model, ModelArgs, json_object
from lmms_eval.models.vllm_engine import (
    free_cuda_memory,
    media_failure,
    thread_map,
    torchrun_context,
)

_INSTALL_HINT = (
    'pip install "sglang[all]"  (Linux with an NVIDIA CUDA GPU; SGLang does not run on a CPU-only machine)'
)
#: the names vLLM and lmms-eval's other backends use, accepted for SGLang's own
ALIASES = {"tensor_parallel_size": "tp_size", "data_parallel_size": "dp_size"}


class SGLangArgs(ModelArgs):
    pretrained: str
    revision: str | None = None
    tp_size: int = Field(default=1, ge=1)
    dp_size: int = Field(default=1, ge=1)
    dtype: Literal["auto", "bfloat16", "float16", "float32", "half", "float"] = "auto"
    mem_fraction_static: float | None = Field(default=None, gt=0, le=1)
    context_length: int | None = Field(default=None, ge=1)
    trust_remote_code: bool = False
    seed: int | None = None
    num_frames: int | None = Field(default=None, ge=1)
    fps: float | None = Field(default=None, gt=0)
    image_max_side: int | None = Field(default=2048, ge=1)
    image_format: ImageFormat = "png"
    #: extra variables for the chat template, as a JSON object (e.g. {"enable_thinking": false})
    chat_template_kwargs: dict[str, Any] | None = None
    media_workers: int = Field(default=8, ge=1)

    @field_validator("chat_template_kwargs", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return json_object(value, "chat_template_kwargs")


@dataclass
class Prepared:
    """One request as SGLang takes it: rendered prompt, media as data URLs, sampling parameters."""

    prompt: str
    images: list[str] = field(default_factory=list)
    audios: list[str] = field(default_factory=list)
    sampling: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> tuple[bool, bool]:
        return bool(self.images), bool(self.audios)


class SGLangModel(Model):
    name = "sglang"
    Args = SGLangArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text", "image", "video", "audio"}),
        batching=True,
        default_batch_size=256,
        needs_decoded_media=False,
    )
    runtime_args = frozenset({"tp_size", "dp_size", "mem_fraction_static", "media_workers"})
    args: SGLangArgs

    @classmethod
    def from_args(cls, raw: dict[str, Any]) -> Model:
        raw = dict(raw)
        for alias, name in ALIASES.items():
            if alias in raw:
                if name in raw:
                    raise ConfigError(f"sglang: give either {name} or {alias}, not both")
                raw[name] = raw.pop(alias)
        return super().from_args(raw)

    def __init__(self, args: SGLangArgs) -> None:
        super().__init__(args)
        from lmms_eval.models.hf.backend import resolve_pretrained

        args.pretrained = resolve_pretrained(args.pretrained)
        self.media = MediaSettings(image_max_side=args.image_max_side, image_format=args.image_format)
        try:
            import sglang
        except ImportError as exc:
            raise ConfigError(f"The sglang backend needs SGLang and a CUDA GPU: {_INSTALL_HINT}") from exc
        self.processor = self._load_processor()
        self.engine: Any = sglang.Engine(**self.engine_kwargs())
        try:
            params = inspect.signature(self.engine.generate).parameters
            self.takes_audio = "audio_data" in params or any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
            )
        except (TypeError, ValueError):
            self.takes_audio = False

    def _load_processor(self) -> Any:
        a = self.args
        try:
            import transformers
        except ImportError as exc:
            raise ConfigError(
                "The sglang backend renders prompts with transformers: pip install transformers"
            ) from exc
        try:
            return transformers.AutoProcessor.from_pretrained(
                a.pretrained, revision=a.revision, trust_remote_code=a.trust_remote_code
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(f"sglang: cannot load the processor of '{a.pretrained}': {exc}") from exc

    def engine_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``sglang.Engine``."""
        a = self.args
        kw: dict[str, Any] = {
            "model_path": a.pretrained,
            "tp_size": a.tp_size,
            "dp_size": a.dp_size,
            "dtype": a.dtype,
            "trust_remote_code": a.trust_remote_code,
        }
        optional = {
            "revision": a.revision,
            "mem_fraction_static": a.mem_fraction_static,
            "context_length": a.context_length,
            "random_seed": a.seed,
        }
        kw.update({k: v for k, v in optional.items() if v is not None})
        world, local_rank = torchrun_context()
        if world > 1:  # one engine per launched process, each on its own GPUs
            kw["base_gpu_id"] = local_rank * a.tp_size * a.dp_size
        return kw

    # -- media settings --------------------------------------------------------------------------------
    def adjust_media(self, part: MediaPart) -> None:
        if isinstance(part, VideoPart):
            part.num_frames = self.args.num_frames or part.num_frames
            part.fps = self.args.fps or part.fps

    # -- request building --------------------------------------------------------------------------------
    def prepare(self, request: Request) -> Prepared | str:
        """The request as prompt text + media, or the reason it cannot be sent."""
        conv: list[dict[str, Any]] = []
        images: list[str] = []
        audios: list[str] = []
        try:
            for message in request.messages:
                if all(isinstance(p, TextPart) for p in message.content):
                    conv.append({"role": message.role, "content": message.text()})
                    continue
                content: list[dict[str, Any]] = []
                for part in message.content:
                    if isinstance(part, TextPart):
                        content.append({"type": "text", "text": part.text})
                    elif isinstance(part, ImagePart):
                        content.append({"type": "image"})
                        images.append(encode_image(part, self.media).data_url())
                    elif isinstance(part, VideoPart):
                        for _, blob in encode_video_frames(part, self.media):
                            content.append({"type": "image"})
                            images.append(blob.data_url())
                    elif isinstance(part, AudioPart):
                        if not self.takes_audio:
                            return "sglang backend: audio not supported (this SGLang's Engine.generate has no audio_data)"
                        content.append({"type": "audio"})
                        audios.append(encode_audio(part).data_url())
                conv.append({"role": message.role, "content": content})
        except Exception as exc:  # an unreadable file is this request's error, never the batch's
            return media_failure(exc)
        try:
            prompt = self.render(conv)
        except Exception as exc:
            return f"sglang: cannot render the chat template: {type(exc).__name__}: {describe_exception(exc)}"
        return Prepared(prompt=prompt, images=images, audios=audios, sampling=sampling_params(request))

    def render(self, conv: list[dict[str, Any]]) -> str:
        extra = dict(self.args.chat_template_kwargs or {})
        text = self.processor.apply_chat_template(conv, tokenize=False, add_generation_prompt=True, **extra)
        return str(text)

    # -- generation ------------------------------------------------------------------------------------
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        out: list[Response | None] = [None] * len(requests)
        prepared = thread_map(self.prepare, list(requests), self.args.media_workers)
        ready: dict[int, Prepared] = {}
        groups: dict[tuple[bool, bool], list[int]] = {}
        singles: list[int] = []
        for i, p in enumerate(prepared):
            if isinstance(p, str):
                out[i] = Response.failure(p)
                continue
            ready[i] = p
            if p.sampling.get("n", 1) > 1:
                singles.append(i)  # SGLang needs one n per call and interleaves the samples of a batch
            else:
                groups.setdefault(p.kind, []).append(i)
        for indices in [*groups.values(), *([i] for i in singles)]:
            for i, response in zip(indices, self._generate_or_split([ready[i] for i in indices])):
                out[i] = response
        return [r if r is not None else Response.failure("sglang: no output") for r in out]

    def _generate_or_split(self, items: list[Prepared]) -> list[Response]:
        try:
            return self._generate(items)
        except Exception as exc:
            if len(items) == 1:
                return [Response.failure(f"sglang error: {type(exc).__name__}: {describe_exception(exc)}")]
        responses = []
        for item in items:
            try:
                responses.extend(self._generate([item]))
            except Exception as exc:
                responses.append(
                    Response.failure(f"sglang error: {type(exc).__name__}: {describe_exception(exc)}")
                )
        return responses

    def _generate(self, items: list[Prepared]) -> list[Response]:
        """One ``Engine.generate`` call: requests of one kind, or one request with n > 1."""
        kw: dict[str, Any] = {
            "prompt": [p.prompt for p in items],
            "sampling_params": [dict(p.sampling) for p in items],
        }
        has_images, has_audio = items[0].kind
        if has_images:
            kw["image_data"] = [list(p.images) for p in items]
        if has_audio:
            kw["audio_data"] = [list(p.audios) for p in items]
        start = time.perf_counter()
        result = self.engine.generate(**kw)
        outputs = result if isinstance(result, list) else [result]
        latency = (time.perf_counter() - start) / len(items)
        n = items[0].sampling.get("n", 1)
        if n > 1:  # one request, its n samples
            if len(items) != 1 or len(outputs) != n:
                raise RuntimeError(f"Engine.generate returned {len(outputs)} outputs for n={n}")
            return [_response(outputs, latency)]
        if len(outputs) != len(items):
            raise RuntimeError(f"Engine.generate returned {len(outputs)} outputs for {len(items)} prompts")
        return [_response([o], latency) for o in outputs]

    def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            self.engine = None
            try:
                engine.shutdown()
            finally:
                del engine
                free_cuda_memory()


def sampling_params(request: Request) -> dict[str, Any]:
    """SGLang's sampling parameters for ``request``. The seed goes as ``sampling_seed`` (recent SGLang) and only
    when sampling (greedy decoding needs none); it is the request's own (``request_seed``: the run's seed +
    repeat + a hash of task and doc), so an answer does not depend on the batch it lands in."""
    gen = request.generation
    params: dict[str, Any] = {"max_new_tokens": gen.max_new_tokens, "temperature": gen.temperature}
    if gen.top_p is not None:
        params["top_p"] = gen.top_p
    if gen.stop:
        params["stop"] = list(gen.stop)
    if gen.n != 1:
        params["n"] = gen.n
    if gen.seed is not None and gen.temperature > 0:
        params["sampling_seed"] = request_seed(request)
    return params


def _response(outputs: list[dict[str, Any]], latency: float) -> Response:
    """SGLang output dicts (one, or the n samples of one request) as a Response."""
    texts = [str(o.get("text", "")) for o in outputs]
    metas = [o.get("meta_info") or {} for o in outputs]
    finish = metas[0].get("finish_reason")
    if isinstance(finish, dict):
        finish = finish.get("type")
    completion = [m["completion_tokens"] for m in metas if m.get("completion_tokens") is not None]
    return Response(
        text=texts[0],
        texts=texts if len(texts) > 1 else [],
        usage=Usage(
            input_tokens=metas[0].get("prompt_tokens"),
            output_tokens=sum(completion) if completion else None,
        ),
        latency_s=latency,
        finish_reason=str(finish) if finish is not None else None,
    )
