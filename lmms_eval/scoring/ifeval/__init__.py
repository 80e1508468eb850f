"""IFEval (Zhou et al. 2023, "Instruction-Following Evaluation for Large Language Models"): the official
verifiable-instruction checkers (google-research/google-research, ``instruction_following_eval``),
re-implemented.

- :mod:`~lmms_eval.scoring.ifeval.text`: word, sentence and token counts, language detection;
- :mod:`~lmms_eval.scoring.ifeval.checkers`: the 25 instruction checkers, by family;
- :mod:`~lmms_eval.scoring.ifeval.scoring`: strict and loose following, per-prompt count codes and the
  prompt-level and instruction-level accuracies.
"""
