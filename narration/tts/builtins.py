"""The built-in backends as the registry sees them: what each knows without its engine.

``pyproject.toml`` declares these three under the ``narration.backends`` entry-point
group, as a third-party package would declare its own. Each plugin here answers from
files alone (espeak-ng's listing, Piper's configs, Kokoro's vendored voices); the engine
modules (:mod:`~narration.tts.piper` and :mod:`~narration.tts.kokoro` load numpy and
onnxruntime) are imported by :meth:`create`, which runs in synthesis workers only.
"""

from __future__ import annotations

from narration.prepare.language import ESPEAK_NAMES, espeak_name, normalise
from narration.tts import kokoro_files, piper_files
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


class PiperPlugin(BackendPlugin):
    """Piper's neural voices: each speaks one language; a model may be named by path."""

    def create(self, voice: str, rate_wpm: int) -> Backend:
        from narration.tts.piper import PiperBackend  # numpy and onnxruntime: workers only

        return PiperBackend(voice, rate_wpm)

    def voices(self) -> list[InstalledVoice]:
        found = piper_files.packaged_voices()
        return [InstalledVoice(v.name, v.language, v.sample_rate) for v in found]

    def check_voice(self, voice: str) -> None:
        piper_files.check_voice(voice)

    def voice_language(self, voice: str) -> str | None:
        if "_" in voice and "/" not in voice:
            return normalise(voice.split("_")[0])
        return None

    def names_installed_voice(self, voice: str) -> bool:
        return voice in piper_files.PACKAGED_VOICES


class KokoroPlugin(BackendPlugin):
    """Kokoro-82M's vendored English voices (extra ``kokoro``)."""

    min_clip_timeout_s = 180.0
    """Kokoro reads at about half real time on two quiet cores (a worker's first clip
    loads the model too); a long sentence on a busy machine takes minutes."""

    def create(self, voice: str, rate_wpm: int) -> Backend:
        from narration.tts.kokoro import KokoroBackend  # numpy and onnxruntime: workers only

        return KokoroBackend(voice, rate_wpm)

    def voices(self) -> list[InstalledVoice]:
        if not kokoro_files.kokoro_installed():
            return []
        rate = kokoro_files.SAMPLE_RATE
        return [InstalledVoice(v.name, v.language, rate) for v in kokoro_files.vendored_voices()]

    def check_voice(self, voice: str) -> None:
        # What the backend would refuse, without loading the model: the extra or a model
        # part missing, the parts not joining into the pinned model, an unknown voice.
        # The model is joined into the cache here, once, when it is not there yet.
        kokoro_files.check_installed()
        kokoro_files.voice_file(voice)
        kokoro_files.model_path()

    def voice_language(self, voice: str) -> str | None:
        # Every vendored voice reads English (the backend refuses other names).
        return "en" if voice[:1] in kokoro_files.ACCENTS and voice[1:2] in ("f", "m") else None


PYTTSX3 = Pyttsx3Plugin()
PIPER = PiperPlugin()
KOKORO = KokoroPlugin()
