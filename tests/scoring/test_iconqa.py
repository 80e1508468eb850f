"""IconQA prompt fields and reading (lmms_eval/scoring/iconqa.py). There is no official code to compare
with: IconQA's official evaluation (github.com/lupantech/IconQA@4b053f317e13bc75e77b3a32a68ffb79ad0c07db)
scores classifiers by accuracy and reads no free text, so these are cases by hand from that definition and
from lmms-eval 0.7.3's prompt fields (``choices.split(",")``, the two image options)."""

from __future__ import annotations

from lmms_eval.scoring import EXTRACTORS
from lmms_eval.scoring.iconqa import IMAGE_OPTIONS, prepare_docs

TXT = {"ques_type": "choose_txt", "choices": "4,6,8", "answer": "6", "query_image": {"bytes": b"q"}}
IMG = {"ques_type": "choose_img", "choices": "choice_0.png,choice_1.png", "answer": "choice_1.png"}
FILL = {"ques_type": "fill_in_blank", "choices": None, "answer": "7", "query_image": {"bytes": b"q"}}


def test_prepare_docs() -> None:
    txt, img, fill = prepare_docs(
        [TXT, {**IMG, "choice_image_0": {"bytes": b"0"}, "choice_image_1": None}, FILL]
    )
    assert (txt["options"], txt["target"], txt["images"]) == (["4", "6", "8"], "B", [{"bytes": b"q"}])
    assert (img["options"], img["target"], img["images"]) == (IMAGE_OPTIONS, "B", [{"bytes": b"0"}])
    assert (fill["options"], fill["target"]) == ([], "7")
    # 0.7.3's split keeps spaces; an answer outside the options, or a third image choice, has no letter
    (spaced,) = prepare_docs([{**TXT, "choices": "4, 6, 8", "answer": "6"}])
    assert spaced["options"] == ["4", " 6", " 8"] and spaced["target"] == ""
    (third,) = prepare_docs([{**IMG, "answer": "choice_2.png"}])
    assert third["target"] == ""


def test_reading() -> None:
    extract = EXTRACTORS.get("iconqa")
    txt, img, fill = prepare_docs([TXT, IMG, FILL])
    assert extract("B", txt) == "B"
    assert extract("The answer is (C).", txt) == "C"
    assert extract("6", txt) == "B"  # the option's text
    assert extract("The second image.", img) == "B"
    assert extract("I cannot tell", img) is None
    assert extract(" 7. ", fill) == "7"
    assert extract("seven", fill) == "seven"
