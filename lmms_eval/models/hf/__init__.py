"""The generic Hugging Face backend: one class for every AutoProcessor + chat-template model, with family
quirks kept as data in ``families.py``."""
