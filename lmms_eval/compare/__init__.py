"""Comparing finished runs and gating on them: ``lmms-eval compare``, ``lmms-eval gate``.

- :mod:`lmms_eval.compare.runs`: load a run folder, pair samples by (task, doc_id), spot differences
  (prompts, generation config, task version, dataset) worth a warning.
- :mod:`lmms_eval.compare.table`: the paired comparison table and its terminal/markdown/JSON forms.
- :mod:`lmms_eval.compare.gate`: thresholds and the no-regression check.

The statistics come from :mod:`lmms_eval.stats.paired`; numpy is imported only when a comparison runs.
"""
