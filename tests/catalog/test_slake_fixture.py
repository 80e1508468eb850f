"""slake_en and slake_zh end to end: rows in the schema of BoKelvin/SLAKE's test.json (as the Hub's JSON
loader types them) in the mirror layout, their images laid out as imgs.zip extracts (``media/imgs/<img_name>``),
English and Chinese rows in one split (each task keeps its language), messy replayed answers, and accuracy
by hand under lmms-eval 0.7.3's normalization, overall and per answer type, modality and content type."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, write_split

from lmms_eval.tasks.validate import validate

STR, INT = datasets.Value("string"), datasets.Value("int64")
FEATURES = datasets.Features(
    {
        "img_id": INT, "img_name": STR, "question": STR, "answer": STR, "q_lang": STR, "location": STR,
        "modality": STR, "answer_type": STR, "base_type": STR, "content_type": STR,
        "triple": datasets.Sequence(STR), "qid": INT,
    }
)  # fmt: skip
# fmt: off
ROWS = [  # (qid, img, lang, question, answer, modality, answer_type, content_type, response, right)
    (11934, 1, "en", "What modality is used to take this image?", "MRI", "MRI", "OPEN", "Modality", "MRI.", True),
    (11935, 1, "en", "Does the picture contain liver?", "Yes", "MRI", "CLOSED", "Organ", "Yes, it does.", False),
    (11936, 2, "en", "Is this a CT image? ", "No", "X-Ray", "CLOSED", "Modality", " nope", True),
    (11937, 2, "en", "Which organ is abnormal?", "Left Lung", "X-Ray", "OPEN", "Abnormality", "left lung (upper)", True),
    (11938, 3, "en", "What is the shape of the kidney?", "Oval", "CT", "OPEN", "Shape", "round", False),
    (12000, 1, "zh", "这张图片是用什么方式拍摄的？", "核磁共振", "MRI", "OPEN", "Modality", "核磁共振。", True),
    (12001, 3, "zh", "图中包含肝脏吗？", "是", "CT", "CLOSED", "Organ", "是的", True),
    (12002, 2, "zh", "图片中有异常吗？", "否", "X-Ray", "CLOSED", "Abnormality", "有", False),
]
# fmt: on
PROMPTS = {"en": "\nAnswer the question using a single word or phrase.", "zh": "\n请用一个词或短语回答问题。"}


def _jpeg(color: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format="JPEG")
    return buf.getvalue()


def _write(root: Path) -> None:
    columns = {
        "img_id": [r[1] for r in ROWS],
        "img_name": [f"xmlab{r[1]}/source.jpg" for r in ROWS],
        "question": [r[3] for r in ROWS],
        "answer": [r[4] for r in ROWS],
        "q_lang": [r[2] for r in ROWS],
        "location": ["Abdomen"] * len(ROWS),
        "modality": [r[5] for r in ROWS],
        "answer_type": [r[6] for r in ROWS],
        "base_type": ["vqa"] * len(ROWS),
        "content_type": [r[7] for r in ROWS],
        "triple": [["vhead", "_", "_"]] * len(ROWS),
        "qid": [r[0] for r in ROWS],
    }
    write_split(root, "BoKelvin/SLAKE", "test", columns, FEATURES)
    for img, color in ((1, "red"), (2, "green"), (3, "blue")):
        file = root / "hf" / "BoKelvin/SLAKE" / "media" / "imgs" / f"xmlab{img}" / "source.jpg"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(_jpeg(color))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_slake_accuracy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    root = tmp_path / "root"
    _write(root)
    rows = [r for r in ROWS if r[2] == lang]
    task = f"slake_{lang}"
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(r[0]): r[8] for r in rows})
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (len(rows), len(rows), 0)
    assert [samples[str(r[0])]["scores"]["accuracy"] == 1.0 for r in rows] == [r[9] for r in rows]
    content = samples[str(rows[0][0])]["prompt"][0]["content"]
    assert [p["type"] for p in content] == ["image", "text"]
    assert content[1]["text"] == rows[0][3].strip() + PROMPTS[lang]
    if lang == "en":  # 3 of 5; OPEN 2/3, CLOSED 1/2; MRI 1/2, X-Ray 2/2, CT 0/1
        assert value(results, "accuracy") == pytest.approx(60.0)
        assert value(results, "accuracy", "answer_type", "OPEN") == pytest.approx(200 / 3)
        assert value(results, "accuracy", "answer_type", "CLOSED") == pytest.approx(50.0)
        assert value(results, "accuracy", "modality", "X-Ray") == pytest.approx(100.0)
        assert value(results, "accuracy", "modality", "CT") == pytest.approx(0.0)
        assert value(results, "accuracy", "content_type", "Modality") == pytest.approx(100.0)
        assert value(results, "accuracy", "content_type", "Organ") == pytest.approx(0.0)
    else:  # 2 of 3; CLOSED 1/2 ("有" folds to yes, the answer is no)
        assert value(results, "accuracy") == pytest.approx(200 / 3)
        assert value(results, "accuracy", "answer_type", "CLOSED") == pytest.approx(50.0)
        assert value(results, "accuracy", "content_type", "Abnormality") == pytest.approx(0.0)
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror"
    assert [f for f in report.findings if f.level == "error"] == []


#: the tasks the parametrized tests above run, by name (scripts/gen_tasks_doc.py reads the names here)
TASK_NAMES = (
    "slake_en",
    "slake_zh",
)


def test_the_parametrized_tasks_are_the_named_ones() -> None:
    assert sorted([f"slake_{lang}" for lang in ("en", "zh")]) == sorted(TASK_NAMES)
