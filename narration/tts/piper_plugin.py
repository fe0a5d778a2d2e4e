"""The ``piper`` backend as the registry sees it: Piper's voices, from their files.

``pyproject.toml`` declares :data:`PLUGIN` under the ``narration.backends`` entry-point
group. The engine module (:mod:`narration.tts.piper` loads numpy and onnxruntime) is
imported by :meth:`PiperPlugin.create`, which runs in synthesis workers only.
"""

from __future__ import annotations

from narration.prepare.language import normalise
from narration.tts import piper_files
from narration.tts.base import Backend, BackendPlugin, InstalledVoice


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


PLUGIN = PiperPlugin()
