"""The offline mirror of Hugging Face datasets under the data root (``lmms-eval data pull|verify|ls``).

Layout (see docs/offline.md)::

    DATA_ROOT/hf/manifest.json                              sha256 manifest (mirror.manifest.Manifest)
    DATA_ROOT/hf/<dataset path>/<config or "default">/<split>.parquet   HF's own parquet encoding
    DATA_ROOT/hf/<dataset path>/<config or "default">/<split>.jsonl     or JSON Lines, media paths relative
                                                                        to the file

``layout`` and ``manifest`` are leaves (stdlib and pydantic only): the task sources read them to find a
mirrored split. ``usage`` (which tasks read which split), ``pull`` (needs ``datasets``) and ``verify`` sit on
top of the task index.
"""
