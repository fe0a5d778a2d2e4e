"""A backend for fast tests: a tone whose length follows the text. Never the default."""

from __future__ import annotations

import math
from array import array

from narration.errors import SynthesisError


class FakeBackend:
    name = "fake"
    version = "1"
    sample_rate = 22050

    def __init__(self, voice: str = "tone", rate_wpm: int = 170) -> None:
        self.voice = voice
        self.rate_wpm = rate_wpm

    def synthesize(self, text: str) -> bytes:
        words = len(text.split())
        if words == 0:
            raise SynthesisError("cannot synthesise an empty string")
        seconds = 0.2 + words * 60.0 / self.rate_wpm
        n = int(seconds * self.sample_rate)
        amp = 0.25 * 32767
        # A 220 Hz tone with a 10 ms fade at both ends, so joins do not click.
        fade = int(0.01 * self.sample_rate)
        samples = array("h")
        for i in range(n):
            env = min(1.0, i / fade, (n - 1 - i) / fade)
            samples.append(int(amp * env * math.sin(2 * math.pi * 220 * i / self.sample_rate)))
        return samples.tobytes()
