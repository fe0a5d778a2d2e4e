"""What the neural voices (Piper, Kokoro) share: an onnxruntime session set up for one
clip at a time, and a clip's float samples scaled to 16-bit PCM."""

from __future__ import annotations

from typing import Any

import numpy as np

from narration.errors import SynthesisError

PEAK = 0.95
"""Each clip is scaled to this peak; the worker pool levels loudness afterwards."""


def session_options(threads: int) -> Any:
    """onnxruntime's options for a voice's session on ``threads`` threads."""
    # Lazy: onnxruntime comes with the optional piper or kokoro extra.
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Input lengths vary from clip to clip, so memory patterns are never reused;
    # planning them only raises the peak.
    options.enable_mem_pattern = False
    if threads == 1:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


def to_pcm16(audio: Any, backend: str, text: str) -> bytes:
    """``audio`` (float samples) scaled to :data:`PEAK` as little-endian 16-bit PCM;
    :class:`SynthesisError` naming ``backend`` when it is silent."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 1e-8:
        raise SynthesisError(f"{backend} produced no audio for {text[:60]!r}")
    pcm = np.clip(audio / peak * PEAK, -1.0, 1.0) * 32767
    return bytes(pcm.astype("<i2").tobytes())
