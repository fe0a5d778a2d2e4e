"""The backend contract and the registry that built-in and third-party backends share.

A backend turns one spoken string into 16-bit mono PCM. Built-in backends register here
the same way a third-party package does, through the ``narration.backends`` entry-point
group: an entry point names a factory ``(voice: str, rate_wpm: int) -> Backend``. A
program can also register one with :func:`register_backend`.

Backends are built only in synthesis worker processes (engines such as libespeak are
process-global and not thread-safe); the parent learns a backend's name and version from
a worker (:class:`BackendInfo`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from narration.errors import BadInput


@runtime_checkable
class Backend(Protocol):
    """One voice of one engine, configured once and used for many strings."""

    name: str
    """Registry name, e.g. ``pyttsx3``; part of clip cache keys."""
    version: str
    """Engine and voice version; part of clip cache keys so an upgrade re-synthesises."""
    sample_rate: int

    def synthesize(self, text: str) -> bytes:
        """Read ``text`` aloud; return 16-bit little-endian mono PCM at ``sample_rate``."""
        ...


BackendFactory = Callable[[str, int], Backend]


@dataclass(frozen=True)
class BackendInfo:
    """What the parent process knows of a backend: a worker built it and reported this."""

    name: str
    version: str
    sample_rate: int


@dataclass(frozen=True)
class VoiceSpec:
    """A voice named ``backend:voice`` plus the per-show speaking rate."""

    backend: str
    voice: str
    rate_wpm: int

    @property
    def label(self) -> str:
        return f"{self.backend}:{self.voice}"


def parse_voice(name: str, rate_wpm: int) -> VoiceSpec:
    backend, sep, voice = name.partition(":")
    if not sep or not backend or not voice:
        raise BadInput(f"voice {name!r} is not of the form backend:voice (e.g. pyttsx3:en)")
    return VoiceSpec(backend=backend, voice=voice, rate_wpm=rate_wpm)


def _load_pyttsx3(voice: str, rate_wpm: int) -> Backend:
    from narration.tts.pyttsx3 import Pyttsx3Backend

    return Pyttsx3Backend(voice, rate_wpm)


def _load_piper(voice: str, rate_wpm: int) -> Backend:
    from narration.tts.piper import PiperBackend

    return PiperBackend(voice, rate_wpm)


def _load_kokoro(voice: str, rate_wpm: int) -> Backend:
    from narration.tts.kokoro import KokoroBackend

    return KokoroBackend(voice, rate_wpm)


BUILTIN_BACKENDS: dict[str, BackendFactory] = {
    "pyttsx3": _load_pyttsx3,
    "piper": _load_piper,
    "kokoro": _load_kokoro,
}

MIN_CLIP_TIMEOUT_S: dict[str, float] = {"kokoro": 180.0}
"""Built-in backends slower than ``clip_timeout_s`` allows for: a clip of theirs gets at
least this long. Kokoro reads at about half real time on two quiet cores (a worker's
first clip loads the model too); a long sentence on a busy machine takes minutes."""

_registered: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``name`` a backend in this process, as a plugin's entry point would.

    ``factory`` must be a module-level function (worker processes receive it pickled, by
    its module and name). A backend registered before a synthesis pool starts is used by
    that pool's workers: the pool resolves the factory here and hands it to them."""
    if not name or ":" in name:
        raise ValueError(f"backend name {name!r} must be non-empty and without ':'")
    _registered[name] = factory


def available_backends() -> dict[str, BackendFactory]:
    """Built-in backends, those registered in this process, and those other packages
    declare under ``narration.backends``."""
    from importlib.metadata import entry_points

    found = {**BUILTIN_BACKENDS, **_registered}
    for ep in entry_points(group="narration.backends"):
        found.setdefault(ep.name, ep.load())
    return found


def backend_factory(name: str) -> BackendFactory:
    """The factory of backend ``name``; BadInput naming the known backends otherwise."""
    # Built-in and registered backends win over entry points: no need to look those up.
    known_here = _registered.get(name) or BUILTIN_BACKENDS.get(name)
    if known_here is not None:
        return known_here
    factories = available_backends()
    factory = factories.get(name)
    if factory is None:
        known = ", ".join(sorted(factories))
        raise BadInput(f"unknown TTS backend {name!r} (known: {known})")
    return factory


def create_backend(spec: VoiceSpec) -> Backend:
    return backend_factory(spec.backend)(spec.voice, spec.rate_wpm)
