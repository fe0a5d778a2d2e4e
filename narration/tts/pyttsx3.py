"""The default backend: pyttsx3 driving espeak-ng.

pyttsx3 2.99's espeak driver synthesises asynchronously: ``runAndWait()`` returns before
the audio exists, and the WAV is written later under whatever file name is current then.
``_espeak.Synchronize()`` waits for espeak to finish; it is a private module of pyttsx3, so
the dependency on it lives here and nowhere else. libespeak is initialised once per
process and is not thread-safe: one engine per process, used from one thread. The driver
prints "Audio saved to ..." on stdout; the worker pool silences stdout in its workers.
"""

from __future__ import annotations

import os
import tempfile
import wave
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

from narration.errors import BadInput, SynthesisError

_engine: Any = None


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        import pyttsx3

        _engine = pyttsx3.init("espeak")
    return _engine


def espeak_voices() -> list[tuple[str, str]]:
    """(id, language) of every espeak-ng voice pyttsx3 sees."""
    engine = _get_engine()
    out = []
    for v in engine.getProperty("voices"):
        langs = [lang.decode() if isinstance(lang, bytes) else str(lang) for lang in v.languages]
        out.append((str(v.id), langs[0] if langs else ""))
    return out


def _resolve_voice(voice: str) -> str:
    """Map ``en``, ``en-gb`` or ``gmw/en`` to an installed voice id; refuse anything else."""
    voices = espeak_voices()
    for vid, _lang in voices:
        if voice in (vid, vid.rsplit("/", 1)[-1]):
            return vid
    for vid, lang in voices:
        if voice.lower() == lang.lower():
            return vid
    raise BadInput(f"unknown espeak-ng voice {voice!r} (see `narration voices`)")


class Pyttsx3Backend:
    name = "pyttsx3"
    sample_rate = 22050

    def __init__(self, voice: str = "en", rate_wpm: int = 170) -> None:
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak
        self.voice = voice
        self.rate_wpm = rate_wpm
        engine = _get_engine()
        voice_id = _resolve_voice(voice)
        try:
            engine.setProperty("voice", voice_id)
        except (ValueError, TypeError) as exc:
            raise BadInput(f"espeak-ng refused voice {voice!r}: {exc}") from exc
        engine.setProperty("rate", rate_wpm)
        self._engine = engine
        self.version = f"pyttsx3-{dist_version('pyttsx3')}+{_espeak_version()}"

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise SynthesisError("cannot synthesise an empty string")
        # The driver can only write to a file; one per process, removed after reading.
        path = Path(tempfile.gettempdir()) / f"narration-espeak-{os.getpid()}.wav"
        path.unlink(missing_ok=True)
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        self._espeak.Synchronize()
        try:
            with wave.open(str(path), "rb") as w:
                if w.getnchannels() != 1 or w.getsampwidth() != 2:
                    raise SynthesisError(f"espeak-ng wrote an unexpected WAV format for {text!r}")
                if w.getframerate() != self.sample_rate:
                    raise SynthesisError(f"espeak-ng wrote {w.getframerate()} Hz, not 22050")
                pcm = w.readframes(w.getnframes())
        except (FileNotFoundError, wave.Error, EOFError) as exc:
            raise SynthesisError(f"espeak-ng wrote no audio for {text[:60]!r}") from exc
        finally:
            path.unlink(missing_ok=True)
        return pcm


def _espeak_version() -> str:
    """espeak-ng's library version, so an upgrade of the voice data re-synthesises."""
    import ctypes
    import ctypes.util

    lib_name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
    try:
        lib = ctypes.CDLL(lib_name)
        info = lib.espeak_Info
        info.restype = ctypes.c_char_p
        info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        raw = info(None)
    except (OSError, AttributeError):
        return "espeak-ng-unknown"
    return "espeak-ng-" + (raw.decode() if raw else "unknown")
