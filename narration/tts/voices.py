"""The voices an output directory is narrated with: one worker pool each.

The configured voice reads articles in its language; an article in another language gets
the voice for that language (see :func:`voice_for`), with a pool of its own.

No engine runs in this process: each backend's plugin (see :mod:`narration.tts.base`)
checks voices against the installed ones by name (:func:`check_voice`), and a backend's
name and version (for cache keys) come from its plugin where it knows them without an
engine, else from one of its workers.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from narration.config import Settings
from narration.errors import BadInput
from narration.tts.base import (
    BackendInfo,
    BackendPlugin,
    VoiceSpec,
    available_backends,
    backend_plugin,
    parse_voice,
)
from narration.tts.pool import JobKind, SynthesisPool

CLIP_PROCESSING = "trim-20ms+level-ebur128-limit"
"""Names what workers do to a clip after synthesis; part of every cache key."""


def voice_language(spec: VoiceSpec) -> str | None:
    """The language a voice reads, from its name where the backend's naming says it."""
    return backend_plugin(spec.backend).voice_language(spec.voice)


def voice_for(spec: VoiceSpec, language: str) -> VoiceSpec:
    """The voice that reads an article in ``language``.

    A backend that speaks many languages (espeak-ng) switches to the article's language.
    Any other voice must already speak it: reading French with English phonetics is
    worse than refusing.
    """
    backend = backend_plugin(spec.backend)
    reads = backend.voice_language(spec.voice)
    if reads is None or reads == language:
        return spec
    switched = backend.voice_for_language(spec.voice, language)
    if switched is None:
        raise BadInput(
            f"the article is in {language!r} but voice {spec.label} reads {reads!r}; "
            f"choose a {language!r} voice with --voice"
        )
    return VoiceSpec(spec.backend, switched, spec.rate_wpm)


@dataclass(frozen=True)
class ListedVoice:
    """An installed voice as ``narration voices`` lists it."""

    label: str
    """``backend:voice``, as ``--voice`` and the API take it."""
    language: str
    sample_rate: int


def listed_voices() -> list[ListedVoice]:
    """The installed voices of every backend (espeak-ng's, the packaged Piper voices,
    Kokoro's when its extra is installed, and those of any other backend that lists its
    own), listed without running an engine in this process."""
    return [
        ListedVoice(f"{name}:{voice.name}", voice.language, voice.sample_rate)
        for name, backend in available_backends().items()
        for voice in backend.voices()
    ]


def check_voice(spec: VoiceSpec) -> BackendPlugin:
    """Refuse, with BadInput, a voice of an unknown backend, or one its backend does not
    have installed; the backend otherwise. No engine is loaded here: a backend that cannot
    tell by name has its voices checked by its workers when they start."""
    backend = backend_plugin(spec.backend)
    backend.check_voice(spec.voice)
    return backend


def check_api_voice(name: str, settings: Settings) -> None:
    """Refuse a voice an API caller asked for unless it is in ``api_voices`` or, when that
    is empty, one ``narration voices`` lists. A voice that names a file (a Piper model
    path) is never taken. The message names the voice and tells nothing of the file
    system."""
    offered = settings.api_voices or [v.label for v in listed_voices()]
    if name not in offered or not _names_installed_voice(name):
        choices = (
            f"one of {', '.join(settings.api_voices)}"
            if settings.api_voices
            else "one that `narration voices` lists"
        )
        raise BadInput(f"voice {name!r} is not offered here: choose {choices}")


def _names_installed_voice(name: str) -> bool:
    backend, _, voice = name.partition(":")
    return backend_plugin(backend).names_installed_voice(voice)


def check_language(spec: VoiceSpec, language: str) -> VoiceSpec:
    """The voice that reads ``language`` in place of ``spec`` (see :func:`voice_for`),
    checked by name like :func:`check_voice`; refused, with BadInput naming the language,
    when there is none."""
    try:
        reader = voice_for(spec, language)
        check_voice(reader)
    except BadInput as exc:
        raise BadInput(f"no voice reads the article's language {language!r}: {exc}") from exc
    return reader


def check_voices(show: Settings, requested: str | None) -> None:
    """Refuse a submission's voice: the one it asks for (``requested``, see
    :func:`check_api_voice`), or its show's."""
    if requested:
        check_api_voice(requested, show)
    check_voice(parse_voice(requested or show.show.voice, show.show.rate_wpm))


class Voice:
    """A voice in use: its workers, and its backend's name and version for cache keys."""

    def __init__(self, spec: VoiceSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings
        self._plugin = check_voice(spec)
        self._pool: SynthesisPool | None = None
        self._backend: BackendInfo | None = None

    @property
    def pool(self) -> SynthesisPool:
        if self._pool is None:
            s = self.settings
            timeout_s = max(s.jobs.clip_timeout_s, self._plugin.min_clip_timeout_s)
            self._pool = SynthesisPool(self.spec, s.jobs.workers, timeout_s, self._plugin.create)
        return self._pool

    @property
    def backend(self) -> BackendInfo:
        """Name, version and sample rate, as the backend's plugin knows them or else as a
        worker reports them (asked once)."""
        if self._backend is None:
            self._backend = self._plugin.info(self.spec.voice) or self.pool.info()
        return self._backend

    @property
    def identity(self) -> list[str | int]:
        return [self.backend.name, self.backend.version, self.spec.voice, self.spec.rate_wpm]

    def clip_path(self, spoken: str, kind: JobKind = JobKind.SPEECH) -> Path:
        s = self.settings
        key = json.dumps(
            [
                CLIP_PROCESSING,
                kind.value,
                *self.identity,
                s.audio.loudness_lufs,
                s.audio.true_peak_dbtp,
                spoken,
            ]
        )
        digest = hashlib.sha256(key.encode()).hexdigest()
        return s.state_dir / "clips" / digest[:2] / f"{digest}.wav"

    def close(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.close(wait)
            self._pool = None

    def release(self) -> None:
        """Close the workers as the process ends (see :meth:`SynthesisPool.release`)."""
        if self._pool is not None:
            self._pool.release()
            self._pool = None


@dataclass(frozen=True)
class Cast:
    """The voices that read one article: its reader and, when the show sets a quote voice
    that reads the article's language, the voice of its sentences that are all inside
    quotation marks (as radio plays a clip)."""

    reader: Voice
    quotes: Voice | None = None

    def voice_for(self, quotation: bool) -> Voice:
        return self.quotes if quotation and self.quotes is not None else self.reader


class Voices:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.default = parse_voice(settings.show.voice, settings.show.rate_wpm)
        self.quote = (
            parse_voice(settings.show.quote_voice, settings.show.rate_wpm)
            if settings.show.quote_voice
            else None
        )
        self._voices: dict[VoiceSpec, Voice] = {}
        self._lock = threading.RLock()
        self.get(self.default)  # an unknown voice is refused before any work
        if self.quote is not None:
            self.get(self.quote)

    def get(self, spec: VoiceSpec) -> Voice:
        with self._lock:  # jobs narrated at once share the voices of their show
            if spec not in self._voices:
                self._voices[spec] = Voice(spec, self.settings)
            return self._voices[spec]

    def for_language(self, language: str) -> Voice:
        return self.get(check_language(self.default, language))

    def cast(self, language: str) -> Cast:
        """The reader of an article in ``language`` (refused when there is none) and its
        quote voice: none when the show sets none or the one it sets cannot read the
        language (the reader reads its quotations then)."""
        reader = self.for_language(language)
        if self.quote is None:
            return Cast(reader)
        try:
            quotes = self.get(check_language(self.quote, language))
        except BadInput:
            return Cast(reader)
        return Cast(reader, quotes if quotes is not reader else None)

    def close(self, wait: bool = True) -> None:
        for voice in self._voices.values():
            voice.close(wait)

    def release(self) -> None:
        """Close every voice as the process ends: a command's last step."""
        for voice in self._voices.values():
            voice.release()
