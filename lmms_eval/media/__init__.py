"""Media decoding: images, videos and audio from path, URL or bytes references.

This package ``__init__`` is deliberately empty so that ``import lmms_eval.media`` stays light. The heavy
dependencies (Pillow, PyAV, NumPy, soundfile) are imported by the submodules, which the engine imports
lazily on its prefetch workers:

- :mod:`lmms_eval.media.decode` -- ``decode_part(part)``, the single entry point (errors become ``MediaError``)
- :mod:`lmms_eval.media.image` -- ``decode_image``, ``fit_pixels``
- :mod:`lmms_eval.media.video` -- ``decode_video``, ``VideoFrames``, ``sample_timestamps``
- :mod:`lmms_eval.media.audio` -- ``decode_audio``, ``AudioClip``, ``resample``
- :mod:`lmms_eval.media.hashing` -- ``sha256_file``, ``with_sha256``
- :mod:`lmms_eval.media.loading` -- ``read_bytes``
"""
