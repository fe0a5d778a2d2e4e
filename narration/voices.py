"""The voices an output directory is narrated with: one backend and one worker pool each.

The configured voice reads articles in its language; an article in another language gets
the voice for that language (see ``narration.language.voice_for``), with a pool of its own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from narration.config import Settings
from narration.errors import BadInput
from narration.language import voice_for
from narration.tts.base import Backend, VoiceSpec, create_backend, parse_voice
from narration.tts.pool import JobKind, SynthesisPool

CLIP_PROCESSING = "trim-20ms+level-ebur128-limit"
"""Names what workers do to a clip after synthesis; part of every cache key."""


class Voice:
    """A voice in use: its backend (name and version for cache keys) and its workers."""

    def __init__(self, spec: VoiceSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings
        self.backend: Backend = create_backend(spec)
        self._pool: SynthesisPool | None = None

    @property
    def pool(self) -> SynthesisPool:
        if self._pool is None:
            s = self.settings
            self._pool = SynthesisPool(self.spec, s.workers, s.clip_timeout_s)
        return self._pool

    @property
    def identity(self) -> list[str | int]:
        return [self.backend.name, self.backend.version, self.spec.voice, self.spec.rate_wpm]

    def clip_path(self, spoken: str, kind: JobKind = JobKind.SPEECH) -> Path:
        s = self.settings
        key = json.dumps(
            [CLIP_PROCESSING, kind.value, *self.identity, s.loudness_lufs, s.true_peak_dbtp, spoken]
        )
        digest = hashlib.sha256(key.encode()).hexdigest()
        return s.state_dir / "clips" / digest[:2] / f"{digest}.wav"

    def close(self, wait: bool = True) -> None:
        if self._pool is not None:
            self._pool.close(wait)
            self._pool = None


class Voices:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.default = parse_voice(settings.voice, settings.rate_wpm)
        self._voices: dict[VoiceSpec, Voice] = {}
        self.get(self.default)  # an unknown voice is refused before any work

    def get(self, spec: VoiceSpec) -> Voice:
        if spec not in self._voices:
            self._voices[spec] = Voice(spec, self.settings)
        return self._voices[spec]

    def for_language(self, language: str) -> Voice:
        spec = voice_for(self.default, language)
        try:
            return self.get(spec)
        except BadInput as exc:
            raise BadInput(f"no voice reads the article's language {language!r}: {exc}") from exc

    def close(self, wait: bool = True) -> None:
        for voice in self._voices.values():
            voice.close(wait)
