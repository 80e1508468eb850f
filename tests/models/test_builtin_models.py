"""dummy is deterministic and configurable; replay maps (task, doc_id) to saved responses; args are strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lmms_eval.core.errors import ConfigError
from lmms_eval.core.types import Message, Request, TextPart
from lmms_eval.models.base import redact
from lmms_eval.models.dummy import DummyModel
from lmms_eval.models.replay import ReplayModel


def _req(text: str, key: str = "", task: str = "t", doc_id: str = "0") -> Request:
    return Request(
        messages=[Message(role="user", content=[TextPart(text=text)])], key=key, task=task, doc_id=doc_id
    )


def test_dummy_modes_are_deterministic() -> None:
    choice = DummyModel.from_args({"choices": "A|B|C"})
    answers = [r.text for r in choice.generate([_req("q", key=f"k{i}") for i in range(60)])]
    assert set(answers) == {"A", "B", "C"}
    assert answers == [r.text for r in choice.generate([_req("q", key=f"k{i}") for i in range(60)])]
    assert DummyModel.from_args({"mode": "echo"}).generate([_req("hello")])[0].text == "hello"
    assert DummyModel.from_args({"mode": "constant", "response": "B"}).generate([_req("x")])[0].text == "B"
    failing = DummyModel.from_args({"fail_rate": "1.0"}).generate([_req("x", key="k")])[0]
    assert failing.error and failing.text is None


def test_identity_excludes_runtime_args() -> None:
    a = DummyModel.from_args({"mode": "echo", "delay": "0.5"})
    b = DummyModel.from_args({"mode": "echo"})
    c = DummyModel.from_args({"mode": "constant"})
    assert a.identity_hash() == b.identity_hash() != c.identity_hash()


def test_unknown_and_invalid_args() -> None:
    with pytest.raises(ConfigError, match="Did you mean 'response'"):
        DummyModel.from_args({"respone": "x"})
    with pytest.raises(ConfigError, match="delay"):
        DummyModel.from_args({"delay": "soon"})


def test_replay(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"task": "t", "doc_id": "1", "response": "B"})
        + "\n"
        + json.dumps({"task": "t", "doc_id": "2", "error": "timeout"})
        + "\n"
    )
    model = ReplayModel.from_args({"path": str(path)})
    out = model.generate([_req("x", doc_id="1"), _req("x", doc_id="2"), _req("x", doc_id="3")])
    assert out[0].text == "B" and out[1].error == "timeout" and "no prediction" in (out[2].error or "")
    before = model.identity_hash()
    path.write_text(json.dumps({"task": "t", "doc_id": "1", "response": "C"}) + "\n")
    assert ReplayModel.from_args({"path": str(path)}).identity_hash() != before, (
        "new predictions, new cache keys"
    )
    path.write_text('{"task": "t"}\n')
    with pytest.raises(ConfigError, match="p.jsonl:1"):
        ReplayModel.from_args({"path": str(path)})


def test_redact() -> None:
    assert redact({"api_key": "sk-1", "base_url": "http://x", "auth_token": "t"}) == {
        "api_key": "***",
        "base_url": "http://x",
        "auth_token": "***",
    }
