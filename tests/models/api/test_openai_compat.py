"""openai_compat against the project's fault-injecting server on 127.0.0.1: answers, faults, retries,
Retry-After, the concurrency bound, media encoding, both HTTP clients."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from lmms_eval.core.types import (
    AudioPart,
    GenerationConfig,
    ImagePart,
    MediaRef,
    Message,
    Request,
    TextPart,
    VideoPart,
)
from lmms_eval.media.hashing import with_sha256
from lmms_eval.models.api.media import MediaSettings
from lmms_eval.models.api.openai_format import openai_messages
from lmms_eval.models.openai_compat import OpenAICompatModel

SAMPLE = Path(__file__).resolve().parents[3] / "lmms_eval" / "data" / "sample"
CLIENTS = ["builtin", "aiohttp"]


@pytest.fixture
def serve(fault_server: Any) -> Any:
    return fault_server


def model(url: str, **args: Any) -> OpenAICompatModel:
    raw = {"base_url": url, "model": "fault", "backoff_initial": "0.02", "backoff_max": "0.1", **args}
    m = OpenAICompatModel.from_args({k: str(v) for k, v in raw.items()})
    assert isinstance(m, OpenAICompatModel)
    return m


def text_requests(n: int, offset: int = 0) -> list[Request]:
    return [
        Request(messages=[Message(role="user", content=[TextPart(text=f"Item {i}. Reply with {i}")])], doc_id=str(i))
        for i in range(offset, offset + n)
    ]


@pytest.mark.parametrize("client", CLIENTS)
def test_every_answer_arrives_in_request_order(serve: Any, client: str) -> None:
    server, url = serve(latency=0.01, slots=8)
    m = model(url, num_concurrent=8, http_client=client)
    try:
        responses = m.generate(text_requests(60))
    finally:
        m.close()
    assert [r.text for r in responses] == [str(i) for i in range(60)]
    assert all(r.usage.output_tokens == 1 and r.finish_reason == "stop" for r in responses)
    assert server.counters.requests == 60 and server.counters.peak_in_flight <= 8
    assert m.stats.retries == 0 and m.stats.errors == 0


@pytest.mark.parametrize("client", CLIENTS)
def test_transient_faults_are_retried_until_answered(serve: Any, client: str) -> None:
    server, url = serve(fault_rate=0.3, faults=("429", "500", "drop", "slow"), retry_after=0.01, slow_s=2.0)
    m = model(url, num_concurrent=16, timeout=0.5, max_retries=8, http_client=client)
    try:
        responses = m.generate(text_requests(80))
    finally:
        m.close()
    assert [r.text for r in responses] == [str(i) for i in range(80)], [r.error for r in responses if not r.ok]
    c = server.counters
    assert set(c.faults) == {"429", "500", "drop", "slow"}
    # every fault cost one more request: a counted retry, or (a connection dropped before any byte of the
    # answer, on a reused kept-alive connection) a silent replay on a fresh connection
    assert c.answered == 80 and 0 < m.stats.retries <= c.requests - 80
    assert m.limiter.cuts >= 1  # 429s and timeouts cut the concurrency limit


def test_persistent_failures_become_errors_after_the_retry_budget(serve: Any) -> None:
    server, url = serve(persistent_rate=0.2)
    m = model(url, num_concurrent=8, max_retries=2)
    try:
        responses = m.generate(text_requests(50))
    finally:
        m.close()
    failing = {str(i) for i in range(50) if server.persistent_failure(str(i))}
    assert 3 <= len(failing) <= 20
    for i, r in enumerate(responses):
        if str(i) in failing:
            assert not r.ok and r.text is None
            assert "HTTP 500" in (r.error or "") and "gave up after 3 attempts" in (r.error or "")
            assert server.counters.attempts[str(i)] == 3
        else:
            assert r.text == str(i)
            assert server.counters.attempts[str(i)] == 1


def test_fatal_status_is_not_retried(serve: Any) -> None:
    server, url = serve()
    m = model(url.replace("/v1", "/nowhere"), max_retries=5)
    try:
        (r,) = m.generate(text_requests(1))
    finally:
        m.close()
    assert not r.ok and "HTTP 404" in (r.error or "")
    assert m.stats.retries == 0


def test_retry_after_is_honoured(serve: Any) -> None:
    server, url = serve(fault_rate=1.0, faults=("429",), retry_after=0.4)
    m = model(url, max_retries=1, backoff_initial=0)
    t0 = time.perf_counter()
    try:
        (r,) = m.generate(text_requests(1))
    finally:
        m.close()
    elapsed = time.perf_counter() - t0
    assert not r.ok and "HTTP 429" in (r.error or "") and "2 attempts" in (r.error or "")
    assert elapsed >= 0.4  # backoff_initial=0 would retry at once; the server asked for 0.4 s
    assert server.counters.requests == 2


def test_connection_refused_is_an_error_record_not_a_crash() -> None:
    m = model("http://127.0.0.1:9/v1", max_retries=1, timeout=2)
    try:
        (r,) = m.generate(text_requests(1))
    finally:
        m.close()
    assert not r.ok and "connection error" in (r.error or "")


def test_api_key_goes_in_a_header_and_not_in_the_identity(
    serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, url = serve()
    monkeypatch.setenv("MY_KEY", "sk-secret-123")
    m = model(url, api_key_env="MY_KEY")
    try:
        assert [r.text for r in m.generate(text_requests(3))] == ["0", "1", "2"]
    finally:
        m.close()
    assert server.counters.authorized == 3
    assert "sk-secret" not in json.dumps(m.identity())
    # runtime settings do not change the cache key; what the model sees does
    assert model(url, num_concurrent=3).identity_hash() == model(url, num_concurrent=64).identity_hash()
    assert model(url, image_max_side=512).identity_hash() != model(url).identity_hash()


def test_no_key_means_no_authorization_header(serve: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server, url = serve()
    m = model(url)
    try:
        m.generate(text_requests(2))
    finally:
        m.close()
    assert server.counters.authorized == 0


def _png(path: Path, size: tuple[int, int], color: tuple[int, int, int]) -> Path:
    Image.new("RGB", size, color).save(path)
    return path


def _image_part(path: Path) -> ImagePart:
    return ImagePart(ref=with_sha256(MediaRef(path=str(path))))


def _decode_data_url(url: str) -> Image.Image:
    header, data = url.split(",", 1)
    assert header.startswith("data:image/") and header.endswith(";base64")
    return Image.open(io.BytesIO(base64.b64decode(data)))


def test_images_pass_through_or_shrink_to_the_max_side(tmp_path: Path) -> None:
    small = _png(tmp_path / "small.png", (40, 30), (255, 0, 0))
    large = _png(tmp_path / "large.png", (300, 100), (0, 255, 0))
    request = Request(
        messages=[
            Message(role="system", content=[TextPart(text="Be brief.")]),
            Message(role="user", content=[_image_part(small), _image_part(large), TextPart(text="Which?")]),
        ]
    )
    messages = openai_messages(request, MediaSettings(image_max_side=150))
    assert messages[0] == {"role": "system", "content": "Be brief."}
    parts = messages[1]["content"]
    assert [p["type"] for p in parts] == ["image_url", "image_url", "text"]
    # small PNG: the file's own bytes, untouched
    assert base64.b64decode(parts[0]["image_url"]["url"].split(",", 1)[1]) == small.read_bytes()
    shrunk = _decode_data_url(parts[1]["image_url"]["url"])
    assert shrunk.size == (150, 50) and shrunk.getpixel((75, 25)) == (0, 255, 0)


def test_video_as_frames_or_as_a_file_and_audio_as_input_audio() -> None:
    video = next((SAMPLE / "synthetic_video" / "clips").glob("*.mp4"))
    audio = next((SAMPLE / "fsdd" / "recordings").glob("*.wav"))
    request = Request(
        messages=[
            Message(
                role="user",
                content=[
                    VideoPart(ref=with_sha256(MediaRef(path=str(video))), num_frames=4),
                    AudioPart(ref=with_sha256(MediaRef(path=str(audio)))),
                    TextPart(text="Describe."),
                ],
            )
        ]
    )
    frames = openai_messages(request, MediaSettings())[0]["content"]
    assert [p["type"] for p in frames] == ["image_url"] * 4 + ["input_audio", "text"]
    assert frames[4]["input_audio"]["format"] == "wav"
    assert base64.b64decode(frames[4]["input_audio"]["data"]) == audio.read_bytes()
    as_file = openai_messages(request, MediaSettings(), video_mode="video_url")[0]["content"]
    assert as_file[0]["type"] == "video_url"
    assert as_file[0]["video_url"]["url"].startswith("data:video/mp4;base64,")
    # resampling is asked for: decoded, resampled and written as 16 kHz WAV
    resampled = request.model_copy(deep=True)
    part = resampled.messages[0].content[1]
    assert isinstance(part, AudioPart)
    part.sampling_rate = 8000
    data = base64.b64decode(openai_messages(resampled, MediaSettings())[0]["content"][4]["input_audio"]["data"])
    import soundfile

    info = soundfile.info(io.BytesIO(data))
    assert info.samplerate == 8000 and info.channels == 1


def test_media_reaches_the_server_and_a_corrupt_file_is_that_samples_error(serve: Any, tmp_path: Path) -> None:
    server, url = serve()
    good = _png(tmp_path / "ok.png", (20, 20), (1, 2, 3))
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    requests = [
        Request(messages=[Message(role="user", content=[_image_part(p), TextPart(text=f"Reply with {i}")])])
        for i, p in enumerate([good, bad, good])
    ]
    m = model(url)
    try:
        responses = m.generate(requests)
    finally:
        m.close()
    assert responses[0].text == "0" and responses[2].text == "2"
    assert not responses[1].ok and "media error" in (responses[1].error or "") and "bad.png" in (responses[1].error or "")
    assert server.counters.parts["image_url"] == 2 and server.counters.requests == 2


def test_generation_settings_and_reasoning_models() -> None:
    gen = GenerationConfig(max_new_tokens=17, temperature=0.7, top_p=0.9, stop=["a", "b", "c", "d", "e"], seed=3)
    request = Request(messages=[Message(role="user", content=[TextPart(text="hi")])], generation=gen)
    plain = json.loads(model("http://127.0.0.1:1/v1").prepare(request))
    assert plain["max_tokens"] == 17 and plain["temperature"] == 0.7 and plain["top_p"] == 0.9
    assert plain["stop"] == ["a", "b", "c", "d"] and plain["seed"] == 3 and "n" not in plain
    reasoning = json.loads(model("http://127.0.0.1:1/v1", model="o3-mini", reasoning_effort="low").prepare(request))
    assert reasoning["max_completion_tokens"] == 17 and reasoning["reasoning_effort"] == "low"
    assert "temperature" not in reasoning and "top_p" not in reasoning and "max_tokens" not in reasoning
    extra = json.loads(model("http://127.0.0.1:1/v1", extra_body='{"top_k": 5}').prepare(request))
    assert extra["top_k"] == 5


def test_n_samples_come_back_as_texts(serve: Any) -> None:
    server, url = serve()
    request = text_requests(1)[0].model_copy(update={"generation": GenerationConfig(n=3, temperature=1.0)})
    m = model(url)
    try:
        (r,) = m.generate([request])
    finally:
        m.close()
    assert r.text == "0" and r.texts == ["0", "0", "0"]


def test_live_status_fields(serve: Any) -> None:
    server, url = serve()
    m = model(url, num_concurrent=5)
    try:
        m.generate(text_requests(5))
        status = m.live_status()
    finally:
        m.close()
    assert set(status) == {"in flight", "retries", "errors", "tok/s"}
    assert status["in flight"] == "0/5" and float(status["tok/s"]) > 0
