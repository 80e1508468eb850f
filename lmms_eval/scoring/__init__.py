"""Scoring: answer extractors, per-sample metrics and aggregations, each found by name in a registry.

Signatures (see docs/task_guide.md):
- extractor:   ``fn(text: str, doc: Mapping[str, Any], **args) -> str | None``  (None: nothing found)
- metric:      ``fn(prediction: str | None, target: Any, doc: Mapping[str, Any], **args) -> float``
- aggregation: ``fn(scores: np.ndarray (B, n), labels: np.ndarray (n,) | None, **args) -> np.ndarray (B,)``
  vectorized over bootstrap resamples (each row is one resample of the n per-sample scores).
"""

from __future__ import annotations

from typing import Any

from lmms_eval.core.registry import Registry

EXTRACTORS: Registry[Any] = Registry("extractors")
METRICS: Registry[Any] = Registry("metrics")
AGGREGATIONS: Registry[Any] = Registry("aggregations")

_E = "lmms_eval.scoring.extractors"
for _name, _fn in {
    "identity": "extract_identity",
    "mcq_letter": "extract_mcq_letter",
    "yes_no": "extract_yes_no",
    "true_false": "extract_true_false",
    "number": "extract_number",
    "boxed": "extract_boxed",
    "answer_tag": "extract_answer_tag",
    "last_line": "extract_last_line",
    "regex": "extract_regex",
    "mathvision": "lmms_eval.scoring.mathvision:extract_mathvision_answer",
    "pope": "lmms_eval.scoring.pope:extract_pope_answer",
    "mme": "lmms_eval.scoring.mme:extract_mme_answer",
    "hallusion_bench": "lmms_eval.scoring.hallusion_bench:extract_hallusion_bench_answer",
    "mmbench": "lmms_eval.scoring.mmbench:extract_mmbench_answer",
    "realworldqa": "lmms_eval.scoring.realworldqa:extract_realworldqa_answer",
    "mmmu": "lmms_eval.scoring.mmmu:extract_mmmu_answer",
    "mmmu_pro": "lmms_eval.scoring.mmmu:extract_mmmu_pro_answer",
}.items():
    EXTRACTORS.add_lazy(_name, _fn if ":" in _fn else f"{_E}:{_fn}")

_M = "lmms_eval.scoring.metrics"
for _name, _fn in {
    "exact_match": "exact_match",
    "accuracy": "accuracy",
    "yes_no_confusion": "yes_no_confusion",
    "anls": "lmms_eval.scoring.anls:anls",
    "relaxed_accuracy": "lmms_eval.scoring.chartqa:relaxed_accuracy",
    "vqa_accuracy": "lmms_eval.scoring.vqa:vqa_accuracy",
    "textvqa_accuracy": "lmms_eval.scoring.vqa:textvqa_accuracy",
    "vizwiz_accuracy": "lmms_eval.scoring.vqa:vizwiz_accuracy",
    "ocrbench_match": "lmms_eval.scoring.ocrbench:ocrbench_match",
    "wer": "word_error_rate",
    "cer": "character_error_rate",
    "numeric_tolerance": "numeric_tolerance",
    "mathvision_accuracy": "lmms_eval.scoring.mathvision:mathvision_accuracy",
    "pope_correct": "lmms_eval.scoring.pope:pope_correct",
    "pope_confusion": "lmms_eval.scoring.pope:pope_confusion",
    "mme_code": "lmms_eval.scoring.mme:mme_code",
    "hallusion_bench_correct": "lmms_eval.scoring.hallusion_bench:hallusion_bench_correct",
    "hallusion_bench_group_code": "lmms_eval.scoring.hallusion_bench:hallusion_bench_group_code",
    "mmstar_match": "lmms_eval.scoring.mmstar:mmstar_match",
    "mmmu_accuracy": "lmms_eval.scoring.mmmu:mmmu_accuracy",
}.items():
    METRICS.add_lazy(_name, _fn if ":" in _fn else f"{_M}:{_fn}")

_A = "lmms_eval.scoring.aggregations"
for _name in ("mean", "median", "macro_mean", "yes_precision", "yes_recall", "yes_f1", "yes_ratio"):
    AGGREGATIONS.add_lazy(_name, f"{_A}:{_name}")
AGGREGATIONS.add_lazy("ocrbench_points", "lmms_eval.scoring.ocrbench:ocrbench_points")
AGGREGATIONS.add_lazy("group_all_correct", f"{_A}:group_all_correct")
AGGREGATIONS.add_lazy("mme_score", "lmms_eval.scoring.mme:mme_score")
