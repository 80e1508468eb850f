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
    "mmlu_pro": "lmms_eval.scoring.mmlu_pro:extract_mmlu_pro_answer",
    "aime": "lmms_eval.scoring.aime:extract_aime_answer",
    "pope": "lmms_eval.scoring.pope:extract_pope_answer",
    "mme": "lmms_eval.scoring.mme:extract_mme_answer",
    "hallusion_bench": "lmms_eval.scoring.hallusion_bench:extract_hallusion_bench_answer",
    "mmbench": "lmms_eval.scoring.mmbench:extract_mmbench_answer",
    "realworldqa": "lmms_eval.scoring.realworldqa:extract_realworldqa_answer",
    "videomme": "lmms_eval.scoring.videomme:extract_videomme_answer",
    "egoschema": "lmms_eval.scoring.egoschema:extract_egoschema_answer",
    "longvideobench": "lmms_eval.scoring.longvideobench:extract_longvideobench_answer",
    "mlvu": "lmms_eval.scoring.mlvu:extract_mlvu_answer",
    "nextqa": "lmms_eval.scoring.nextqa:extract_nextqa_answer",
    "mmmu": "lmms_eval.scoring.mmmu:extract_mmmu_answer",
    "mmmu_pro": "lmms_eval.scoring.mmmu:extract_mmmu_pro_answer",
    "cmmmu": "lmms_eval.scoring.cmmmu:extract_cmmmu_answer",
    "jmmmu": "lmms_eval.scoring.jmmmu:extract_jmmmu_answer",
    "naturalbench": "lmms_eval.scoring.naturalbench:extract_naturalbench_answer",
    "muirbench": "lmms_eval.scoring.muirbench:extract_muirbench_answer",
    "vlmsareblind": "lmms_eval.scoring.vlmsareblind:extract_vlmsareblind_answer",
    "metavqa": "lmms_eval.scoring.metavqa:extract_metavqa_answer",
    "wemath": "lmms_eval.scoring.wemath:extract_wemath_answer",
    "iconqa": "lmms_eval.scoring.iconqa:extract_iconqa_answer",
    "blink": "lmms_eval.scoring.blink:extract_blink_answer",
    "mme_realworld": "lmms_eval.scoring.mme_realworld:extract_mme_realworld_answer",
    "cv_bench": "lmms_eval.scoring.cambrian:extract_cv_bench_answer",
    "mmvp": "lmms_eval.scoring.cambrian:extract_mmvp_answer",
    "vstar": "lmms_eval.scoring.cambrian:extract_vstar_answer",
    "hrbench": "lmms_eval.scoring.hrbench:extract_hrbench_answer",
    "mathvista": "lmms_eval.scoring.mathvista:extract_mathvista_answer",
    "mathvista_normalize": "lmms_eval.scoring.mathvista:normalize_mathvista_answer",
    "mathverse_quick": "lmms_eval.scoring.mathverse:extract_mathverse_quick",
    "refcoco_box": "lmms_eval.scoring.grounding:extract_refcoco_box",
    "screenspot_box": "lmms_eval.scoring.grounding:extract_screenspot_box",
    "temporal_span": "lmms_eval.scoring.temporal_grounding:extract_temporal_span",
    "worldsense": "lmms_eval.scoring.worldsense:extract_worldsense_answer",
    "click_point": "lmms_eval.scoring.click_point:extract_click_point",
    "mathkangaroo": "lmms_eval.scoring.mathkangaroo:extract_mathkangaroo_answer",
    "dynamath": "lmms_eval.scoring.dynamath:extract_dynamath_answer",
    "mmau": "lmms_eval.scoring.mmau:extract_mmau_answer",
    "mmar": "lmms_eval.scoring.mmau:extract_mmar_answer",
    "muchomusic": "lmms_eval.scoring.muchomusic:extract_muchomusic_answer",
    "air_bench": "lmms_eval.scoring.air_bench:extract_air_bench_answer",
    "vocalsound": "lmms_eval.scoring.vocalsound:extract_vocalsound_answer",
    "voicebench_mcq": "lmms_eval.scoring.voicebench:extract_voicebench_mcq_answer",
    "ifeval_response": "lmms_eval.scoring.ifeval.scoring:extract_ifeval_response",
    "lvbench": "lmms_eval.scoring.lvbench:extract_lvbench_answer",
    "tomato": "lmms_eval.scoring.tomato:extract_tomato_answer",
    "tempcompass_multi_choice": "lmms_eval.scoring.tempcompass:extract_tempcompass_multi_choice",
    "tempcompass_yes_no": "lmms_eval.scoring.tempcompass:extract_tempcompass_yes_no",
    "tempcompass_caption_matching": "lmms_eval.scoring.tempcompass:extract_tempcompass_caption_matching",
    "vsibench": "lmms_eval.scoring.vsibench:extract_vsibench_answer",
    "video_tt": "lmms_eval.scoring.video_tt:extract_videott_answer",
    "videommmu": "lmms_eval.scoring.videommmu:extract_videommmu_answer",
    "vinoground": "lmms_eval.scoring.vinoground:extract_vinoground_answer",
}.items():
    EXTRACTORS.add_lazy(_name, _fn if ":" in _fn else f"{_E}:{_fn}")

_M = "lmms_eval.scoring.metrics"
for _name, _fn in {
    "exact_match": "exact_match",
    "accuracy": "accuracy",
    "yes_no_confusion": "yes_no_confusion",
    "anls": "lmms_eval.scoring.anls:anls",
    "mp_docvqa_anls": "lmms_eval.scoring.mp_docvqa:mp_docvqa_anls",
    "mp_docvqa_accuracy": "lmms_eval.scoring.mp_docvqa:mp_docvqa_accuracy",
    "mtvqa_match": "lmms_eval.scoring.mtvqa:mtvqa_match",
    "medvqa_exact_match": "lmms_eval.scoring.medvqa:medvqa_exact_match",
    "pathvqa_exact_match": "lmms_eval.scoring.pathvqa:pathvqa_exact_match",
    "pathvqa_f1": "lmms_eval.scoring.pathvqa:pathvqa_f1",
    "pathvqa_bleu": "lmms_eval.scoring.pathvqa:pathvqa_bleu",
    "metavqa_exact_match": "lmms_eval.scoring.metavqa:metavqa_exact_match",
    "vlms_are_biased_accuracy": "lmms_eval.scoring.vlms_are_biased:vlms_are_biased_accuracy",
    "vlms_are_biased_bias_ratio": "lmms_eval.scoring.vlms_are_biased:vlms_are_biased_bias_ratio",
    "slidevqa_em": "lmms_eval.scoring.slidevqa:slidevqa_em",
    "slidevqa_f1": "lmms_eval.scoring.slidevqa:slidevqa_f1",
    "relaxed_accuracy": "lmms_eval.scoring.chartqa:relaxed_accuracy",
    "chartqapro_relaxed_accuracy": "lmms_eval.scoring.chartqapro:chartqapro_relaxed_accuracy",
    "vqa_accuracy": "lmms_eval.scoring.vqa:vqa_accuracy",
    "textvqa_accuracy": "lmms_eval.scoring.vqa:textvqa_accuracy",
    "vizwiz_accuracy": "lmms_eval.scoring.vqa:vizwiz_accuracy",
    "ocrbench_match": "lmms_eval.scoring.ocrbench:ocrbench_match",
    "wer": "word_error_rate",
    "cer": "character_error_rate",
    "wer_counts": "lmms_eval.scoring.pooled_error_rate:wer_counts",
    "cer_counts": "lmms_eval.scoring.pooled_error_rate:cer_counts",
    "numeric_tolerance": "numeric_tolerance",
    "mathvision_accuracy": "lmms_eval.scoring.mathvision:mathvision_accuracy",
    "gsm8k_strict_match": "lmms_eval.scoring.gsm8k:gsm8k_strict_match",
    "gsm8k_flexible_match": "lmms_eval.scoring.gsm8k:gsm8k_flexible_match",
    "aime_exact_match": "lmms_eval.scoring.aime:aime_exact_match",
    "gpqa_strict_match": "lmms_eval.scoring.gpqa:gpqa_strict_match",
    "gpqa_flexible_match": "lmms_eval.scoring.gpqa:gpqa_flexible_match",
    "pope_correct": "lmms_eval.scoring.pope:pope_correct",
    "pope_confusion": "lmms_eval.scoring.pope:pope_confusion",
    "mme_code": "lmms_eval.scoring.mme:mme_code",
    "hallusion_bench_correct": "lmms_eval.scoring.hallusion_bench:hallusion_bench_correct",
    "hallusion_bench_group_code": "lmms_eval.scoring.hallusion_bench:hallusion_bench_group_code",
    "mmstar_match": "lmms_eval.scoring.mmstar:mmstar_match",
    "mvbench_match": "lmms_eval.scoring.mvbench:mvbench_match",
    "mmmu_accuracy": "lmms_eval.scoring.mmmu:mmmu_accuracy",
    "cmmmu_accuracy": "lmms_eval.scoring.cmmmu:cmmmu_accuracy",
    "jmmmu_accuracy": "lmms_eval.scoring.jmmmu:jmmmu_accuracy",
    "caption_record": "lmms_eval.scoring.captions.records:caption_record",
    "naturalbench_correct": "lmms_eval.scoring.naturalbench:naturalbench_correct",
    "naturalbench_code": "lmms_eval.scoring.naturalbench:naturalbench_code",
    "wemath_code": "lmms_eval.scoring.wemath:wemath_code",
    "cv_bench_correct": "lmms_eval.scoring.cambrian:cv_bench_correct",
    "cv_bench_code": "lmms_eval.scoring.cambrian:cv_bench_code",
    "mmvp_correct": "lmms_eval.scoring.cambrian:mmvp_correct",
    "mmvp_pair_code": "lmms_eval.scoring.cambrian:mmvp_pair_code",
    "mathvista_accuracy": "lmms_eval.scoring.mathvista:mathvista_accuracy",
    "mathverse_quick_match": "lmms_eval.scoring.mathverse:mathverse_quick_match",
    "box_iou": "lmms_eval.scoring.grounding:box_iou_metric",
    "temporal_iou": "lmms_eval.scoring.temporal_grounding:temporal_iou_metric",
    "temporal_iou_recall": "lmms_eval.scoring.temporal_grounding:temporal_iou_recall",
    "box_iou_accuracy": "lmms_eval.scoring.grounding:box_iou_accuracy",
    "box_center_accuracy": "lmms_eval.scoring.grounding:box_center_accuracy",
    "point_in_box_accuracy": "lmms_eval.scoring.click_point:point_in_box_accuracy",
    "mathkangaroo_accuracy": "lmms_eval.scoring.mathkangaroo:mathkangaroo_accuracy",
    "dynamath_correct": "lmms_eval.scoring.dynamath:dynamath_correct",
    "dynamath_variant_code": "lmms_eval.scoring.dynamath:dynamath_variant_code",
    "ocrbench_v2_score": "lmms_eval.scoring.ocrbench_v2:ocrbench_v2_score",
    "mmau_string_match": "lmms_eval.scoring.mmau:mmau_string_match",
    "mmar_string_match": "lmms_eval.scoring.mmau:mmar_string_match",
    "voicebench_mcq_fail": "lmms_eval.scoring.voicebench:voicebench_mcq_fail",
    "voicebench_refusal": "lmms_eval.scoring.voicebench:voicebench_refusal",
    "translation_record": "lmms_eval.scoring.translation_bleu:translation_record",
    "air_bench_outcome": "lmms_eval.scoring.air_bench:air_bench_outcome",
    "ifeval_strict": "lmms_eval.scoring.ifeval.scoring:ifeval_strict",
    "ifeval_loose": "lmms_eval.scoring.ifeval.scoring:ifeval_loose",
    "vsibench_code": "lmms_eval.scoring.vsibench:vsibench_code",
    "videommmu_accuracy": "lmms_eval.scoring.videommmu:videommmu_accuracy",
    "cinepile_correct": "lmms_eval.scoring.cinepile:cinepile_correct",
    "vinoground_code": "lmms_eval.scoring.vinoground:vinoground_code",
}.items():
    METRICS.add_lazy(_name, _fn if ":" in _fn else f"{_M}:{_fn}")

_A = "lmms_eval.scoring.aggregations"
for _name in ("mean", "median", "macro_mean", "yes_precision", "yes_recall", "yes_f1", "yes_ratio"):
    AGGREGATIONS.add_lazy(_name, f"{_A}:{_name}")
AGGREGATIONS.add_lazy("ocrbench_points", "lmms_eval.scoring.ocrbench:ocrbench_points")
AGGREGATIONS.add_lazy("group_all_correct", f"{_A}:group_all_correct")
AGGREGATIONS.add_lazy("pooled_error_rate", "lmms_eval.scoring.pooled_error_rate:pooled_error_rate")
AGGREGATIONS.add_lazy("mme_score", "lmms_eval.scoring.mme:mme_score")
AGGREGATIONS.add_lazy("wemath_dimension", "lmms_eval.scoring.wemath:wemath_dimension")
for _name in ("coco_bleu", "coco_meteor", "coco_rouge_l", "coco_cider"):
    AGGREGATIONS.add_lazy(_name, f"lmms_eval.scoring.captions.records:{_name}")
AGGREGATIONS.add_lazy("cv_bench_accuracy", "lmms_eval.scoring.cambrian:cv_bench_accuracy")
AGGREGATIONS.add_lazy("sacrebleu_corpus", "lmms_eval.scoring.translation_bleu:sacrebleu_corpus")
AGGREGATIONS.add_lazy("air_bench_accuracy", "lmms_eval.scoring.air_bench:air_bench_accuracy")
AGGREGATIONS.add_lazy("vsibench_overall", "lmms_eval.scoring.vsibench:vsibench_overall")
for _name in ("vinoground_text", "vinoground_video", "vinoground_group"):
    AGGREGATIONS.add_lazy(_name, f"lmms_eval.scoring.vinoground:{_name}")
for _name in ("ifeval_prompt_accuracy", "ifeval_instruction_accuracy"):
    AGGREGATIONS.add_lazy(_name, f"lmms_eval.scoring.ifeval.scoring:{_name}")
