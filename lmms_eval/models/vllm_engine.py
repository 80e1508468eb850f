"""``--model vllm``: an in-process vLLM engine (``vllm.LLM``), any model vLLM serves, all four modalities.

    lmms-eval run --model vllm \\
        --model_args pretrained=Qwen/Qwen2.5-VL-7B-Instruct,tensor_parallel_size=2 --tasks mathvision_testmini

Each request becomes one OpenAI-format conversation (the same messages ``openai_compat`` sends to a vLLM
server: images as base64 data URLs, video as sampled frames or the whole file as ``video_url``, audio as
``input_audio``) and one ``SamplingParams``; a batch is one ``LLM.chat`` call, which applies the model's chat
template and schedules the requests itself (continuous batching), so the default batch size is large. Media
is encoded here on a few threads (the engine's prefetch stage does not decode for this backend). A request
whose media cannot be read fails alone with ``media error: ...`` and never reaches vLLM; if ``LLM.chat``
raises for a batch, the batch is retried one request at a time so one bad request fails alone.

Data parallelism: vLLM's offline ``LLM(data_parallel_size=N)`` is not a supported single-process mode (recent
vLLM raises for it and points to multi-process launching), so this backend does **not** pass
``data_parallel_size`` to vLLM. Data parallelism is lmms-eval's own: launch one process per replica with
``torchrun`` or ``accelerate launch``; each rank shards the requests (``engine/distributed.py``) and starts its
own independent engine on its own GPUs. Because vLLM places its workers on the GPUs it can *see*, each rank
narrows ``CUDA_VISIBLE_DEVICES`` to its slice (``tensor_parallel_size`` GPUs starting at
``LOCAL_RANK * tensor_parallel_size`` of the GPUs visible to the launcher) before vLLM is imported, and asks
vLLM to start its worker processes with ``spawn`` (a forked worker would inherit lmms-eval's gloo process
group). ``data_parallel_size`` is therefore only a check: > 1 without a launcher, or different from the
launcher's ``WORLD_SIZE``, is a configuration error.

vLLM is imported when the model is built, never at ``import lmms_eval``; it needs Linux with an NVIDIA GPU
(``pip install vllm``). Untested on GPU: request building is unit-tested with a fake ``vllm`` module.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import Field, field_validator

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import MediaPart, Request, Response, Usage, VideoPart, request_seed
from lmms_eval.media.errors import MediaError, describe_exception
from lmms_eval.models.api.media import ImageFormat, MediaSettings
from lmms_eval.models.api.openai_format import VideoMode, openai_messages
from lmms_eval.models.base import Capabilities, Model, ModelArgs, json_object

_INSTALL_HINT = (
    "pip install vllm  (Linux with an NVIDIA CUDA GPU; vLLM's wheels are CUDA builds and do not run on a "
    "CPU-only machine)"
)
#: OpenAI content-part type -> the vLLM ``limit_mm_per_prompt`` modality it counts against
_PART_MODALITY = {"image_url": "image", "video_url": "video", "input_audio": "audio", "audio_url": "audio"}

T = TypeVar("T")
R = TypeVar("R")


def torchrun_context() -> tuple[int, int]:
    """(WORLD_SIZE, LOCAL_RANK) as torchrun / accelerate launch set them; (1, 0) without a launcher."""
    return int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("LOCAL_RANK", "0"))


def pin_rank_gpus(gpus_per_rank: int, backend: str) -> str | None:
    """Under a multi-process launcher, narrow ``CUDA_VISIBLE_DEVICES`` to this rank's ``gpus_per_rank`` GPUs
    (``LOCAL_RANK * gpus_per_rank`` onwards, of the GPUs the launcher saw) and return the new value; None
    without a launcher. Must run before CUDA is initialized in this process."""
    world, local_rank = torchrun_context()
    if world <= 1:
        return None
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        raise ConfigError(
            f"{backend}: CUDA was initialized in this process before the engine was built, so this rank can no "
            "longer be pinned to its own GPUs (CUDA_VISIBLE_DEVICES)"
        )
    visible_env = os.environ.get("CUDA_VISIBLE_DEVICES")
    start = local_rank * gpus_per_rank
    if visible_env is not None and visible_env.strip():
        visible = [d.strip() for d in visible_env.split(",") if d.strip()]
        mine = visible[start : start + gpus_per_rank]
        if len(mine) < gpus_per_rank:
            raise ConfigError(
                f"{backend}: rank with LOCAL_RANK={local_rank} needs GPUs {start}..{start + gpus_per_rank - 1} "
                f"of CUDA_VISIBLE_DEVICES={visible_env}, which lists only {len(visible)}"
            )
    else:
        mine = [str(i) for i in range(start, start + gpus_per_rank)]
    value = ",".join(mine)
    os.environ["CUDA_VISIBLE_DEVICES"] = value
    return value


def thread_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[fn(x) for x in items]`` on up to ``workers`` threads, results in order."""
    if workers <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="engine-media") as pool:
        return list(pool.map(fn, items))


def media_failure(exc: BaseException) -> str:
    """The error reason of a request whose media could not be encoded (same wording as the engine's)."""
    return f"media error: {exc}" if isinstance(exc, MediaError) else f"media error: {describe_exception(exc)}"


def free_cuda_memory() -> None:
    """Collect garbage and hand PyTorch's cached CUDA memory back (best effort, at shutdown)."""
    gc.collect()
    try:
        import torch
    except ImportError:
        return
    try:
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except Exception:  # never fail a run while releasing memory
        pass


class VLLMArgs(ModelArgs):
    pretrained: str
    revision: str | None = None
    dtype: Literal["auto", "bfloat16", "float16", "float32", "half", "float"] = "auto"
    tensor_parallel_size: int = Field(default=1, ge=1)
    #: a check only: data parallelism is one process per replica under torchrun / accelerate launch
    data_parallel_size: int = Field(default=1, ge=1)
    gpu_memory_utilization: float = Field(default=0.9, gt=0, le=1)
    max_model_len: int | None = Field(default=None, ge=1)
    max_num_seqs: int | None = Field(default=None, ge=1)
    trust_remote_code: bool = False
    enforce_eager: bool = False
    #: vLLM's limit_mm_per_prompt, one integer per modality (video frames count as images in frames mode)
    limit_images: int = Field(default=8, ge=0)
    limit_videos: int = Field(default=1, ge=0)
    limit_audios: int = Field(default=1, ge=0)
    video_mode: VideoMode = "frames"
    num_frames: int | None = Field(default=None, ge=1)
    fps: float | None = Field(default=None, gt=0)
    image_max_side: int | None = Field(default=2048, ge=1)
    image_format: ImageFormat = "png"
    seed: int | None = None
    #: extra variables for the chat template, as a JSON object (e.g. {"enable_thinking": false})
    chat_template_kwargs: dict[str, Any] | None = None
    media_workers: int = Field(default=8, ge=1)

    @field_validator("chat_template_kwargs", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        return json_object(value, "chat_template_kwargs")


class VLLMModel(Model):
    name = "vllm"
    Args = VLLMArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"text", "image", "video", "audio"}),
        batching=True,
        default_batch_size=256,
        needs_decoded_media=False,
    )
    runtime_args = frozenset(
        {
            "tensor_parallel_size",
            "data_parallel_size",
            "gpu_memory_utilization",
            "max_num_seqs",
            "enforce_eager",
            "media_workers",
        }
    )
    args: VLLMArgs

    def __init__(self, args: VLLMArgs) -> None:
        super().__init__(args)
        from lmms_eval.models.hf.backend import resolve_pretrained

        args.pretrained = resolve_pretrained(args.pretrained)
        self.media = MediaSettings(image_max_side=args.image_max_side, image_format=args.image_format)
        self.limits = {"image": args.limit_images, "video": args.limit_videos, "audio": args.limit_audios}
        self.rank_gpus = self._place_rank()
        try:
            import vllm
        except ImportError as exc:
            raise ConfigError(f"The vllm backend needs vLLM and a CUDA GPU: {_INSTALL_HINT}") from exc
        self._vllm = vllm
        self.llm: Any = vllm.LLM(**self.engine_kwargs())

    def _place_rank(self) -> str | None:
        a = self.args
        world, _ = torchrun_context()
        if a.data_parallel_size > 1 and world <= 1:
            raise ConfigError(
                f"vllm: data_parallel_size={a.data_parallel_size} needs one process per replica: launch with "
                f"torchrun --nproc_per_node {a.data_parallel_size} -m lmms_eval run ... (or accelerate launch "
                f"--num_processes {a.data_parallel_size}); vLLM's single-process LLM(data_parallel_size=N) is "
                "not supported"
            )
        if a.data_parallel_size > 1 and world != a.data_parallel_size:
            raise ConfigError(
                f"vllm: data_parallel_size={a.data_parallel_size} but the launcher started {world} processes; "
                "leave data_parallel_size out or make them equal"
            )
        pinned = pin_rank_gpus(a.tensor_parallel_size, "vllm")
        if pinned is not None:
            # a forked vLLM worker would inherit lmms-eval's initialized gloo process group
            os.environ.setdefault("VLLM_WORKER_MULTIPROC_METHOD", "spawn")
        return pinned

    def engine_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``vllm.LLM``."""
        a = self.args
        kw: dict[str, Any] = {
            "model": a.pretrained,
            "tensor_parallel_size": a.tensor_parallel_size,
            "dtype": a.dtype,
            "gpu_memory_utilization": a.gpu_memory_utilization,
            "trust_remote_code": a.trust_remote_code,
            "limit_mm_per_prompt": dict(self.limits),
        }
        optional = {
            "revision": a.revision,
            "max_model_len": a.max_model_len,
            "max_num_seqs": a.max_num_seqs,
            "seed": a.seed,
        }
        kw.update({k: v for k, v in optional.items() if v is not None})
        if a.enforce_eager:
            kw["enforce_eager"] = True
        return kw

    # -- media settings --------------------------------------------------------------------------------
    def adjust_media(self, part: MediaPart) -> None:
        if isinstance(part, VideoPart):
            part.num_frames = self.args.num_frames or part.num_frames
            part.fps = self.args.fps or part.fps

    # -- request building --------------------------------------------------------------------------------
    def conversation(self, request: Request) -> list[dict[str, Any]] | str:
        """The request as an OpenAI-format conversation, or the reason it cannot be sent."""
        try:
            messages = openai_messages(request, self.media, self.args.video_mode)
        except Exception as exc:  # an unreadable file is this request's error, never the batch's
            return media_failure(exc)
        counts = {"image": 0, "video": 0, "audio": 0}
        for m in messages:
            if isinstance(m["content"], list):
                for part in m["content"]:
                    modality = _PART_MODALITY.get(part.get("type", ""))
                    if modality:
                        counts[modality] += 1
        for modality, n in counts.items():
            if n > self.limits[modality]:
                frames = (
                    " (video frames count as images with video_mode=frames)" if modality == "image" else ""
                )
                return (
                    f"vllm: the request has {n} {modality} item(s){frames}, more than "
                    f"limit_{modality}s={self.limits[modality]}; raise limit_{modality}s"
                )
        return messages

    def sampling_params(self, request: Request) -> Any:
        gen = request.generation
        kw: dict[str, Any] = {"max_tokens": gen.max_new_tokens, "temperature": gen.temperature, "n": gen.n}
        if gen.top_p is not None:
            kw["top_p"] = gen.top_p
        if gen.stop:
            kw["stop"] = list(gen.stop)
        if gen.seed is not None:
            # the request's own stream (its seed + a hash of task and doc), as the hf backend samples it
            kw["seed"] = request_seed(request)
        return self._vllm.SamplingParams(**kw)

    # -- generation ------------------------------------------------------------------------------------
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        out: list[Response | None] = [None] * len(requests)
        conversations = thread_map(self.conversation, list(requests), self.args.media_workers)
        ready: list[int] = []
        for i, conv in enumerate(conversations):
            if isinstance(conv, str):
                out[i] = Response.failure(conv)
            else:
                ready.append(i)
        if ready:
            convs = [conversations[i] for i in ready]
            params = [self.sampling_params(requests[i]) for i in ready]
            for i, response in zip(ready, self._chat_or_split(convs, params)):
                out[i] = response
        return [r if r is not None else Response.failure("vllm: no output") for r in out]

    def _chat_or_split(self, convs: list[Any], params: list[Any]) -> list[Response]:
        """One ``LLM.chat`` call for the batch; if it raises, one call per request."""
        try:
            return self._chat(convs, params)
        except Exception as exc:
            if len(convs) == 1:
                return [Response.failure(f"vllm error: {type(exc).__name__}: {describe_exception(exc)}")]
        responses = []
        for conv, param in zip(convs, params):
            try:
                responses.extend(self._chat([conv], [param]))
            except Exception as exc:
                responses.append(
                    Response.failure(f"vllm error: {type(exc).__name__}: {describe_exception(exc)}")
                )
        return responses

    def _chat(self, convs: list[Any], params: list[Any]) -> list[Response]:
        kw: dict[str, Any] = {"sampling_params": params, "use_tqdm": False}
        if self.args.chat_template_kwargs:
            kw["chat_template_kwargs"] = dict(self.args.chat_template_kwargs)
        start = time.perf_counter()
        outputs = self.llm.chat(messages=convs, **kw)
        if len(outputs) != len(convs):
            raise RuntimeError(f"LLM.chat returned {len(outputs)} outputs for {len(convs)} conversations")
        latency = (time.perf_counter() - start) / len(convs)
        return [_response(o, latency) for o in outputs]

    def close(self) -> None:
        if getattr(self, "llm", None) is not None:
            engine = self.llm
            self.llm = None
            del engine
            free_cuda_memory()


def _response(output: Any, latency: float) -> Response:
    """A vLLM ``RequestOutput`` as a Response (all n samples in ``texts`` when n > 1)."""
    completions = list(output.outputs)
    if not completions:
        return Response.failure("vllm: the engine returned no completion", latency_s=latency)
    texts = [str(c.text) for c in completions]
    prompt_ids = getattr(output, "prompt_token_ids", None)
    n_out = sum(len(c.token_ids) for c in completions if getattr(c, "token_ids", None) is not None)
    finish = completions[0].finish_reason
    return Response(
        text=texts[0],
        texts=texts if len(texts) > 1 else [],
        usage=Usage(input_tokens=len(prompt_ids) if prompt_ids is not None else None, output_tokens=n_out),
        latency_s=latency,
        finish_reason=str(finish) if finish is not None else None,
    )
