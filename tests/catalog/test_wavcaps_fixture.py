"""wavcaps end to end: rows in the schema of AudioLLMs/wavcaps_test (test: context Audio, instruction,
answer; AudioBench's layout), tiny generated WAV clips, messy replayed captions, and the corpus caption
metrics.

The expected values are outputs of the official pycocoevalcap 1.2 (github.com/salaniz/pycocoevalcap at
ad63453, run outside the repository in lmms-eval 0.7.3's installation, with Java): ``PTBTokenizer`` on the
four references (one call) and on the four responses (another), then ``Bleu(4)``, ``Meteor()``, ``Rouge()``
and ``Cider()``. METEOR needs Java and the jar; without them it has no value.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.scoring.captions.meteor import meteor_available
from lmms_eval.tasks.validate import validate

REPO = "AudioLLMs/wavcaps_test"
STR = datasets.Value("string")
FEATURES = datasets.Features(
    {"context": datasets.Audio(sampling_rate=16000), "instruction": STR, "answer": STR}
)
ROWS = [  # (instruction, reference, response)
    ("Describe the audio.", "A dog barks repeatedly while cars pass by in the background.",
     "A dog is barking and some cars pass by."),
    ("What can be heard in this clip?", "Rain falls steadily on a metal roof.", "The sound of HEAVY rain on a roof!!"),
    ("Describe the audio.", "A man speaks while birds chirp.",
     "In this audio clip, we can hear a man talking.\nBirds are chirping too."),
    ("Please caption the sound.", "An engine idles and then revs up loudly.", "engine"),
]  # fmt: skip
OFFICIAL = {
    "Bleu_1": 0.39393939392745647,
    "Bleu_2": 0.26061578071476066,
    "Bleu_3": 0.13772391414310423,
    "Bleu_4": 1.835798703055554e-05,
    "METEOR": 0.19303596579845672,
    "ROUGE_L": 0.38022086230929525,
    "CIDEr": 1.1065830026329466,
}


def test_wavcaps_scores_as_pycocoevalcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    columns = {
        "context": [{"bytes": wav(hz=220.0 * (i + 1)), "path": None} for i in range(len(ROWS))],
        "instruction": [r[0] for r in ROWS],
        "answer": [r[1] for r in ROWS],
    }
    write_audio_split(root, REPO, "test", columns, FEATURES)
    (report,) = validate(["wavcaps"], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []
    results, samples = replay(
        tmp_path, monkeypatch, "wavcaps", root, {str(i): r[2] for i, r in enumerate(ROWS)}
    )
    assert (results["n_docs"], results["n_scored"], results["n_errors"]) == (4, 4, 0)
    for key, expected in OFFICIAL.items():
        if key == "METEOR" and not meteor_available():
            assert results["metrics"][key]["value"] is None  # skipped, never approximated
            continue
        assert value(results, key) == pytest.approx(expected, abs=1e-9), key
    prompt = samples["1"]["prompt"][0]["content"]
    assert [p["type"] for p in prompt] == ["audio", "text"]
    assert prompt[1]["text"] == "What can be heard in this clip?"
