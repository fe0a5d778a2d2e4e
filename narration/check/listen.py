"""Hearing an episode: the speech recogniser (faster-whisper, CTranslate2, int8 on the CPU)
writes down every word it hears, with when it heard it, in the article's language."""

from __future__ import annotations

import functools
import logging
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narration.check.model import MISSING_EXTRA, model_dir
from narration.check.report import HeardWord
from narration.config import Settings
from narration.errors import CheckError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

log = logging.getLogger(__name__)


def recogniser_language(language: str) -> str:
    """Whisper's code for an article's language: ``en-GB`` and ``en`` are both ``en``."""
    return language.replace("_", "-").split("-")[0].lower()


@functools.lru_cache(maxsize=2)
def _model(directory: str, threads: int) -> WhisperModel:
    try:
        # Lazy: faster-whisper (check extra) is optional and loads in about a second.
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise CheckError(MISSING_EXTRA) from exc
    try:
        # A local directory: nothing is looked up or downloaded.
        return WhisperModel(
            directory,
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise CheckError(f"the speech model in {directory} cannot be loaded: {exc}") from exc


def recogniser(settings: Settings) -> WhisperModel:
    """The model, loaded once per process (a worker checks many episodes)."""
    return _model(str(model_dir(settings)), settings.check.threads)


SAMPLE_RATE = 16000
"""What the recogniser hears: 16 kHz mono."""

_before_window: Callable[[], None] | None = None


def before_each_window(gate: Callable[[], None] | None) -> None:
    """Have this process call ``gate`` before it hears each window (a service's hearing
    process waits there while the service narrates); None: no gate."""
    global _before_window
    _before_window = gate


def hear(
    audio: Path, language: str, settings: Settings, cuts: Sequence[float] = ()
) -> tuple[list[HeardWord], float]:
    """Every word heard in ``audio`` and the audio's length in seconds.

    The audio is decoded by ffmpeg as a stream and heard one window at a time, cut at
    ``cuts`` (seconds, in pauses between sentences): memory stays that of one window
    however long the episode."""
    # Lazy: numpy (~120 ms); the API server imports this module at start-up, before any check.
    import numpy as np

    model = recogniser(settings)
    code = recogniser_language(language)
    if code not in _languages(model):
        raise CheckError(f"the speech model does not know the language {language!r}")
    started = time.monotonic()
    words: list[HeardWord] = []
    offset = 0
    command = ["ffmpeg", "-v", "error", "-nostdin", "-i", str(audio), "-f", "s16le",
               "-ac", "1", "-ar", str(SAMPLE_RATE), "-"]  # fmt: skip
    bounds = [round(c * SAMPLE_RATE) for c in sorted(cuts)]
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as ffmpeg:
            assert ffmpeg.stdout is not None
            for bound in [*bounds, None]:
                if _before_window is not None:
                    _before_window()
                wanted = -1 if bound is None else max(0, bound - offset) * 2
                data = ffmpeg.stdout.read(wanted) if wanted else b""
                if len(data) < 2:
                    continue
                window = np.frombuffer(data[: len(data) // 2 * 2], "<i2").astype(np.float32)
                words += _hear_window(
                    model, window / 32768.0, code, offset / SAMPLE_RATE, settings.check.beam_size
                )
                offset += len(window)
            problem = ffmpeg.stderr.read().decode(errors="replace") if ffmpeg.stderr else ""
        if ffmpeg.returncode != 0:
            raise CheckError(f"{audio.name}: cannot decode the audio: {problem.strip()[:200]}")
    except OSError as exc:
        raise CheckError(f"{audio.name}: cannot decode the audio: {exc}") from exc
    duration = offset / SAMPLE_RATE
    log.info(
        "heard %s: %d words in %.1f s of audio, %.1f s",
        audio.name,
        len(words),
        duration,
        time.monotonic() - started,
    )
    return words, duration


def _hear_window(
    model: WhisperModel, samples: Any, code: str, at_s: float, beam_size: int
) -> list[HeardWord]:
    try:
        segments, _ = model.transcribe(
            samples,
            language=code,
            word_timestamps=True,
            beam_size=beam_size,
            # Each sentence is judged on its own: text carried over from the previous
            # window would let one error spread into the next.
            condition_on_previous_text=False,
            vad_filter=False,
        )
        return [
            HeardWord(w.word, round(at_s + w.start, 3), round(at_s + w.end, 3))
            for segment in segments
            for w in segment.words or ()
            if w.word.strip()
        ]
    except (RuntimeError, ValueError) as exc:
        raise CheckError(f"the recogniser failed: {exc}") from exc


def _languages(model: Any) -> set[str]:
    return set(getattr(model, "supported_languages", ()) or ())
