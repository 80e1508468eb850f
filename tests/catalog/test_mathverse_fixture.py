"""mathverse_testmini and mathverse_testmini_text_only end to end: rows in the schema of
CaraJ/MathVerse-lmmseval (configs testmini and testmini_text_only) in the mirror layout, built from real
problems of the MathVerse repository's data/testmini_text_only.json (for the testmini config each given one
of the five diagram versions, with a tiny generated image), messy replayed answers, and the quick_match
score (the official quick_match rule on the stripped response; not the official MathVerse score) by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hub_fixture import datasets, image, replay, value, write_split

STR = datasets.Value("string")
META = {"split": STR, "source": STR, "subject": STR, "subfield": STR}
COLUMNS = ["sample_index", "problem_index", "problem_version", "question", "answer", "question_type"]

MC_Q = (
    "As shown in the figure, in triangle ABC, it is known that angle A = 80.0, angle B = 60.0, point D is on AB "
    "and point E is on AC, DE parallel BC, then the size of angle CED is ()\nChoices:\nA:40°\nB:60°\nC:120°\nD:140°"
)
MC_HINT = (
    "Please directly answer the question and provide the correct option letter, e.g., A, B, C, D.\nQuestion: "
)
FF_HINT = "Please directly answer the question and provide the final value, e.g., 1, 2.5, 300.\nQuestion: "
Q327 = (
    "During a rescue search, a helicopter flew b kilometres west from point X to point Y, then changed course and "
    "flew 10.7 kilometres north to point Z. If point Z is on a bearing of 335° T from point X:\n\nNow, if the "
    "distance that the helicopter must fly between point Z and point X is d kilometres, calculate d to one decimal place."
)
Q328 = (
    "Three television presenters are practising their navigation skills before heading off on an expedition to a "
    "remote location. Amelia at point B is positioned 17.6 metres south of Ned at point A. Bart at point C is due "
    "east of Amelia and on a bearing of S 38^\\circ E from Ned. If Ned and Bart are d metres apart, find d to one "
    "decimal place."
)
Q474 = (
    "There are two points at -2 and 1 on the number line. Write the set of numbers represented on the number line "
    "in interval notation.\n"
)
Q635 = "Consider a cone with slant height 13m and perpendicular height 12m.\n\nHence, find the length of the diameter of the cone's base."


def _meta(source: str, subject: str, subfield: str) -> dict[str, str]:
    return {"split": "testmini", "source": source, "subject": subject, "subfield": subfield}


# (sample_index, version, question, answer, question_type, metadata, query hint, response, quick_match)
ROWS = [
    ("1", "Text Dominant", MC_Q, "D", "multi-choice", _meta("GeoQA", "Plane Geometry", "Angle"), MC_HINT, " D\n", 1.0),
    ("327", "Text Lite", Q327, "11.8", "free-form", _meta("Geo2D_collected", "Plane Geometry", "Applied"), FF_HINT,
     "11.8.", 0.0),  # not exactly the answer
    ("474", "Vision Intensive", Q474, "(-2,1]", "free-form", _meta("Functions_collected", "Functions", "Expression"),
     FF_HINT, "(-2,1]", 1.0),
    ("635", "Vision Dominant", Q635, "diameter $=10 \\mathrm{~m}$", "free-form",
     _meta("Geo3D_collected", "Solid Geometry", "Length"), FF_HINT, "10 m", 0.0),  # the judge would accept it
    ("328", "Vision Only", Q328, "22.3", "free-form", _meta("Geo2D_collected", "Plane Geometry", "Applied"), FF_HINT,
     "Extracted Answer: 22.3", 1.0),  # the official post-processing of an extraction removes the prefix
]  # fmt: skip


def _columns(rows: list[tuple[Any, ...]], images: list[Any]) -> dict[str, list[Any]]:
    return {
        "sample_index": [r[0] for r in rows], "problem_index": [r[0] for r in rows],
        "problem_version": [r[1] for r in rows], "question": [r[2] for r in rows], "image": images,
        "answer": [r[3] for r in rows], "question_type": [r[4] for r in rows], "metadata": [r[5] for r in rows],
        "query_wo": [r[6] + r[2] for r in rows], "query_cot": [r[6] + r[2] for r in rows],
        "question_for_eval": [r[2] for r in rows],
    }  # fmt: skip


def _features(image_type: Any) -> Any:
    return datasets.Features(
        {
            **{c: STR for c in COLUMNS},
            "image": image_type,
            "metadata": META,
            "query_wo": STR,
            "query_cot": STR,
            "question_for_eval": STR,
        }  # fmt: skip
    )


def test_mathverse_testmini_quick_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    images = [image(c) for c in ("red", "green", "blue", "white", "black")]
    path = "CaraJ/MathVerse-lmmseval"
    write_split(
        root, path, "testmini", _columns(ROWS, images), _features(datasets.Image()), config="testmini"
    )
    results, samples = replay(tmp_path, monkeypatch, "mathverse_testmini", root, {r[0]: r[7] for r in ROWS})
    assert (results["n_docs"], results["n_scored"]) == (5, 5)
    assert [samples[r[0]]["scores"]["quick_match"] for r in ROWS] == [r[8] for r in ROWS]
    assert value(results, "quick_match") == pytest.approx(60.0)
    for r in ROWS:
        assert value(results, "quick_match", "problem_version", r[1]) == pytest.approx(100 * r[8])
    assert value(results, "quick_match", "subject", "Plane Geometry") == pytest.approx(100 * 2 / 3)
    assert value(results, "quick_match", "subject", "Solid Geometry") == pytest.approx(0.0)
    assert value(results, "quick_match", "subfield", "Applied") == pytest.approx(50.0)
    (message,) = samples["474"]["prompt"]  # 0.7.3's prompt: query_wo, stripped
    assert [p["type"] for p in message["content"]] == ["image", "text"]
    assert message["content"][-1]["text"] == FF_HINT + Q474.strip()


VERSIONS = {  # task -> (split of config testmini_version_split, problem_version)
    "mathverse_testmini_text_lite": ("text_lite", "Text Lite"),
    "mathverse_testmini_text_dominant": ("text_dominant", "Text Dominant"),
    "mathverse_testmini_vision_intensive": ("vision_intensive", "Vision Intensive"),
    "mathverse_testmini_vision_dominant": ("vision_dominant", "Vision Dominant"),
    "mathverse_testmini_vision_only": ("vision_only", "Vision Only"),
}


@pytest.mark.parametrize("task", list(VERSIONS))
def test_mathverse_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str) -> None:
    root = tmp_path / "root"
    split, version = VERSIONS[task]
    rows = [(r[0], version, *r[2:]) for r in ROWS]
    images = [image(c) for c in ("red", "green", "blue", "white", "black")]
    config = "testmini_version_split"
    write_split(
        root, "CaraJ/MathVerse-lmmseval", split, _columns(rows, images), _features(datasets.Image()), config
    )
    results, samples = replay(tmp_path, monkeypatch, task, root, {r[0]: r[7] for r in rows})
    assert [samples[r[0]]["scores"]["quick_match"] for r in rows] == [r[8] for r in rows]
    assert value(results, "quick_match") == pytest.approx(60.0)
    assert value(results, "quick_match", "subfield", "Applied") == pytest.approx(50.0)
    (message,) = samples["1"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["image", "text"]


def test_mathverse_text_only_has_no_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    rows = [(r[0], "Text Only", *r[2:]) for r in ROWS[:2]]
    write_split(root, "CaraJ/MathVerse-lmmseval", "text_only", _columns(rows, ["", ""]), _features(STR),
                config="testmini_text_only")  # fmt: skip
    task = "mathverse_testmini_text_only"
    results, samples = replay(tmp_path, monkeypatch, task, root, {"1": "D", "327": "The answer is 11.8"})
    assert value(results, "quick_match") == pytest.approx(50.0)
    (message,) = samples["1"]["prompt"]
    assert [p["type"] for p in message["content"]] == ["text"]
    assert message["content"][0]["text"] == MC_HINT + MC_Q
