"""The Hugging Face source, exercised offline on a local copy with MathVision's schema (Image column)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

datasets = pytest.importorskip("datasets")


def _make_local_hub_copy(root: Path) -> None:
    from PIL import Image

    def png(color: str) -> bytes:
        buf = io.BytesIO()
        Image.new("RGB", (8, 8), color).save(buf, format="PNG")
        return buf.getvalue()

    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "question": datasets.Value("string"),
            "options": datasets.Sequence(datasets.Value("string")),
            "image": datasets.Value("string"),
            "decoded_image": datasets.Image(),
            "answer": datasets.Value("string"),
            "solution": datasets.Value("string"),
            "level": datasets.Value("int64"),
            "subject": datasets.Value("string"),
        }
    )
    rows = {
        "id": ["1", "2"],
        "question": ["How many?\n<image1>", "Which one?\n<image1>"],
        "options": [[], ["A", "B", "C", "D", "E"]],
        "image": ["images/1.jpg", "images/2.jpg"],
        "decoded_image": [{"bytes": png("red"), "path": None}, {"bytes": png("blue"), "path": None}],
        "answer": ["3", "B"],
        "solution": ["", ""],
        "level": [1, 2],
        "subject": ["counting", "logic"],
    }
    (root / "data").mkdir(parents=True)
    datasets.Dataset.from_dict(rows, features=features).to_parquet(
        str(root / "data" / "testmini-00000-of-00001.parquet")
    )


def test_hub_task_over_local_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    _make_local_hub_copy(tmp_path / "MathVision")
    from lmms_eval.core.types import ImagePart
    from lmms_eval.engine.execute import decode_request
    from lmms_eval.engine.plan import plan_task
    from lmms_eval.tasks.index import CATALOG_DIR
    from lmms_eval.tasks.spec import TaskSpec
    from lmms_eval.tasks.task import Task
    from lmms_eval.tasks.yaml_loader import parse_spec

    path = CATALOG_DIR / "mathvision" / "mathvision_testmini.yaml"  # a hub task (local fallback absent here)
    spec = parse_spec(path)
    assert isinstance(spec, TaskSpec) and spec.dataset.hub is not None
    spec.dataset.hub.path = str(tmp_path / "MathVision")  # the real loader, pointed at the local copy
    task = Task(spec, path, tmp_path)
    assert [d.id for d in task.docs()] == ["1", "2"]
    samples = plan_task(
        task, model_identity={"m": 1}, family=None, limit=None, num_fewshot=None, gen_kwargs={}, workers=1
    )
    image = samples[0].request.messages[0].content[0]
    assert isinstance(image, ImagePart) and image.ref.data is not None and image.ref.sha256
    assert samples[0].request.key != samples[1].request.key
    assert decode_request(samples[1].request) is None
    assert image.ref.sha256 != samples[1].request.messages[0].content[0].ref.sha256  # type: ignore[union-attr]
    decoded = samples[1].request.messages[0].content[0].decoded  # type: ignore[union-attr]
    assert decoded.size == (8, 8) and decoded.getpixel((0, 0)) == (0, 0, 255)
    assert task.fingerprint
