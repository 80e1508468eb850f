"""CoVoST 2 end to end: rows in the columns lmms-eval 0.7.3 reads from lmms-lab-audio/covost2_en-zh (its default
config: audio, translation) and lmms-lab-audio/covost2 (zh_en: audio, gt) with tiny generated WAV clips (each
its own tone: the prompts are otherwise identical), messy replayed translations, and the corpus BLEU of the split
computed by sacreBLEU's corpus_bleu directly on the stripped responses (n-gram counts pooled over sentences,
not a mean of sentence scores)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sacrebleu
from hub_fixture import datasets, replay, value, wav, write_audio_split

from lmms_eval.tasks.validate import validate

STR = datasets.Value("string")
EN_ZH = [  # (reference, response)
    ("今天天气很好。", "今天天气很好。"),
    ("我想要一杯咖啡，谢谢。", " 我想要一杯茶，谢谢。\n"),
    ("他们在上海住了十二年。", "他们住在上海十二年了。"),
    ("离开时请关灯。", ""),
]
ZH_EN = [
    ("The weather is nice today.", "The weather is nice today."),
    ("I would like a cup of coffee, please.", "I'd like a cup of tea, please."),
    ("They have lived in Shanghai for 12 years.", "they lived in shanghai for twelve years"),
    ("Please turn off the lights when you leave.", "Translation: Please turn off the light when leaving."),
]
CASES = [  # (task, hub path, config, split, target column, rows, tokenizer, prompt)
    (f"covost2_{d}_{s}", path, d, s, col, rows, tok, prompt)
    for d, path, col, rows, tok, prompt in [
        ("en_zh", "lmms-lab-audio/covost2_en-zh", "translation", EN_ZH, "zh", "Chinese"),  # default config
        ("zh_en", "lmms-lab-audio/covost2", "gt", ZH_EN, "13a", "English"),
    ]
    for s in ("test", "dev")
]


@pytest.mark.parametrize(("task", "path", "config", "split", "column", "rows", "tokenize", "language"), CASES)
def test_covost2_corpus_bleu(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    task: str,
    path: str,
    config: str,
    split: str,
    column: str,
    rows: list[tuple[str, str]],
    tokenize: str,
    language: str,
) -> None:
    root = tmp_path / "root"
    features = datasets.Features({"audio": datasets.Audio(), column: STR})
    columns = {
        "audio": [{"bytes": wav(hz=300 + 100 * i), "path": None} for i in range(len(rows))],
        column: [r[0] for r in rows],
    }
    write_audio_split(root, path, split, columns, features, config=None if config == "en_zh" else config)
    results, samples = replay(tmp_path, monkeypatch, task, root, {str(i): r[1] for i, r in enumerate(rows)})
    assert (results["n_docs"], results["n_scored"]) == (4, 4)
    refs = [r[0] for r in rows]
    hyps = [r[1].strip() for r in rows]
    expected = sacrebleu.corpus_bleu(hyps, [refs], tokenize=tokenize).score
    assert 0 < expected < 100
    assert value(results, "bleu") == pytest.approx(expected, abs=1e-9)
    sentence_mean = (
        sum(sacrebleu.corpus_bleu([h], [[r]], tokenize=tokenize).score for h, r in zip(hyps, refs)) / 4
    )
    assert value(results, "bleu") != pytest.approx(sentence_mean)
    text = samples["0"]["prompt"][0]["content"][1]["text"]
    assert text == f"Translate the speech into {language} and only output the translation:"
    (report,) = validate([task], data_root=root)
    assert report.data == "mirror" and [f for f in report.findings if f.level == "error"] == []


#: the tasks the parametrized tests above run, by name (scripts/gen_tasks_doc.py reads the names here)
TASK_NAMES = (
    "covost2_en_zh_dev",
    "covost2_en_zh_test",
    "covost2_zh_en_dev",
    "covost2_zh_en_test",
)


def test_the_parametrized_tasks_are_the_named_ones() -> None:
    assert sorted([c[0] for c in CASES]) == sorted(TASK_NAMES)
