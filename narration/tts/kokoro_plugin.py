"""The ``kokoro`` backend as the registry sees it: Kokoro's vendored voices, from files.

``pyproject.toml`` declares :data:`PLUGIN` under the ``narration.backends`` entry-point
group. The engine module (:mod:`narration.tts.kokoro` loads numpy and onnxruntime) is
imported by :meth:`KokoroPlugin.create`, which runs in synthesis workers only.
"""

from __future__ import annotations

from narration.tts import kokoro_files
from narration.tts.base import Backend, BackendPlugin, InstalledVoice


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


PLUGIN = KokoroPlugin()
