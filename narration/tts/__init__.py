"""Text-to-speech backends behind one small protocol, and the worker pool that runs them."""

from narration.tts.base import (
    Backend,
    BackendInfo,
    BackendPlugin,
    InstalledVoice,
    VoiceSpec,
    available_backends,
    create_backend,
    parse_voice,
    register_backend,
)

__all__ = [
    "Backend",
    "BackendInfo",
    "BackendPlugin",
    "InstalledVoice",
    "VoiceSpec",
    "available_backends",
    "create_backend",
    "parse_voice",
    "register_backend",
]
