"""The vllm and sglang backends' request building, against fake engines (vLLM and SGLang need a CUDA GPU).

A fake ``vllm`` module (``LLM`` + ``SamplingParams``) and a fake ``sglang`` module (``Engine``) are put in
``sys.modules``; they record what the backends hand them and answer like the real engines' documented return
types. The SGLang prompts are rendered by a real (tiny, random-weight) Qwen2-VL processor. Nothing here shows
that a real engine accepts these inputs: no GPU run has been made.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import types
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import (
    AudioPart,
    GenerationConfig,
    ImagePart,
    MediaRef,
    Message,
    Request,
    TextPart,
    VideoPart,
    request_seed,
)
from lmms_eval.models import MODELS

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "lmms_eval" / "data" / "sample"
VIDEO = SAMPLE / "synthetic_video" / "clips" / "dir_022.mp4"
WAV = SAMPLE / "fsdd" / "recordings" / "5_lucas_0.wav"
IMAGE_PAD = "<|vision_start|><|image_pad|><|vision_end|>"


# ------------------------------------------------------------------------------------------ fake engines
class FakeSamplingParams:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


def _conv_text(conv: list[dict[str, Any]]) -> str:
    out = []
    for m in conv:
        if isinstance(m["content"], str):
            out.append(m["content"])
        else:
            out.extend(p["text"] for p in m["content"] if p["type"] == "text")
    return "".join(out)


def echo_answer(conv: list[dict[str, Any]]) -> str:
    return "answer: " + _conv_text(conv)


class FakeLLM:
    """Records its constructor arguments and every ``chat`` call; answers with ``answer(conversation)``."""

    answer: Callable[[list[dict[str, Any]]], str] = staticmethod(echo_answer)
    #: a conversation whose text contains this makes every chat call that includes it raise
    poison = "POISON"

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.calls: list[dict[str, Any]] = []
        FAKE_VLLM_STATE["llm"] = self

    def chat(self, messages: Any, sampling_params: Any = None, use_tqdm: bool = True, **kw: Any) -> list[Any]:
        self.calls.append(
            {"messages": messages, "sampling_params": sampling_params, "use_tqdm": use_tqdm, **kw}
        )
        if any(self.poison in _conv_text(conv) for conv in messages):
            raise ValueError("prompt too long for the model")
        outputs = []
        for i, (conv, params) in enumerate(zip(messages, sampling_params)):
            n = params.kwargs.get("n", 1)
            text = type(self).answer(conv)
            outputs.append(
                SimpleNamespace(
                    prompt_token_ids=list(range(10 + len(_conv_text(conv)))),
                    outputs=[
                        SimpleNamespace(
                            text=text if k == 0 else f"{text} #{k}",
                            token_ids=list(range(3 + i)),
                            finish_reason="stop",
                        )
                        for k in range(n)
                    ],
                )
            )
        return outputs


FAKE_VLLM_STATE: dict[str, Any] = {}


@pytest.fixture
def fake_vllm(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("vllm")
    module.LLM = FakeLLM  # type: ignore[attr-defined]
    module.SamplingParams = FakeSamplingParams  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vllm", module)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    FAKE_VLLM_STATE.clear()
    return module


def _vllm(**args: Any) -> Any:
    return MODELS.get("vllm").from_args({"pretrained": "org/fake-model", **args})


class FakeEngine:
    """sglang.Engine: records its constructor arguments and ``generate`` calls; answers from the prompt."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.calls: list[dict[str, Any]] = []
        self.shut = False
        FAKE_SGLANG_STATE["engine"] = self

    def generate(
        self,
        prompt: Any = None,
        sampling_params: Any = None,
        image_data: Any = None,
        audio_data: Any = None,
    ) -> list[dict[str, Any]]:
        self.calls.append(
            {
                "prompt": prompt,
                "sampling_params": sampling_params,
                "image_data": image_data,
                "audio_data": audio_data,
            }
        )
        if any("POISON" in p for p in prompt):
            raise ValueError("bad request")
        out = []
        for p, params in zip(prompt, sampling_params):
            for k in range(params.get("n", 1)):
                out.append(
                    {
                        "text": "true" if k == 0 else f"sample {k}",
                        "meta_info": {
                            "prompt_tokens": len(p),
                            "completion_tokens": 2,
                            "finish_reason": {"type": "stop", "matched": 151645},
                        },
                    }
                )
        return out

    def shutdown(self) -> None:
        self.shut = True


class FakeEngineWithoutAudio(FakeEngine):
    def generate(  # type: ignore[override]
        self, prompt: Any = None, sampling_params: Any = None, image_data: Any = None
    ) -> list[dict[str, Any]]:
        return super().generate(prompt=prompt, sampling_params=sampling_params, image_data=image_data)


FAKE_SGLANG_STATE: dict[str, Any] = {}


def _fake_sglang(monkeypatch: pytest.MonkeyPatch, engine: type = FakeEngine) -> types.ModuleType:
    module = types.ModuleType("sglang")
    module.Engine = engine  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sglang", module)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    FAKE_SGLANG_STATE.clear()
    return module


@pytest.fixture(scope="module")
def qwen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    sys.path.insert(0, str(REPO / "tests" / "models" / "hf"))
    try:
        from tiny_models import build_qwen2_vl
    finally:
        sys.path.pop(0)
    return build_qwen2_vl(tmp_path_factory.mktemp("qwen2_vl"))


# ----------------------------------------------------------------------------------------------- media
def _png(color: tuple[int, int, int], size: tuple[int, int] = (24, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def _decode_data_url(url: str) -> tuple[str, bytes]:
    head, b64 = url.split(",", 1)
    assert head.startswith("data:") and head.endswith(";base64")
    return head[5:-7], base64.b64decode(b64)


def _request(*parts: Any, gen: GenerationConfig | None = None, doc_id: str = "d") -> Request:
    return Request(
        messages=[Message(role="user", content=list(parts))],
        generation=gen or GenerationConfig(max_new_tokens=16),
        doc_id=doc_id,
    )


def _text(s: str) -> TextPart:
    return TextPart(text=s)


# ================================================================================================ vllm
def test_vllm_engine_gets_the_constructor_arguments(fake_vllm: types.ModuleType) -> None:
    model = _vllm(
        tensor_parallel_size="2",
        dtype="bfloat16",
        gpu_memory_utilization="0.75",
        max_model_len="4096",
        max_num_seqs="32",
        trust_remote_code="true",
        limit_images="12",
        limit_videos="0",
        revision="main",
        seed="7",
    )
    assert FAKE_VLLM_STATE["llm"].kwargs == {
        "model": "org/fake-model",
        "tensor_parallel_size": 2,
        "dtype": "bfloat16",
        "gpu_memory_utilization": 0.75,
        "trust_remote_code": True,
        "limit_mm_per_prompt": {"image": 12, "video": 0, "audio": 1},
        "revision": "main",
        "max_model_len": 4096,
        "max_num_seqs": 32,
        "seed": 7,
    }
    caps = model.capabilities
    assert caps.batching and caps.default_batch_size >= 64 and not caps.needs_decoded_media
    assert caps.modalities == {"text", "image", "video", "audio"}
    assert model.family is None
    # runtime settings are not part of the cache key; the checkpoint and sampling-relevant ones are
    ident = model.identity()["args"]
    assert "tensor_parallel_size" not in ident and "gpu_memory_utilization" not in ident
    assert ident["pretrained"] == "org/fake-model" and ident["max_model_len"] == 4096


def test_vllm_defaults_leave_optional_engine_arguments_out(fake_vllm: types.ModuleType) -> None:
    _vllm()
    kw = FAKE_VLLM_STATE["llm"].kwargs
    assert kw["limit_mm_per_prompt"] == {"image": 8, "video": 1, "audio": 1}
    assert kw["tensor_parallel_size"] == 1 and kw["dtype"] == "auto"
    assert not {"revision", "max_model_len", "max_num_seqs", "seed", "data_parallel_size"} & set(kw)


def test_vllm_builds_one_conversation_per_request(fake_vllm: types.ModuleType, tmp_path: Path) -> None:
    png = _png((200, 30, 40))
    image_file = tmp_path / "red.png"
    image_file.write_bytes(png)
    requests = [
        _request(_text("What is 2+2?")),
        _request(ImagePart(ref=MediaRef(path=str(image_file))), _text("Describe.")),
        _request(VideoPart(ref=MediaRef(path=str(VIDEO)), num_frames=4), _text("Which way?")),
        _request(AudioPart(ref=MediaRef(path=str(WAV))), _text("Which digit?")),
    ]
    model = _vllm()
    responses = model.generate(requests)
    assert all(r.ok for r in responses)
    llm = FAKE_VLLM_STATE["llm"]
    assert len(llm.calls) == 1, "one LLM.chat call per batch"
    call = llm.calls[0]
    assert call["use_tqdm"] is False
    text_conv, image_conv, video_conv, audio_conv = call["messages"]

    assert text_conv == [{"role": "user", "content": "What is 2+2?"}]

    parts = image_conv[0]["content"]
    assert [p["type"] for p in parts] == ["image_url", "text"]
    mime, data = _decode_data_url(parts[0]["image_url"]["url"])
    assert (mime, data) == ("image/png", png), "a small PNG is sent byte for byte"
    assert parts[1] == {"type": "text", "text": "Describe."}

    parts = video_conv[0]["content"]
    assert [p["type"] for p in parts] == ["image_url"] * 4 + ["text"], "frames mode: one image per frame"
    for p in parts[:4]:
        mime, data = _decode_data_url(p["image_url"]["url"])
        with Image.open(io.BytesIO(data)) as frame:
            assert frame.size[0] > 0 and mime == "image/png"

    parts = audio_conv[0]["content"]
    assert parts[0]["type"] == "input_audio"
    assert parts[0]["input_audio"]["format"] == "wav"
    assert base64.b64decode(parts[0]["input_audio"]["data"]) == WAV.read_bytes()


def test_vllm_image_pixels_survive_a_resize(fake_vllm: types.ModuleType) -> None:
    """An image larger than image_max_side is re-encoded as PNG, shrunk, with its colour intact."""
    big = _png((10, 200, 90), size=(300, 100))
    model = _vllm(image_max_side="150")
    model.generate([_request(ImagePart(ref=MediaRef(data=big)), _text("x"))])
    url = FAKE_VLLM_STATE["llm"].calls[0]["messages"][0][0]["content"][0]["image_url"]["url"]
    _, data = _decode_data_url(url)
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (150, 50)
        assert img.convert("RGB").getpixel((75, 25)) == (10, 200, 90)


def test_vllm_video_url_mode_sends_the_file(fake_vllm: types.ModuleType) -> None:
    model = _vllm(video_mode="video_url")
    model.generate([_request(VideoPart(ref=MediaRef(path=str(VIDEO))), _text("Which way?"))])
    parts = FAKE_VLLM_STATE["llm"].calls[0]["messages"][0][0]["content"]
    assert [p["type"] for p in parts] == ["video_url", "text"]
    mime, data = _decode_data_url(parts[0]["video_url"]["url"])
    assert (mime, data) == ("video/mp4", VIDEO.read_bytes())


def test_vllm_sampling_params_come_from_the_generation_config(fake_vllm: types.ModuleType) -> None:
    model = _vllm()
    full = GenerationConfig(max_new_tokens=32, temperature=0.7, top_p=0.9, stop=["\n", "Q:"], seed=5, n=3)
    sampled = _request(_text("a"), gen=full)
    responses = model.generate([sampled, _request(_text("b"))])
    params = [p.kwargs for p in FAKE_VLLM_STATE["llm"].calls[0]["sampling_params"]]
    assert params[0] == {
        "max_tokens": 32,
        "temperature": 0.7,
        "top_p": 0.9,
        "stop": ["\n", "Q:"],
        "seed": request_seed(sampled),
        "n": 3,
    }
    assert params[1] == {"max_tokens": 16, "temperature": 0.0, "n": 1}
    assert responses[0].texts == ["answer: a", "answer: a #1", "answer: a #2"]
    assert responses[0].text == "answer: a" and responses[1].texts == []
    assert responses[0].usage.output_tokens == 9, "n samples: their tokens summed"


def test_request_seed_is_the_generation_seed_plus_a_stable_hash_of_task_and_doc() -> None:
    def seed_of(task: str, doc_id: str, seed: int | None) -> int:
        return request_seed(
            Request(messages=[], generation=GenerationConfig(seed=seed), task=task, doc_id=doc_id)
        )

    # sha256, not Python's per-process hash(): the same number in every process and every run
    digest = hashlib.sha256(b"nlvr_dev\x0012-0").digest()
    assert seed_of("nlvr_dev", "12-0", 7) == (7 + int.from_bytes(digest[:8], "big")) % 2**32
    assert seed_of("nlvr_dev", "12-0", None) == seed_of("nlvr_dev", "12-0", 0)
    assert seed_of("nlvr_dev", "12-0", 8) == (seed_of("nlvr_dev", "12-0", 7) + 1) % 2**32
    assert len({seed_of("nlvr_dev", d, 7) for d in ("1", "2", "3")}) == 3
    assert seed_of("other", "12-0", 7) != seed_of("nlvr_dev", "12-0", 7)


def test_vllm_each_request_samples_with_its_own_seed(fake_vllm: types.ModuleType) -> None:
    """Two docs of one repeat (same generation seed) get different SamplingParams seeds; one doc's repeats
    (seed + r) differ too, and the seed is the request's, not its batch position's."""
    model = _vllm()
    gen = GenerationConfig(max_new_tokens=8, temperature=1.0, seed=3)
    requests = [
        _request(_text("q"), gen=gen, doc_id="a"),
        _request(_text("q"), gen=gen, doc_id="b"),
        _request(_text("q"), gen=gen.model_copy(update={"seed": 4}), doc_id="a"),
    ]
    model.generate(requests)
    model.generate(requests[::-1])
    first, second = (
        [p.kwargs["seed"] for p in call["sampling_params"]] for call in FAKE_VLLM_STATE["llm"].calls
    )
    assert first == [request_seed(r) for r in requests] == second[::-1]
    assert len(set(first)) == 3


def test_vllm_responses_map_back_in_order_with_usage(fake_vllm: types.ModuleType) -> None:
    model = _vllm(chat_template_kwargs='{"enable_thinking": false}')
    prompts = ["first", "second question", "3"]
    responses = model.generate([_request(_text(p)) for p in prompts])
    assert [r.text for r in responses] == [f"answer: {p}" for p in prompts]
    assert [r.usage.input_tokens for r in responses] == [10 + len(p) for p in prompts]
    assert [r.usage.output_tokens for r in responses] == [3, 4, 5]
    assert all(r.finish_reason == "stop" and r.latency_s is not None for r in responses)
    assert FAKE_VLLM_STATE["llm"].calls[0]["chat_template_kwargs"] == {"enable_thinking": False}


def test_vllm_a_failing_batch_is_retried_one_request_at_a_time(fake_vllm: types.ModuleType) -> None:
    model = _vllm()
    responses = model.generate([_request(_text(t)) for t in ("ok one", "POISON here", "ok two")])
    assert [r.ok for r in responses] == [True, False, True]
    assert responses[0].text == "answer: ok one" and responses[2].text == "answer: ok two"
    assert "prompt too long" in (responses[1].error or "") and responses[1].error.startswith("vllm error")  # type: ignore[union-attr]
    calls = FAKE_VLLM_STATE["llm"].calls
    assert [len(c["messages"]) for c in calls] == [3, 1, 1, 1]


def test_vllm_corrupt_image_fails_alone_without_reaching_the_engine(
    fake_vllm: types.ModuleType, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    model = _vllm()
    responses = model.generate(
        [_request(ImagePart(ref=MediaRef(path=str(bad))), _text("x")), _request(_text("fine"))]
    )
    assert not responses[0].ok and responses[0].error.startswith("media error")  # type: ignore[union-attr]
    assert "broken.png" in (responses[0].error or "")
    assert responses[1].text == "answer: fine"
    calls = FAKE_VLLM_STATE["llm"].calls
    assert len(calls) == 1 and len(calls[0]["messages"]) == 1

    # a batch with only bad media makes no engine call at all
    only_bad = model.generate([_request(ImagePart(ref=MediaRef(path=str(tmp_path / "missing.png"))))])
    assert only_bad[0].error.startswith("media error") and len(calls) == 1  # type: ignore[union-attr]


def test_vllm_more_images_than_the_limit_fail_alone(fake_vllm: types.ModuleType) -> None:
    model = _vllm(limit_images="2")
    responses = model.generate(
        [_request(VideoPart(ref=MediaRef(path=str(VIDEO)), num_frames=3)), _request(_text("ok"))]
    )
    assert "limit_images=2" in (responses[0].error or "") and "video frames" in (responses[0].error or "")
    assert responses[1].ok


def test_vllm_num_frames_fills_what_the_task_left_open(fake_vllm: types.ModuleType) -> None:
    model = _vllm(num_frames="6")
    open_part = VideoPart(ref=MediaRef(path=str(VIDEO)))
    model.adjust_media(open_part)
    assert open_part.num_frames == 6


def test_vllm_data_parallel_needs_a_launcher(fake_vllm: types.ModuleType) -> None:
    with pytest.raises(ConfigError, match="torchrun"):
        _vllm(data_parallel_size="2")


def test_vllm_under_torchrun_each_rank_sees_its_own_gpus(
    fake_vllm: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,5,6,7")
    monkeypatch.setenv("VLLM_WORKER_MULTIPROC_METHOD", "")
    monkeypatch.delenv("VLLM_WORKER_MULTIPROC_METHOD")
    model = _vllm(tensor_parallel_size="2", data_parallel_size="2")
    import os

    assert os.environ["CUDA_VISIBLE_DEVICES"] == "6,7" and model.rank_gpus == "6,7"
    assert os.environ["VLLM_WORKER_MULTIPROC_METHOD"] == "spawn"
    assert "data_parallel_size" not in FAKE_VLLM_STATE["llm"].kwargs

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES")
    _vllm()  # no list from the launcher: rank 1 with one GPU per rank takes GPU 1
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "1"

    monkeypatch.setenv("WORLD_SIZE", "4")
    with pytest.raises(ConfigError, match="started 4 processes"):
        _vllm(data_parallel_size="2")


def test_vllm_close_releases_the_engine(fake_vllm: types.ModuleType) -> None:
    model = _vllm()
    model.close()
    assert model.llm is None
    model.close()  # twice is harmless


def test_missing_packages_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` raise ImportError
    monkeypatch.setitem(sys.modules, "sglang", None)
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    with pytest.raises(ConfigError, match="pip install vllm") as vllm_err:
        _vllm()
    assert "CUDA" in str(vllm_err.value)
    with pytest.raises(ConfigError, match=r'pip install "sglang\[all\]"') as sglang_err:
        MODELS.get("sglang").from_args({"pretrained": "org/fake-model"})
    assert "CUDA" in str(sglang_err.value)


def test_unknown_argument_is_named(fake_vllm: types.ModuleType) -> None:
    with pytest.raises(ConfigError, match="tensor_parallel_size"):
        _vllm(tensor_parallel="2")


# ============================================================================================== sglang
def _sglang(monkeypatch: pytest.MonkeyPatch, qwen_dir: Path, engine: type = FakeEngine, **args: Any) -> Any:
    _fake_sglang(monkeypatch, engine)
    return MODELS.get("sglang").from_args({"pretrained": str(qwen_dir), **args})


def test_sglang_engine_gets_the_constructor_arguments(
    monkeypatch: pytest.MonkeyPatch, qwen_dir: Path
) -> None:
    _sglang(
        monkeypatch,
        qwen_dir,
        tensor_parallel_size="2",
        data_parallel_size="4",
        dtype="bfloat16",
        mem_fraction_static="0.8",
        context_length="8192",
        seed="11",
    )
    assert FAKE_SGLANG_STATE["engine"].kwargs == {
        "model_path": str(qwen_dir),
        "tp_size": 2,
        "dp_size": 4,
        "dtype": "bfloat16",
        "trust_remote_code": False,
        "mem_fraction_static": 0.8,
        "context_length": 8192,
        "random_seed": 11,
    }
    with pytest.raises(ConfigError, match="not both"):
        _sglang(monkeypatch, qwen_dir, tp_size="2", tensor_parallel_size="2")
    # under torchrun each rank's engine starts at its own first GPU
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    model = MODELS.get("sglang").from_args({"pretrained": str(qwen_dir), "tp_size": "2"})
    assert model.engine.kwargs["base_gpu_id"] == 2


def test_sglang_prompt_has_one_placeholder_per_image_in_order(
    monkeypatch: pytest.MonkeyPatch, qwen_dir: Path
) -> None:
    red, blue = _png((220, 10, 10)), _png((10, 10, 220))
    model = _sglang(monkeypatch, qwen_dir)
    requests = [
        _request(
            ImagePart(ref=MediaRef(data=red)), _text("left, then right:"), ImagePart(ref=MediaRef(data=blue))
        ),
        _request(_text("no image here")),
        _request(VideoPart(ref=MediaRef(path=str(VIDEO)), num_frames=3), _text("Which way?")),
    ]
    responses = model.generate(requests)
    assert all(r.ok for r in responses)
    calls = FAKE_SGLANG_STATE["engine"].calls
    # requests with images and text-only requests go in separate calls (SGLang reads the media list's shape)
    assert len(calls) == 2
    with_images = next(c for c in calls if c["image_data"] is not None)
    text_only = next(c for c in calls if c["image_data"] is None)

    two_images, video = with_images["prompt"]
    assert two_images.count(IMAGE_PAD) == 2
    assert two_images.index(IMAGE_PAD) < two_images.index("left, then right:") < two_images.rindex(IMAGE_PAD)
    assert two_images.endswith("<|im_start|>assistant\n"), "rendered with the generation prompt"
    assert [_decode_data_url(u)[1] for u in with_images["image_data"][0]] == [red, blue]
    assert video.count(IMAGE_PAD) == 3 and len(with_images["image_data"][1]) == 3, "a video is its frames"

    assert text_only["prompt"] == [
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nno image here"
        "<|im_end|>\n<|im_start|>assistant\n"
    ]
    assert responses[1].usage.input_tokens == len(text_only["prompt"][0])
    assert responses[0].finish_reason == "stop" and responses[0].usage.output_tokens == 2


def test_sglang_sampling_params_and_n_samples(monkeypatch: pytest.MonkeyPatch, qwen_dir: Path) -> None:
    model = _sglang(monkeypatch, qwen_dir)
    sampled = GenerationConfig(max_new_tokens=20, temperature=0.8, top_p=0.95, stop=["\n"], seed=3, n=2)
    greedy = GenerationConfig(max_new_tokens=8, seed=3)
    requests = [_request(_text("a"), gen=sampled), _request(_text("b"), gen=greedy)]
    responses = model.generate(requests)
    calls = FAKE_SGLANG_STATE["engine"].calls
    assert [c["sampling_params"] for c in calls] == [
        [{"max_new_tokens": 8, "temperature": 0.0}],
        [
            {
                "max_new_tokens": 20,
                "temperature": 0.8,
                "top_p": 0.95,
                "stop": ["\n"],
                "n": 2,
                "sampling_seed": request_seed(requests[0]),  # the request's own seed, from its doc and repeat
            }
        ],
    ]
    assert responses[0].texts == ["true", "sample 1"] and responses[0].usage.output_tokens == 4
    assert responses[1].text == "true" and responses[1].texts == []


def test_sglang_audio_goes_in_audio_data_or_fails_alone(
    monkeypatch: pytest.MonkeyPatch, qwen_dir: Path
) -> None:
    model = _sglang(monkeypatch, qwen_dir)
    model.generate([_request(AudioPart(ref=MediaRef(path=str(WAV))), _text("Which digit?"))])
    call = FAKE_SGLANG_STATE["engine"].calls[0]
    mime, data = _decode_data_url(call["audio_data"][0][0])
    assert (mime, data) == ("audio/wav", WAV.read_bytes())

    model = _sglang(monkeypatch, qwen_dir, engine=FakeEngineWithoutAudio)
    responses = model.generate(
        [_request(AudioPart(ref=MediaRef(path=str(WAV))), _text("Which digit?")), _request(_text("hi"))]
    )
    assert (
        responses[0].error
        == "sglang backend: audio not supported (this SGLang's Engine.generate has no audio_data)"
    )
    assert responses[1].ok


def test_sglang_a_failing_batch_is_retried_one_request_at_a_time(
    monkeypatch: pytest.MonkeyPatch, qwen_dir: Path, tmp_path: Path
) -> None:
    model = _sglang(monkeypatch, qwen_dir)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"garbage")
    responses = model.generate(
        [
            _request(_text("one")),
            _request(_text("POISON")),
            _request(_text("three")),
            _request(ImagePart(ref=MediaRef(path=str(bad)))),
        ]
    )
    assert [r.ok for r in responses] == [True, False, True, False]
    assert responses[1].error.startswith("sglang error: ValueError")  # type: ignore[union-attr]
    assert responses[3].error.startswith("media error")  # type: ignore[union-attr]
    assert [len(c["prompt"]) for c in FAKE_SGLANG_STATE["engine"].calls] == [3, 1, 1, 1]
    model.close()
    assert FAKE_SGLANG_STATE["engine"].shut and model.engine is None


# ====================================================================== through the real evaluation engine
def _evaluate(model: str, model_args: dict[str, Any], out: Path) -> Any:
    from lmms_eval.engine.config import RunConfig
    from lmms_eval.engine.evaluator import evaluate

    config = RunConfig(
        model=model,
        model_args=model_args,
        tasks=["nlvr_dev"],
        limit=4,
        output_path=str(out),
        prefetch_workers=2,
    )
    return evaluate(config)


def test_vllm_runs_a_bundled_task_through_the_engine(
    fake_vllm: types.ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(FakeLLM, "answer", staticmethod(lambda conv: "true"))
    outcome = _evaluate("vllm", {"pretrained": "org/fake-vlm"}, tmp_path)
    result = outcome.results.results["nlvr_dev"]
    assert (result.n_scored, result.n_errors) == (4, 0)
    calls = FAKE_VLLM_STATE["llm"].calls
    assert len(calls) == 1 and len(calls[0]["messages"]) == 4, "one batch of four"
    for conv in calls[0]["messages"]:
        parts = conv[-1]["content"]
        assert [p["type"] for p in parts] == ["image_url", "text"]
        assert _decode_data_url(parts[0]["image_url"]["url"])[0] == "image/png"
    assert all(
        p.kwargs["max_tokens"] == 8 and p.kwargs["temperature"] == 0 for p in calls[0]["sampling_params"]
    )


def test_sglang_runs_a_bundled_task_through_the_engine(
    monkeypatch: pytest.MonkeyPatch, qwen_dir: Path, tmp_path: Path
) -> None:
    _fake_sglang(monkeypatch)
    outcome = _evaluate("sglang", {"pretrained": str(qwen_dir)}, tmp_path)
    result = outcome.results.results["nlvr_dev"]
    assert (result.n_scored, result.n_errors) == (4, 0)
    (call,) = FAKE_SGLANG_STATE["engine"].calls
    assert len(call["prompt"]) == 4 and all(p.count(IMAGE_PAD) == 1 for p in call["prompt"])
    assert [len(images) for images in call["image_data"]] == [1, 1, 1, 1]
