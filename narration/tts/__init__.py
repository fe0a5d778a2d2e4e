"""Text-to-speech backends behind one small protocol, and the worker pool that runs them."""

from narration.tts.base import Backend, VoiceSpec, available_backends, create_backend, parse_voice

__all__ = ["Backend", "VoiceSpec", "available_backends", "create_backend", "parse_voice"]
