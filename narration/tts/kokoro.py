"""Kokoro-82M voices through kokoro-onnx and onnxruntime (extra ``kokoro``).

A voice is the name of a vendored English voice: ``af_heart``, ``bf_emma``, ... (``a``
American, ``b`` British; ``f`` and ``m`` the speaker). The text it is given is the
project's spoken form, with the show's lexicon applied; kokoro-onnx turns it into phonemes
with its own espeak-ng (the accent's: ``en-us`` or ``en-gb``) and reads them.

The worker pool keeps one backend per process and runs one process per core, so the
onnxruntime session gets one intra-op thread and never spins: two workers keep two cores
busy, which reads faster than one process with two threads. The session is created on the
first ``synthesize`` call and kept for the worker's life, so a worker asked only for the
backend's name and version never loads the model.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from typing import Any

import numpy as np
from pedalboard import Resample
from pedalboard.io import StreamResampler

from narration.errors import BadInput, SynthesisError
from narration.tts import kokoro_files as files
from narration.tts.kokoro_files import MODEL_RATE, SAMPLE_RATE
from narration.tts.onnx_voice import session_options, to_pcm16

NATURAL_WPM = 171.0
"""Words a minute at speed 1.0: af_heart reading the 2,000-word benchmark article sentence
by sentence (bench/kokoro_speed.py prints the figure it measures)."""

SPEED_RANGE = (0.5, 2.0)
"""What kokoro-onnx accepts."""


def speed_for(rate_wpm: int) -> float:
    """kokoro-onnx's ``speed`` for a speaking rate in words a minute."""
    if rate_wpm <= 0:
        raise BadInput(f"speaking rate must be positive, not {rate_wpm} words a minute")
    low, high = SPEED_RANGE
    return min(high, max(low, rate_wpm / NATURAL_WPM))


class KokoroBackend:
    name = "kokoro"
    sample_rate = SAMPLE_RATE

    def __init__(self, voice: str = "af_heart", rate_wpm: int = 170, threads: int = 1) -> None:
        files.check_installed()
        if threads < 1:
            raise BadInput(f"onnxruntime threads must be at least 1, not {threads}")
        self.voice = voice
        self.threads = threads
        self.speed = speed_for(rate_wpm)
        self.language = files.ESPEAK_LANGUAGE[voice[:1]] if voice[:1] in files.ACCENTS else ""
        self.voice_path = files.voice_file(voice)
        self.model_path = files.model_path()
        self.version = (
            f"kokoro-onnx-{_kokoro_version()}+{files.MODEL_SHA256[:16]}"
            f"-{voice}-{files.voice_sha256(voice)[:8]}-speed{self.speed:.4f}"
        )
        self._kokoro: Any = None
        self._style: np.ndarray[Any, np.dtype[np.float32]] | None = None

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise SynthesisError("cannot synthesise an empty string")
        kokoro = self._load()
        try:
            audio, _ = kokoro.create(text, self._style, speed=self.speed, lang=self.language)
        except Exception as exc:  # onnxruntime and the phonemizer raise their own types
            raise SynthesisError(f"kokoro failed on {text[:60]!r}: {exc}") from exc
        audio = _resample(np.asarray(audio, dtype=np.float32).reshape(-1))
        return to_pcm16(audio, "kokoro", text)

    def _load(self) -> Any:
        """kokoro-onnx with its onnxruntime session, created once per backend."""
        if self._kokoro is None:
            # Lazy: onnxruntime and kokoro-onnx come with the optional kokoro extra.
            import onnxruntime
            from kokoro_onnx import Kokoro  # lazy: as above

            options = session_options(self.threads)
            try:
                session = onnxruntime.InferenceSession(
                    str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
                )
                self._kokoro = Kokoro.from_session(session, str(files.voices_npz()))
            except BadInput:
                raise
            except Exception as exc:  # onnxruntime raises its own exception types
                raise BadInput(f"cannot load the Kokoro model {self.model_path}: {exc}") from exc
            style = np.fromfile(self.voice_path, dtype="<f4").reshape(files.VOICE_SHAPE)
            self._style = style
        return self._kokoro


def _resample(audio: np.ndarray[Any, np.dtype[np.float32]]) -> np.ndarray[Any, Any]:
    """The model's audio at :data:`SAMPLE_RATE`."""
    if audio.size == 0:
        return audio
    resampler = StreamResampler(MODEL_RATE, SAMPLE_RATE, 1, Resample.Quality.WindowedSinc32)
    head = resampler.process(audio[np.newaxis, :])
    tail = resampler.process(None)
    joined: np.ndarray[Any, Any] = np.concatenate([head, tail], axis=1)[0]
    return joined


def _kokoro_version() -> str:
    try:
        return dist_version("kokoro-onnx")
    except PackageNotFoundError:
        return "unknown"
