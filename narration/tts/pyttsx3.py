"""The default backend: pyttsx3 driving espeak-ng.

pyttsx3 initialises libespeak, lists its voices and sets the voice and rate. Its driver's
``save_to_file`` + ``runAndWait`` path is not used for synthesis: ``runAndWait()``
returns before the audio exists and the WAV is written later under whatever file name is
current then; its loop sleeps 10 ms per call, collects audio with quadratic ``bytes +=``,
and goes through a temporary file and a print on stdout. Per sentence that cost more
than espeak's own synthesis. So each clip goes through pyttsx3's ctypes binding of
libespeak (``pyttsx3.drivers._espeak``, a private module: the dependency on it lives here
and nowhere else): our callback collects the PCM, and ``Synchronize()`` waits for the
end. libespeak is initialised once per process and is not thread-safe: one engine per
process, used from one thread, and only in synthesis worker processes. The main process
learns which voices exist from a short-lived worker (:func:`installed_voices`).
"""

from __future__ import annotations

import atexit
import ctypes
import threading
from importlib.metadata import version as dist_version
from typing import Any

from narration.errors import BadInput, SynthesisError

_engine: Any = None
_current: dict[str, Any] = {}


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        import pyttsx3

        _engine = pyttsx3.init("espeak")
        # pyttsx3's DriverProxy.__del__ fails (and prints a traceback) when it runs during
        # interpreter teardown; drop the engine while modules are still alive.
        atexit.register(_drop_engine)
    return _engine


def _drop_engine() -> None:
    global _engine
    _engine = None


def espeak_voices() -> list[tuple[str, str]]:
    """(id, language) of every espeak-ng voice pyttsx3 sees."""
    engine = _get_engine()
    out = []
    for v in engine.getProperty("voices"):
        langs = [lang.decode() if isinstance(lang, bytes) else str(lang) for lang in v.languages]
        out.append((str(v.id), langs[0] if langs else ""))
    return out


LISTING_TIMEOUT_S = 60.0
"""How long the process that lists the voices may take."""

_listed: list[tuple[str, str]] | None = None
_listing = threading.Lock()


def installed_voices() -> list[tuple[str, str]]:
    """:func:`espeak_voices`, asked of a short-lived worker process once per process:
    libespeak is never initialised in the caller's process."""
    global _listed
    with _listing:
        if _listed is None:
            from narration.tts.pool import run_in_process

            try:
                _listed = run_in_process(espeak_voices, LISTING_TIMEOUT_S)
            except (OSError, ImportError, RuntimeError, TimeoutError) as exc:
                # pebble's ProcessExpired (the process died) is an OSError.
                raise SynthesisError(
                    f"cannot list the espeak-ng voices: {type(exc).__name__}: {exc}"
                ) from exc
        return list(_listed)


def resolve_voice(voice: str, voices: list[tuple[str, str]]) -> str:
    """Map ``en``, ``en-gb`` or ``gmw/en`` to the id of one of ``voices`` (``zh`` to
    Mandarin, ``cmn``); refuse anything else."""
    from narration.prepare.language import espeak_name

    voice = espeak_name(voice)
    for vid, _lang in voices:
        if voice in (vid, vid.rsplit("/", 1)[-1]):
            return vid
    for vid, lang in voices:
        if voice.lower() == lang.lower():
            return vid
    raise BadInput(f"unknown espeak-ng voice {voice!r} (see `narration voices`)")


def check_voice(voice: str) -> None:
    """Refuse, without touching libespeak here, a voice no installed espeak-ng voice is."""
    resolve_voice(voice, installed_voices())


class Pyttsx3Backend:
    name = "pyttsx3"
    sample_rate = 22050

    def __init__(self, voice: str = "en", rate_wpm: int = 170) -> None:
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak
        self.voice = voice
        self.rate_wpm = rate_wpm
        _get_engine()  # initialises libespeak once per process
        self._voice_id = resolve_voice(voice, espeak_voices())
        self._apply()
        self.version = f"pyttsx3-{dist_version('pyttsx3')}+{_espeak_version()}"

    def _apply(self) -> None:
        # pyttsx3's Engine.setProperty only queues the change for its run loop, which is
        # not used: set voice and rate on libespeak directly (they are process-global).
        espeak = self._espeak
        if espeak.SetVoiceByName(self._voice_id.encode()) != espeak.EE_OK:
            raise BadInput(f"espeak-ng refused voice {self.voice!r}")
        if espeak.SetParameter(espeak.RATE, self.rate_wpm, 0) != espeak.EE_OK:
            raise BadInput(f"espeak-ng refused a rate of {self.rate_wpm} words a minute")

    def synthesize(self, text: str) -> bytes:
        if not text.strip():
            raise SynthesisError("cannot synthesise an empty string")
        espeak = self._espeak
        if _current.get("backend") is not self:
            self._apply()  # another backend in this process changed the global voice
            _current["backend"] = self
        chunks: list[bytes] = []

        def collect(wav: Any, samples: int, events: Any) -> int:
            if samples > 0:
                chunks.append(ctypes.string_at(wav, samples * 2))
            return 0  # go on synthesising

        espeak.SetSynthCallback(collect)
        status = espeak.Synth(text, flags=espeak.ENDPAUSE | espeak.CHARS_UTF8)
        if status != espeak.EE_OK:
            raise SynthesisError(f"espeak-ng refused {text[:60]!r} (status {status})")
        espeak.Synchronize()
        pcm = b"".join(chunks)
        if not pcm:
            raise SynthesisError(f"espeak-ng made no audio for {text[:60]!r}")
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
