"""lmms-eval: evaluate large multimodal models (image, video, audio, text) with trustworthy statistics.

Importing this package is cheap: heavy libraries (torch, transformers, datasets, numpy) load lazily.
"""

__version__ = "0.1.0"
