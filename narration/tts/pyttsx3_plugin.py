"""The ``pyttsx3`` backend as the registry sees it: espeak-ng's voices, from its listing.

``pyproject.toml`` declares :data:`PLUGIN` under the ``narration.backends`` entry-point
group, as a third-party package would declare its own. Nothing here starts libespeak.
"""

from __future__ import annotations

from narration.prepare.language import ESPEAK_NAMES, espeak_name, normalise
from narration.tts import pyttsx3 as espeak
from narration.tts.base import Backend, BackendInfo, BackendPlugin, InstalledVoice


class Pyttsx3Plugin(BackendPlugin):
    """espeak-ng through pyttsx3: many languages, and files that determine its output."""

    fingerprinted = True

    def create(self, voice: str, rate_wpm: int) -> Backend:
        return espeak.Pyttsx3Backend(voice, rate_wpm)

    def voices(self) -> list[InstalledVoice]:
        rate = espeak.Pyttsx3Backend.sample_rate
        return [
            InstalledVoice(vid.rsplit("/", 1)[-1], lang, rate)
            for vid, lang in espeak.installed_voices()
        ]

    def check_voice(self, voice: str) -> None:
        espeak.check_voice(voice)

    def info(self, voice: str) -> BackendInfo:
        # Learnt with the voice listing: no worker needs to start to tell it.
        backend = espeak.Pyttsx3Backend
        return BackendInfo(backend.name, espeak.listed_version(), backend.sample_rate)

    def voice_language(self, voice: str) -> str | None:
        named = normalise(voice.rsplit("/", 1)[-1])
        aliases = {name: lang for lang, name in ESPEAK_NAMES.items()}
        return aliases.get(named, named) if named else None

    def voice_for_language(self, voice: str, language: str) -> str:
        # espeak-ng speaks many languages: it follows the article's.
        return espeak_name(language)

    def fingerprint(self) -> list[object]:
        return espeak.listing_key()


PLUGIN = Pyttsx3Plugin()
