"""The backend contract and the registry that built-in and third-party backends share.

Two objects make a backend, as httpx's ``Client(transport=...)`` takes a transport:

- a :class:`Backend`, one voice of one engine, built only in synthesis worker processes
  (engines such as libespeak are process-global and not thread-safe): it turns one spoken
  string into 16-bit mono PCM;
- a :class:`BackendPlugin`, what the main process knows of the engine without running
  it: its installed voices, which voice names it refuses, the language a voice reads,
  how long a clip may take, and the factory of its :class:`Backend`.

Backends register under a name through the ``narration.backends`` entry-point group; an
entry point names a :class:`BackendPlugin` or a bare factory ``(voice, rate_wpm) ->
Backend`` (which gets :class:`BackendPlugin`'s defaults). The built-ins (``pyttsx3``,
``piper``, ``kokoro``) are declared there by narration's own ``pyproject.toml``. A program
or a test registers one with :func:`register_backend`. The registry imports a backend's
module only when that backend is first asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, PackageNotFoundError, distribution, entry_points
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
class InstalledVoice:
    """A voice a backend has installed, by its name within the backend."""

    name: str
    language: str
    sample_rate: int


class BackendPlugin:
    """What the main process knows of a backend without running its engine.

    Only :meth:`create` is required; the defaults describe a backend that lists no
    voices, checks names only when its workers start, reads whatever language it is
    given, and whose output no file stamp covers. A plugin is sent to the synthesis
    workers with its :meth:`create` (pickled by its class's module and name)."""

    fingerprinted: bool = False
    """True when a voice's output is fully determined by the text, the settings and the
    files :meth:`fingerprint` stamps, so an unchanged file need not be narrated again."""
    min_clip_timeout_s: float = 0.0
    """A clip of this backend gets at least this long, whatever ``clip_timeout_s`` says."""

    def create(self, voice: str, rate_wpm: int) -> Backend:
        """Build the backend for ``voice``; called in synthesis worker processes only."""
        raise NotImplementedError

    def voices(self) -> list[InstalledVoice]:
        """The installed voices, found without running the engine in this process."""
        return []

    def check_voice(self, voice: str) -> None:
        """Refuse, with BadInput, a voice that is not installed, without loading it."""

    def info(self, voice: str) -> BackendInfo | None:
        """Name, version and sample rate when known without a worker; None: ask one."""
        return None

    def voice_language(self, voice: str) -> str | None:
        """The language ``voice`` reads, where its name says; None when it does not."""
        return None

    def voice_for_language(self, voice: str, language: str) -> str | None:
        """The voice of this backend that reads ``language`` in place of ``voice``; None
        when ``voice`` cannot switch language (its article is refused then)."""
        return None

    def fingerprint(self) -> list[object]:
        """The identity of the files the engine reads (see :attr:`fingerprinted`)."""
        return []

    def names_installed_voice(self, voice: str) -> bool:
        """False when ``voice`` names a file on this machine rather than an installed
        voice: an API caller may never choose such a voice."""
        return True


class FactoryPlugin(BackendPlugin):
    """A backend known only by its factory (a module-level function, so it pickles)."""

    def __init__(self, factory: BackendFactory) -> None:
        self.factory = factory

    def create(self, voice: str, rate_wpm: int) -> Backend:
        return self.factory(voice, rate_wpm)


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


GROUP = "narration.backends"

BUILTIN_BACKENDS: dict[str, str] = {
    "pyttsx3": "narration.tts.pyttsx3_plugin:PLUGIN",
    "piper": "narration.tts.piper_plugin:PLUGIN",
    "kokoro": "narration.tts.kokoro_plugin:PLUGIN",
}
"""narration's own entry points under ``narration.backends``, as ``pyproject.toml``
declares them (a test holds the two equal). The registry reads them from the installed
distribution's metadata; this table stands in for names that metadata lacks (a source
tree on ``sys.path`` without an install, or an install made before they were declared),
so the program never runs without its own voices."""

_registered: dict[str, BackendPlugin | BackendFactory] = {}
_loaded: dict[str, BackendPlugin] = {}


def register_backend(name: str, backend: BackendPlugin | BackendFactory) -> None:
    """Make ``name`` a backend in this process, as a plugin's entry point would.

    A bare factory must be a module-level function (worker processes receive it pickled,
    by its module and name). A backend registered before a synthesis pool starts is used
    by that pool's workers: the pool takes the factory here and hands it to them."""
    if not name or ":" in name:
        raise ValueError(f"backend name {name!r} must be non-empty and without ':'")
    _registered[name] = backend


def as_plugin(found: object) -> BackendPlugin:
    """What an entry point or :func:`register_backend` names, as a plugin."""
    if isinstance(found, BackendPlugin):
        return found
    if callable(found):
        return FactoryPlugin(found)
    raise TypeError(f"a backend is a BackendPlugin or a factory, not {found!r}")


def builtin_entry_points() -> dict[str, EntryPoint]:
    """narration's own backends: from its installed metadata (a few files read, not every
    installed distribution's), else from :data:`BUILTIN_BACKENDS`."""
    try:
        declared = {
            ep.name: ep for ep in distribution("narration").entry_points.select(group=GROUP)
        }
    except PackageNotFoundError:
        declared = {}
    # In the table's order, whatever order the metadata keeps: `narration voices` lists
    # espeak-ng's voices first.
    found = {
        name: declared.get(name) or EntryPoint(name, value, GROUP)
        for name, value in BUILTIN_BACKENDS.items()
    }
    return {**found, **declared}


def load_entry_point(ep: EntryPoint) -> BackendPlugin:
    """The plugin an entry point names, imported once per process."""
    key = f"{ep.name}={ep.value}"
    if key not in _loaded:
        _loaded[key] = as_plugin(ep.load())
    return _loaded[key]


@cache
def _declared_anywhere() -> tuple[EntryPoint, ...]:
    # Every installed distribution's metadata is read (a few ms), once per process: the
    # API lists the voices for each submission that names one.
    return tuple(entry_points(group=GROUP))


def available_backends() -> dict[str, BackendPlugin]:
    """Every backend: the built-ins, those registered in this process, and those other
    installed packages declare under ``narration.backends`` (built-ins and registered
    ones win a name). Loads every one of them."""
    own = builtin_entry_points()
    found = {name: load_entry_point(ep) for name, ep in own.items()}
    found.update({name: as_plugin(backend) for name, backend in _registered.items()})
    for ep in _declared_anywhere():
        if ep.name not in found:
            found[ep.name] = load_entry_point(ep)
    return found


def backend_plugin(name: str) -> BackendPlugin:
    """Backend ``name``; BadInput naming the known backends otherwise."""
    registered = _registered.get(name)
    if registered is not None:
        return as_plugin(registered)
    own = builtin_entry_points().get(name)
    if own is not None:  # no need to read every installed distribution's entry points
        return load_entry_point(own)
    backends = available_backends()
    if name not in backends:
        known = ", ".join(sorted(backends))
        raise BadInput(f"unknown TTS backend {name!r} (known: {known})")
    return backends[name]


def voice_backend(label: str) -> BackendPlugin | None:
    """The backend of voice ``label`` (``backend:voice``); None when no backend has that
    name, or the label is not of that form."""
    backend, sep, _voice = label.partition(":")
    if not sep or not backend:
        return None
    try:
        return backend_plugin(backend)
    except BadInput:
        return None


def backend_factory(name: str) -> BackendFactory:
    """The factory of backend ``name``, for its workers; BadInput as :func:`backend_plugin`."""
    return backend_plugin(name).create


def create_backend(spec: VoiceSpec) -> Backend:
    return backend_factory(spec.backend)(spec.voice, spec.rate_wpm)
