"""The backend contract and the registry that built-in and third-party backends share.

A backend turns one spoken string into 16-bit mono PCM. Built-in backends register here
the same way a third-party package does, through the ``narration.backends`` entry-point
group: an entry point names a factory ``(voice: str, rate_wpm: int) -> Backend``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
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


def _load_fake(voice: str, rate_wpm: int) -> Backend:
    from narration.tts.fake import FakeBackend

    return FakeBackend(voice, rate_wpm)


def _load_piper(voice: str, rate_wpm: int) -> Backend:
    from narration.tts.piper import PiperBackend

    return PiperBackend(voice, rate_wpm)


BUILTIN_BACKENDS: dict[str, BackendFactory] = {
    "pyttsx3": _load_pyttsx3,
    "piper": _load_piper,
    "fake": _load_fake,
}


def available_backends() -> dict[str, BackendFactory]:
    """Built-in backends plus those other packages declare under ``narration.backends``."""
    found = dict(BUILTIN_BACKENDS)
    for ep in entry_points(group="narration.backends"):
        found.setdefault(ep.name, ep.load())
    return found


def create_backend(spec: VoiceSpec) -> Backend:
    factories = available_backends()
    factory = factories.get(spec.backend)
    if factory is None:
        known = ", ".join(sorted(factories))
        raise BadInput(f"unknown TTS backend {spec.backend!r} (known: {known})")
    return factory(spec.voice, spec.rate_wpm)
