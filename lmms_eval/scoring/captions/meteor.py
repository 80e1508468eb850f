"""METEOR as pycocoevalcap computes it: the METEOR 1.5 jar's sentence statistics, aggregated over the corpus.

pycocoevalcap (``pycocoevalcap/meteor/meteor.py`` of https://github.com/salaniz/pycocoevalcap at commit
ad63453cfab57a81a02b2949b17a91fab1c3df77) runs ``java -jar -Xmx2G meteor-1.5.jar - - -stdio -l en -norm``
and, for each image, sends ``SCORE ||| ref 1 ||| ... ||| ref n ||| hypothesis`` (tokenized captions; the
hypothesis with ``|||`` removed and one pass of ``"  " -> " "``) and reads back the sufficient statistics
of the best-scoring reference (23 numbers); then ``EVAL ||| stats ||| stats ...`` for all images, whose
last line is the corpus score. Only the jar aligns words (exact, stem, synonym and paraphrase matches with
its English resources), so METEOR is computed with the jar or not at all: without ``java`` or the jar
(``pip install 'lmms_eval[captions]'`` brings pycocoevalcap and its jar) the aggregation gives no value
(``null`` in the results) and warns, never an approximation.

The corpus score from the statistics (:func:`meteor_from_totals`) is the jar's ``MeteorStats.addStats``
and ``MeteorScorer.computeMetrics`` (read from ``meteor-1.5.jar``'s classes): the statistics are summed
over the images, except that an image's chunk count is left out when its hypothesis and reference match
completely in one chunk; then with the English "rank" parameters ``alpha = 0.85, beta = 0.2, gamma =
0.6, delta = 0.75`` and module weights ``1.0, 0.6, 0.8, 0.6`` (exact, stem, synonym, paraphrase)::

    P = sum_i w_i (delta tc_i + (1 - delta) tf_i) / (delta (tlen - tfun) + (1 - delta) tfun)   (R: reference)
    Fmean = 1 / ((1 - alpha) / P + alpha / R)
    frag = 0 if every word matched in one chunk, else chunks / ((test word matches + ref word matches) / 2)
    score = max(0, Fmean (1 - gamma frag^beta)), 0 when NaN

Computing it here from the statistics (rather than sending one ``EVAL`` line per bootstrap resample) makes
a resample cost one matrix product; it equals the jar's ``EVAL`` result (tested to 1e-12).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from lmms_eval.core.errors import ConfigError
from lmms_eval.scoring.captions.jars import pycocoevalcap_jar

__all__ = ["MeteorJava", "meteor_available", "meteor_from_totals", "meteor_jar", "meteor_stats"]

ALPHA, BETA, GAMMA, DELTA = 0.85, 0.2, 0.6, 0.75
MODULE_WEIGHTS = (1.0, 0.6, 0.8, 0.6)
MODULES = 4
#: lengths, function words, per module test/ref content/function matches, chunks, test/ref word matches
STATS_LENGTH = 4 + 4 * MODULES + 3
_CHUNKS = 4 + 4 * MODULES
_JAR = "meteor-1.5.jar"


def meteor_jar(jar: str | os.PathLike[str] | None = None) -> Path | None:
    """``meteor-1.5.jar``: ``jar`` if given, else the one of an installed ``pycocoevalcap`` (its
    ``data/paraphrase-en.gz`` must sit beside it), else None."""
    return pycocoevalcap_jar("meteor", _JAR, jar)


def meteor_available(jar: str | os.PathLike[str] | None = None) -> bool:
    return shutil.which("java") is not None and meteor_jar(jar) is not None


class MeteorJava:
    """The METEOR 1.5 jar in ``-stdio`` mode, as pycocoevalcap starts it."""

    def __init__(self, jar: str | os.PathLike[str] | None = None) -> None:
        path, java = meteor_jar(jar), shutil.which("java")
        if path is None or java is None:
            raise ConfigError(
                "METEOR needs `java` on PATH and meteor-1.5.jar (pip install 'lmms_eval[captions]')."
            )
        cmd = [java, "-jar", "-Xmx2G", str(path), "-", "-", "-stdio", "-l", "en", "-norm"]
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(path.parent),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> MeteorJava:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.kill()
        self.proc.wait()

    def _ask(self, lines: Sequence[str]) -> list[str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("".join(f"{line}\n" for line in lines).encode("utf-8"))
        self.proc.stdin.flush()
        answers = []
        for _ in lines:
            answer = self.proc.stdout.readline()
            if not answer:
                raise ConfigError("The METEOR jar stopped (is there 2 GB of memory for it?)")
            answers.append(answer.decode("utf-8").strip())
        return answers

    def stats(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str]], batch: int = 256
    ) -> np.ndarray:
        """The jar's statistics of each image, ``(K, 23)``."""
        lines = [score_line(h, r) for h, r in zip(hypotheses, references)]
        rows: list[list[float]] = []
        for lo in range(0, len(lines), batch):
            rows.extend([float(x) for x in answer.split()] for answer in self._ask(lines[lo : lo + batch]))
        return np.asarray(rows, dtype=np.float64).reshape(len(lines), STATS_LENGTH)

    def eval_score(self, stats: np.ndarray) -> float:
        """The jar's own corpus score of these statistics (its ``EVAL`` line), for tests."""
        line = "EVAL ||| " + " ||| ".join(" ".join(repr(float(x)) for x in row) for row in stats)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{line}\n".encode())
        self.proc.stdin.flush()
        for _ in range(len(stats)):
            self.proc.stdout.readline()
        return float(self.proc.stdout.readline().decode().strip())


def score_line(hypothesis: str, references: Sequence[str]) -> str:
    """The official ``SCORE`` line of one image."""
    hypothesis = hypothesis.replace("|||", "").replace("  ", " ")
    return " ||| ".join(("SCORE", " ||| ".join(references), hypothesis))


def meteor_stats(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], jar: str | None = None
) -> np.ndarray:
    """The jar's statistics of each image ``(K, 23)``, from one jar process."""
    with MeteorJava(jar) as meteor:
        return meteor.stats(hypotheses, references)


def additive(stats: np.ndarray) -> np.ndarray:
    """Per-image statistics as they add up in the corpus: the chunk count of an image matched completely
    in one chunk is left out (``MeteorStats.addStats``)."""
    stats = np.array(stats, dtype=np.float64)
    test_total, ref_total = _totals(stats)
    perfect = (test_total == stats[:, 0]) & (ref_total == stats[:, 1]) & (stats[:, _CHUNKS] == 1.0)
    stats[perfect, _CHUNKS] = 0.0
    return stats


def _totals(stats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Test and reference matches over all modules (per module: test content, ref content, test function
    words, ref function words)."""
    stage = stats[:, 4:_CHUNKS].reshape(-1, MODULES, 4)
    test = stage[:, :, 0].sum(axis=1) + stage[:, :, 2].sum(axis=1)
    ref = stage[:, :, 1].sum(axis=1) + stage[:, :, 3].sum(axis=1)
    return test, ref


def meteor_from_totals(totals: np.ndarray) -> np.ndarray:
    """The corpus METEOR ``(B,)`` of summed :func:`additive` statistics ``(B, 23)``."""
    t = np.atleast_2d(np.asarray(totals, dtype=np.float64))
    test_len, ref_len, test_fun, ref_fun = t[:, 0], t[:, 1], t[:, 2], t[:, 3]
    stage = t[:, 4:_CHUNKS].reshape(-1, MODULES, 4)
    chunks, test_words, ref_words = t[:, _CHUNKS], t[:, _CHUNKS + 1], t[:, _CHUNKS + 2]
    test_total, ref_total = _totals(t)
    test_wlen = DELTA * (test_len - test_fun) + (1.0 - DELTA) * test_fun
    ref_wlen = DELTA * (ref_len - ref_fun) + (1.0 - DELTA) * ref_fun
    test_match = np.zeros(len(t))
    ref_match = np.zeros(len(t))
    for i, w in enumerate(MODULE_WEIGHTS):  # the jar's order: content of every module, then function words
        test_match = test_match + stage[:, i, 0] * w * DELTA
        ref_match = ref_match + stage[:, i, 1] * w * DELTA
    for i, w in enumerate(MODULE_WEIGHTS):
        test_match = test_match + stage[:, i, 2] * w * (1.0 - DELTA)
        ref_match = ref_match + stage[:, i, 3] * w * (1.0 - DELTA)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = test_match / test_wlen
        recall = ref_match / ref_wlen
        fmean = 1.0 / (((1.0 - ALPHA) / precision) + (ALPHA / recall))
        one_chunk = (test_total == test_len) & (ref_total == ref_len) & (chunks == 1.0)
        frag = np.where(one_chunk, 0.0, chunks / ((test_words + ref_words) / 2))
        score = fmean * (1.0 - GAMMA * np.power(frag, BETA))
    out: np.ndarray = np.where(np.isnan(score), 0.0, np.maximum(score, 0.0))
    return out
