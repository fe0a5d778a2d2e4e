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
import contextlib
import ctypes
import ctypes.util
import glob
import importlib.util
import json
import os
import threading
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

from narration.errors import BadInput, SynthesisError
from narration.fsutil import write_atomic
from narration.prepare.language import espeak_name

_engine: Any = None
_current: dict[str, Any] = {}


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        # Lazy: only synthesis workers drive the engine; a narrate re-run imports this module
        # and its main process stays without pyttsx3.
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
_version: str | None = None
_listing = threading.Lock()

LISTING_FORMAT = 1
"""Changes when what the on-disk listing holds changes."""
_LIBRARY_GLOBS = (
    "/usr/lib/libespeak-ng.so*",
    "/usr/lib/*/libespeak-ng.so*",
    "/usr/lib64/libespeak-ng.so*",
    "/usr/local/lib/libespeak-ng.so*",
    "/usr/local/lib/*/libespeak-ng.so*",
    "/opt/homebrew/lib/libespeak-ng*.dylib",
    "/usr/local/lib/libespeak-ng*.dylib",
)
_DATA_GLOBS = (
    "/usr/share/espeak-ng-data",
    "/usr/lib/espeak-ng-data",
    "/usr/lib/*/espeak-ng-data",
    "/usr/local/share/espeak-ng-data",
    "/usr/local/lib/espeak-ng-data",
    "/opt/homebrew/share/espeak-ng-data",
)


def espeak_facts() -> tuple[list[tuple[str, str]], str]:
    """The voices (:func:`espeak_voices`) and the backend's version, as a worker's
    :class:`Pyttsx3Backend` reports it."""
    return espeak_voices(), _backend_version()


def installed_voices() -> list[tuple[str, str]]:
    """:func:`espeak_voices`, asked of a short-lived worker process once per process:
    libespeak is never initialised in the caller's process. The answer is kept on disk
    (see :func:`listing_key`) so that later processes do not start one."""
    _ensure_listed()
    assert _listed is not None
    return list(_listed)


def listed_version() -> str:
    """The version a :class:`Pyttsx3Backend` reports, learnt with the voices (no engine
    runs in this process)."""
    _ensure_listed()
    assert _version is not None
    return _version


def _ensure_listed() -> None:
    global _listed, _version
    with _listing:
        if _listed is not None:
            return
        key = listing_key()
        stored = _read_listing(key)
        if stored is not None:
            _listed, _version = stored
            return
        # Here, not at the top: a run answered from the listing on disk (or from an
        # unchanged-file note) never loads multiprocessing.
        from narration.tts.process import run_in_process

        try:
            voices, version = run_in_process(espeak_facts, LISTING_TIMEOUT_S)
        except (OSError, ImportError, RuntimeError, TimeoutError) as exc:
            # pebble's ProcessExpired (the process died) is an OSError.
            raise SynthesisError(
                f"cannot list the espeak-ng voices: {type(exc).__name__}: {exc}"
            ) from exc
        _listed, _version = [(str(v), str(lang)) for v, lang in voices], version
        _write_listing(key, _listed, version)


def listing_path() -> Path:
    """Where the listing is kept: the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "narration" / "espeak-voices.json"


def listing_key() -> list[object]:
    """What the listing depends on: pyttsx3's files, and espeak-ng's library and voice data
    (each file's or directory's identity and time of change), and the variables that
    point at others. Installing, upgrading or removing any of them gives another key."""

    def stamp(path: str) -> list[object]:
        try:
            st = os.stat(path)
        except OSError:
            return [path, None]
        return [path, st.st_ino, st.st_size, st.st_mtime_ns]

    spec = importlib.util.find_spec("pyttsx3")
    origin = spec.origin if spec is not None and spec.origin else ""
    key: list[object] = [LISTING_FORMAT, stamp(origin)]
    if origin:
        key.append(stamp(os.path.join(os.path.dirname(origin), "drivers", "_espeak.py")))
    for pattern in _LIBRARY_GLOBS:
        key += [[*stamp(p), os.path.realpath(p)] for p in sorted(glob.glob(pattern))]
    data_dirs = [os.environ.get("ESPEAK_DATA_PATH", "")]
    for pattern in _DATA_GLOBS:
        data_dirs += sorted(glob.glob(pattern))
    for data in filter(None, data_dirs):
        key.append(stamp(data))
        key += [stamp(os.path.join(data, sub)) for sub in ("voices", "lang")]
        voices = os.path.join(data, "voices")
        if os.path.isdir(voices):
            key += [stamp(os.path.join(voices, d)) for d in sorted(os.listdir(voices))]
    key += [os.environ.get(name, "") for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH")]
    return key


def _read_listing(key: list[object]) -> tuple[list[tuple[str, str]], str] | None:
    try:
        stored = json.loads(listing_path().read_text(encoding="utf-8"))
        if stored["key"] != json.loads(json.dumps(key)):
            return None
        voices = [(str(v), str(lang)) for v, lang in stored["voices"]]
        return voices, str(stored["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_listing(key: list[object], voices: list[tuple[str, str]], version: str) -> None:
    data = json.dumps({"key": key, "voices": voices, "version": version})
    # Without a cache directory the next process lists the voices again.
    with contextlib.suppress(OSError):
        write_atomic(listing_path(), data.encode())


def resolve_voice(voice: str, voices: list[tuple[str, str]]) -> str:
    """Map ``en``, ``en-gb`` or ``gmw/en`` to the id of one of ``voices`` (``zh`` to
    Mandarin, ``cmn``); refuse anything else."""
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
        # Lazy: the espeak driver loads libespeak-ng (~6 ms); only workers make a backend.
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak
        self.voice = voice
        self.rate_wpm = rate_wpm
        _get_engine()  # initialises libespeak once per process
        self._voice_id = resolve_voice(voice, espeak_voices())
        self._apply()
        self.version = _backend_version()

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


def _backend_version() -> str:
    return f"pyttsx3-{dist_version('pyttsx3')}+{_espeak_version()}"


def _espeak_version() -> str:
    """espeak-ng's library version, so an upgrade of the voice data re-synthesises."""
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
