"""The SDK backends (``openai``, ``anthropic``, ``gemini``) through the real SDKs against servers on 127.0.0.1:
answers, transient and persistent faults, fatal statuses, media on the wire, keys, and the CLI end to end;
plus the Anthropic and Gemini request builders on their own."""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
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
)
from lmms_eval.media.hashing import with_sha256
from lmms_eval.models import MODELS
from lmms_eval.models.api.anthropic_format import (
    UnsupportedInput,
    accepts_sampling,
    anthropic_request,
    client_side_stops,
    parse_message,
)
from lmms_eval.models.api.gemini_format import gemini_request, parse_generate_content
from lmms_eval.models.api.media import MediaSettings
from lmms_eval.models.api.runner import APIModel

pytest.importorskip("openai")
pytest.importorskip("anthropic")
pytest.importorskip("google.genai")
#: google-genai subclasses aiohttp's ClientSession, which aiohttp warns about: the SDK's business, not ours
pytestmark = pytest.mark.filterwarnings("ignore:Inheritance class AiohttpClientSession:DeprecationWarning")

SAMPLE = Path(__file__).resolve().parents[3] / "lmms_eval" / "data" / "sample"
BACKENDS = ["openai", "anthropic", "gemini"]
KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY"}
#: how each protocol's image part is counted by the fault server (the SDK's own wire names)
IMAGE_PART = {"openai": "image_url", "anthropic": "image", "gemini": "inlineData"}


@pytest.fixture(autouse=True)
def _no_ambient_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDKs read keys and base URLs from the environment: none of the user's may leak into a test."""
    for name in (
        *KEY_ENV.values(),
        "GOOGLE_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "OPENAI_BASE_URL",
        "ANTHROPIC_BASE_URL",
        "GOOGLE_GEMINI_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def serve(fault_server: Any) -> Any:
    return fault_server


def base_url(backend: str, server_url: str) -> str:
    """The SDK's base URL for a server: OpenAI's includes /v1; Anthropic's and Gemini's SDKs add their own
    version path (/v1/messages, /v1beta/models/...)."""
    root = server_url.removesuffix("/v1")
    return server_url if backend == "openai" else root


def make(backend: str, url: str | None, **args: Any) -> APIModel:
    raw: dict[str, Any] = {"model": "fault", "backoff_initial": "0.01", "backoff_max": "0.05", **args}
    if url is not None:
        raw["base_url"] = url
    model = MODELS.get(backend).from_args({k: str(v) for k, v in raw.items()})
    assert isinstance(model, APIModel)
    return model


def text_requests(n: int) -> list[Request]:
    return [
        Request(
            messages=[
                Message(role="system", content=[TextPart(text="Answer briefly.")]),
                Message(role="user", content=[TextPart(text=f"Item {i}. Reply with {i}")]),
            ],
            doc_id=str(i),
        )
        for i in range(n)
    ]


def generate(model: APIModel, requests: list[Request]) -> list[Any]:
    try:
        return model.generate(requests)
    finally:
        model.close()


def _png(path: Path, size: tuple[int, int] = (24, 16), color: tuple[int, int, int] = (200, 10, 10)) -> Path:
    Image.new("RGB", size, color).save(path)
    return path


def _image(path: Path) -> ImagePart:
    return ImagePart(ref=with_sha256(MediaRef(path=str(path))))


# -- through the SDKs, against the fault server ----------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_plain_run_gets_every_answer(serve: Any, backend: str) -> None:
    server, url = serve(latency=0.005)
    model = make(backend, base_url(backend, url), num_concurrent=16)
    responses = generate(model, text_requests(40))
    assert [r.text for r in responses] == [str(i) for i in range(40)]
    assert all(r.usage.output_tokens == 1 and r.usage.input_tokens and r.finish_reason for r in responses)
    assert server.counters.requests == 40 and model.stats.retries == 0 and model.stats.errors == 0
    assert server.counters.authorized == 40  # a local server gets the placeholder key


@pytest.mark.parametrize("backend", BACKENDS)
def test_transient_faults_are_retried_by_the_runner_not_the_sdk(serve: Any, backend: str) -> None:
    server, url = serve(fault_rate=0.2, faults=("429", "500"), retry_after=0.05)
    model = make(backend, base_url(backend, url), max_retries=10)
    responses = generate(model, text_requests(40))
    assert [r.text for r in responses] == [str(i) for i in range(40)]
    faults = sum(server.counters.faults.values())
    assert server.counters.faults["429"] > 0 and server.counters.faults["500"] > 0
    # the SDK's own retries are off: every fault the server sent is one retry of the runner
    assert model.stats.retries == faults > 0
    assert server.counters.requests == 40 + faults
    assert model.limiter.cuts > 0  # 429 is congestion


@pytest.mark.parametrize("backend", BACKENDS)
def test_persistent_failures_become_errors_not_text(serve: Any, backend: str) -> None:
    server, url = serve(persistent_rate=0.2)
    model = make(backend, base_url(backend, url), max_retries=2)
    responses = generate(model, text_requests(40))
    failing = {i for i in range(40) if server.persistent_failure(str(i))}
    assert 0 < len(failing) < 40
    for i, r in enumerate(responses):
        if i in failing:
            assert r.text is None and not r.ok
            assert "HTTP 500" in (r.error or "") and "gave up after 3 attempts" in (r.error or "")
            assert server.counters.attempts[str(i)] == 3
        else:
            assert r.text == str(i) and server.counters.attempts[str(i)] == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_dropped_connections_and_slow_answers_are_retried(serve: Any, backend: str) -> None:
    server, url = serve(fault_rate=0.4, faults=("drop", "slow"), slow_s=2.0)
    model = make(backend, base_url(backend, url), max_retries=10, timeout=0.5)
    t0 = time.perf_counter()
    responses = generate(model, text_requests(20))
    assert [r.text for r in responses] == [str(i) for i in range(20)]
    assert server.counters.faults["drop"] > 0 and server.counters.faults["slow"] > 0
    assert model.stats.retries == sum(server.counters.faults.values())
    assert time.perf_counter() - t0 < 10


@pytest.mark.parametrize("backend", BACKENDS)
def test_image_reaches_the_server_in_the_protocols_format(serve: Any, backend: str, tmp_path: Path) -> None:
    server, url = serve()
    image = _image(_png(tmp_path / "red.png"))
    requests = [
        Request(messages=[Message(role="user", content=[image, TextPart(text=f"Reply with {i}")])])
        for i in range(3)
    ]
    responses = generate(make(backend, base_url(backend, url)), requests)
    assert [r.text for r in responses] == ["0", "1", "2"]
    assert server.counters.parts[IMAGE_PART[backend]] == 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_wrong_path_is_a_fatal_404_not_retried(serve: Any, backend: str) -> None:
    server, url = serve()
    model = make(backend, base_url(backend, url) + "/nowhere", max_retries=5)
    (r,) = generate(model, text_requests(1))
    assert not r.ok and "HTTP 404" in (r.error or "")
    assert model.stats.retries == 0 and server.counters.requests == 0  # the server routed nothing


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_refused_is_an_error_record(backend: str) -> None:
    model = make(
        backend, "http://127.0.0.1:9" + ("/v1" if backend == "openai" else ""), max_retries=1, timeout=5
    )
    (r,) = generate(model, text_requests(1))
    assert not r.ok and "connection error" in (r.error or "") and "2 attempts" in (r.error or "")


# -- what goes on the wire: a server that records each request and answers with a fixed status -----------
class Recorder:
    """A one-status HTTP server on 127.0.0.1 that keeps every request (path, headers, JSON body)."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorder.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw))
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def record() -> Iterator[Any]:
    started: list[Recorder] = []

    def start(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Recorder:
        started.append(Recorder(status, body, headers))
        return started[-1]

    yield start
    for r in started:
        r.close()


UNAUTHORIZED = {
    "openai": {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}},
    "anthropic": {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}},
    "gemini": {"error": {"code": 401, "message": "API key not valid", "status": "UNAUTHENTICATED"}},
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_401_is_fatal_and_the_request_is_in_the_protocols_shape(
    record: Any, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = record(401, UNAUTHORIZED[backend])
    monkeypatch.setenv("SDK_TEST_KEY", "sk-test-secret-42")
    png = _png(tmp_path / "p.png")
    gen = GenerationConfig(max_new_tokens=9, temperature=0.5, top_p=0.8, stop=["END"], seed=4)
    request = Request(
        messages=[
            Message(role="system", content=[TextPart(text="Be terse.")]),
            Message(role="user", content=[_image(png), TextPart(text="Reply with 1")]),
        ],
        generation=gen,
    )
    url = server.url + ("/v1" if backend == "openai" else "")
    model = make(backend, url, api_key_env="SDK_TEST_KEY", max_retries=5)
    (r,) = generate(model, [request])
    assert not r.ok and "HTTP 401" in (r.error or "") and "sk-test-secret" not in (r.error or "")
    assert model.stats.retries == 0 and len(server.requests) == 1
    path, headers, body = server.requests[0]
    b64 = base64.b64encode(png.read_bytes()).decode()
    if backend == "openai":
        assert path == "/v1/chat/completions" and headers["authorization"] == "Bearer sk-test-secret-42"
        assert body["messages"][0] == {"role": "system", "content": "Be terse."}
        assert body["messages"][1]["content"][0] == {
            "type": "image_url",
            "image_url": {"url": f"data:image/png;base64,{b64}"},
        }
        assert body["max_tokens"] == 9 and body["temperature"] == 0.5 and body["stop"] == ["END"]
        assert body["seed"] == 4
    elif backend == "anthropic":
        # anthropic 2.x sends the key as a bearer token (1.x used x-api-key)
        key = headers.get("x-api-key") or headers["authorization"].removeprefix("Bearer ")
        assert path == "/v1/messages" and key == "sk-test-secret-42"
        assert body["system"] == "Be terse." and [m["role"] for m in body["messages"]] == ["user"]
        assert body["messages"][0]["content"][0] == {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": b64},
        }
        assert body["max_tokens"] == 9 and body["stop_sequences"] == ["END"]
        assert body["temperature"] == 0.5 and body["top_p"] == 0.8
    else:
        # google-genai 3.x defaults to the v1 API (earlier versions: v1beta)
        assert (
            path.endswith("/models/fault:generateContent")
            and headers["x-goog-api-key"] == "sk-test-secret-42"
        )
        assert body["systemInstruction"]["parts"] == [{"text": "Be terse."}]
        assert body["contents"][0]["role"] == "user"
        # the bytes are base64-encoded once; google-genai 3.x leaves nested names in snake_case (the API's
        # JSON parser takes both spellings)
        inline = body["contents"][0]["parts"][0]["inlineData"]
        assert inline["data"] == b64 and (inline.get("mimeType") or inline.get("mime_type")) == "image/png"
        config = body["generationConfig"]
        assert config["maxOutputTokens"] == 9 and config["temperature"] == 0.5 and config["topP"] == 0.8
        assert config["stopSequences"] == ["END"] and config["seed"] == 4


def test_anthropic_529_overloaded_is_retried_as_congestion(record: Any) -> None:
    server = record(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    model = make("anthropic", server.url, max_retries=2)
    (r,) = generate(model, text_requests(1))
    assert not r.ok and "HTTP 529" in (r.error or "") and "gave up after 3 attempts" in (r.error or "")
    assert len(server.requests) == 3 and model.stats.retries == 2 and model.limiter.cuts >= 1


def test_anthropic_audio_is_a_clear_per_request_error(serve: Any) -> None:
    server, url = serve()
    audio = AudioPart(
        ref=with_sha256(MediaRef(path=str(next((SAMPLE / "fsdd" / "recordings").glob("*.wav")))))
    )
    requests = [
        Request(messages=[Message(role="user", content=[audio, TextPart(text="Reply with 0")])]),
        *text_requests(2)[1:],
    ]
    responses = generate(make("anthropic", base_url("anthropic", url)), requests)
    assert responses[0].error == "anthropic: audio input is not supported by the Messages API"
    assert responses[1].text == "1" and server.counters.requests == 1


def test_sdk_extras_reach_the_server(record: Any) -> None:
    openai_server = record(401, UNAUTHORIZED["openai"])
    generate(make("openai", openai_server.url + "/v1", model="o3-mini", reasoning_effort="low",
                  extra_body='{"service_tier": "flex"}'), text_requests(1))  # fmt: skip
    body = openai_server.requests[0][2]
    assert body["reasoning_effort"] == "low" and body["service_tier"] == "flex"
    assert body["max_completion_tokens"] == 256 and "temperature" not in body and "max_tokens" not in body

    anthropic_server = record(401, UNAUTHORIZED["anthropic"])
    generate(make("anthropic", anthropic_server.url, model="claude-opus-4-7", extra_body='{"top_k": 3}'),
             text_requests(1))  # fmt: skip
    body = anthropic_server.requests[0][2]
    assert "temperature" not in body and body["top_k"] == 3 and body["model"] == "claude-opus-4-7"

    gemini_server = record(401, UNAUTHORIZED["gemini"])
    generate(make("gemini", gemini_server.url, thinking_budget=0), text_requests(1))
    # the SDK passes this nested config through in snake_case, which the API's JSON parser accepts too
    thinking = gemini_server.requests[0][2]["generationConfig"]["thinkingConfig"]
    assert thinking in ({"thinkingBudget": 0}, {"thinking_budget": 0})


# -- keys and packages -----------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_missing_key_is_a_config_error_naming_the_variable(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match=KEY_ENV[backend]):
        make(backend, None)
    with pytest.raises(ConfigError, match="MY_OWN_KEY"):
        make(backend, "https://api.example.com", api_key_env="MY_OWN_KEY")
    make(backend, "http://localhost:8000").close()  # a local server needs none
    monkeypatch.setenv(KEY_ENV[backend], "sk-from-env")
    model = make(backend, None)
    assert "sk-from-env" not in json.dumps(model.identity()) and "sk-from-env" not in repr(model.args)
    assert make(backend, None, num_concurrent=3).identity_hash() == model.identity_hash()


@pytest.mark.parametrize(
    ("backend", "module", "extra"),
    [
        ("openai", "openai", "openai"),
        ("anthropic", "anthropic", "anthropic"),
        ("gemini", "google.genai", "gemini"),
    ],
)
def test_a_missing_sdk_is_a_config_error_naming_the_extra(
    backend: str, module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ConfigError, match=rf"pip install 'lmms_eval\[{extra}\]'"):
        make(backend, "http://127.0.0.1:1")


# -- the request builders on their own --------------------------------------------------------------------
def _media_request(tmp_path: Path, *, audio: bool = False, n: int = 1) -> Request:
    video = next((SAMPLE / "synthetic_video" / "clips").glob("*.mp4"))
    wav = next((SAMPLE / "fsdd" / "recordings").glob("*.wav"))
    content: list[Any] = [
        _image(_png(tmp_path / "a.png")),
        VideoPart(ref=with_sha256(MediaRef(path=str(video))), num_frames=3),
        TextPart(text=""),
        TextPart(text="What is shown?"),
    ]
    if audio:
        content.insert(2, AudioPart(ref=with_sha256(MediaRef(path=str(wav)))))
    return Request(
        messages=[
            Message(role="system", content=[TextPart(text="Rule one.")]),
            Message(role="system", content=[TextPart(text="Rule two.")]),
            Message(role="user", content=[TextPart(text="Hi")]),
            Message(role="assistant", content=[TextPart(text="Hello")]),
            Message(role="user", content=content),
        ],
        generation=GenerationConfig(
            max_new_tokens=33, temperature=0.2, top_p=0.9, stop=list("abcdef"), seed=11, n=n
        ),
    )


def test_anthropic_request_shape(tmp_path: Path) -> None:
    request = _media_request(tmp_path)
    body = anthropic_request(request, "claude-x", MediaSettings())
    assert body["system"] == "Rule one.\n\nRule two."
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][0]["content"] == "Hi"
    blocks = body["messages"][2]["content"]
    assert [b["type"] for b in blocks] == ["image"] * 4 + [
        "text"
    ]  # 1 image + 3 frames; the empty text dropped
    assert blocks[0]["source"]["media_type"] == "image/png" and blocks[0]["source"]["type"] == "base64"
    assert base64.b64decode(blocks[0]["source"]["data"]) == (tmp_path / "a.png").read_bytes()
    assert blocks[-1] == {"type": "text", "text": "What is shown?"}
    assert body["max_tokens"] == 33 and body["stop_sequences"] == list("abcdef")
    assert body["temperature"] == 0.2 and body["top_p"] == 0.9 and "seed" not in body
    quiet = anthropic_request(request, "claude-x", MediaSettings(), sampling=False)
    assert "temperature" not in quiet and "top_p" not in quiet
    assert not accepts_sampling("claude-opus-4-7") and accepts_sampling("claude-sonnet-4-5")
    with pytest.raises(UnsupportedInput, match="audio input is not supported"):
        anthropic_request(_media_request(tmp_path, audio=True), "claude-x", MediaSettings())
    with pytest.raises(UnsupportedInput, match="n=2"):
        anthropic_request(_media_request(tmp_path, n=2), "claude-x", MediaSettings())


def test_anthropic_answer_parsing() -> None:
    answer = {
        "content": [
            {"type": "thinking", "thinking": "hmm", "signature": "x"},
            {"type": "text", "text": "The answer "},
            {"type": "text", "text": "is 4."},
        ],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 12, "output_tokens": 5},
    }
    r = parse_message(answer, 0.5)
    assert r.text == "The answer is 4." and r.finish_reason == "end_turn" and r.latency_s == 0.5
    assert r.usage.input_tokens == 12 and r.usage.output_tokens == 5
    assert parse_message({"content": [], "stop_reason": "refusal"}, 0.1).text == ""
    # whitespace-only stop strings (which the API refuses) are applied to the answer instead
    request = Request(
        messages=[Message(role="user", content=[TextPart(text="hi")])],
        generation=GenerationConfig(stop=["\n\n", "END", " ", ""]),
    )
    assert anthropic_request(request, "claude-x", MediaSettings())["stop_sequences"] == ["END"]
    assert client_side_stops(request) == ["\n\n", " "]
    cut = parse_message({"content": [{"type": "text", "text": "4\n\nBecause 2+2 is 4"}]}, 0.1, ["\n\n", " "])
    assert cut.text == "4" and cut.finish_reason == "stop_sequence"


def test_gemini_request_shape(tmp_path: Path) -> None:
    request = _media_request(tmp_path, audio=True, n=2)
    contents, config = gemini_request(request, MediaSettings())
    assert config["system_instruction"] == "Rule one.\n\nRule two."
    assert [c["role"] for c in contents] == ["user", "model", "user"]
    assert contents[0]["parts"] == [{"text": "Hi"}] and contents[1]["parts"] == [{"text": "Hello"}]
    parts = contents[2]["parts"]
    mimes = [p["inline_data"]["mime_type"] for p in parts if "inline_data" in p]
    assert mimes == ["image/png"] + ["image/png"] * 3 + ["audio/wav"]
    assert base64.b64decode(parts[0]["inline_data"]["data"]) == (tmp_path / "a.png").read_bytes()
    assert parts[-1] == {"text": "What is shown?"} and {"text": ""} not in parts
    assert config == {
        "system_instruction": "Rule one.\n\nRule two.",
        "max_output_tokens": 33,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop_sequences": list("abcde"),
        "seed": 11,
        "candidate_count": 2,
    }
    whole, _ = gemini_request(request, MediaSettings(), video_mode="file")
    video = next((SAMPLE / "synthetic_video" / "clips").glob("*.mp4"))
    file_part = whole[2]["parts"][1]["inline_data"]
    assert file_part["mime_type"] == "video/mp4" and base64.b64decode(file_part["data"]) == video.read_bytes()
    assert len(whole[2]["parts"]) == len(parts) - 2  # one file part instead of three frames


def test_gemini_answer_parsing() -> None:
    answer = {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": "thinking...", "thought": True}, {"text": "A"}]},
             "finish_reason": "STOP"},
            {"content": {"role": "model", "parts": [{"text": "B"}, {"text": "!"}]}, "finish_reason": "STOP"},
        ],
        "usage_metadata": {"prompt_token_count": 7, "candidates_token_count": 3, "thoughts_token_count": 20},
    }  # fmt: skip
    r = parse_generate_content(answer, 0.2)
    assert r.text == "A" and r.texts == ["A", "B!"] and r.finish_reason == "STOP"
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.reasoning_tokens) == (7, 3, 20)
    blocked = parse_generate_content({"candidates": [], "prompt_feedback": {"block_reason": "SAFETY"}}, 0.1)
    assert blocked.text == "" and blocked.finish_reason == "SAFETY"


# -- the CLI end to end ---------------------------------------------------------------------------------
def _reply_task(folder: Path, n: int = 12) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "reply_qa.jsonl").open("w") as fh:
        for i in range(n):
            fh.write(
                json.dumps({"qid": f"q{i}", "question": f"Item {i}. Reply with {i}", "answer": str(i)}) + "\n"
            )
    (folder / "reply_qa.yaml").write_text(
        """task: reply_qa
dataset:
  local: {path: ./reply_qa.jsonl}
doc_id: qid
prompt:
  user:
    - text: "{{ question }}"
target: "{{ answer }}"
generation: {max_new_tokens: 8}
extractor: number
metrics:
  - {name: accuracy}
"""
    )
    return folder


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_end_to_end_keeps_the_key_out_of_the_outputs(serve: Any, backend: str, tmp_path: Path) -> None:
    server, url = serve(fault_rate=0.1, faults=("429",), retry_after=0.02)
    tasks, out = _reply_task(tmp_path / "tasks"), tmp_path / "out"
    secret = f"sk-cli-{backend}-7f3a9c"
    proc = run_cli(
        "run", "--model", backend,
        "--model_args", f"model=fault,base_url={base_url(backend, url)},backoff_initial=0.01",
        "--tasks", "reply_qa", "--include_path", str(tasks), "--output_path", str(out),
        env={KEY_ENV[backend]: secret},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(next(out.rglob("results.json")).read_text())
    task = results["results"]["reply_qa"]
    assert task["metrics"]["accuracy"]["value"] == 1.0 and task["n_errors"] == 0
    assert server.counters.authorized == server.counters.requests >= 12
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert secret.encode() not in path.read_bytes(), f"the API key leaked into {path}"
    assert secret not in proc.stdout and secret not in proc.stderr
