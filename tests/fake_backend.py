"""A backend for fast tests: a tone whose length follows the text, registered as ``fake``
by the tests only (``pytest_configure`` in ``tests/conftest.py`` in process,
``tests/run_with_fake.py`` for commands run as subprocesses); the program itself never
knows it.

Tests of the worker pool need a voice that misbehaves the way real engines do, so markers
in the text make it hang, kill its process, or return no audio; and tests of the service
need narration that takes a while (to stop a worker in the middle of a job), so a fourth
marker makes each clip take about a second. A fifth, ``[[tally:PATH]]``, appends the text
to PATH each time it is read, so a test can count how often a clip was made.
"""

from __future__ import annotations

import os
import re
import time

import numpy as np

from narration.errors import SynthesisError
from narration.tts.base import Backend, register_backend

NAME = "fake"

SLOW_CLIP_S = 1.0
"""How long a clip whose text holds ``[[slow]]`` takes."""


class FakeBackend:
    name = "fake"
    version = "1"
    sample_rate = 22050

    def __init__(self, voice: str = "tone", rate_wpm: int = 170) -> None:
        self.voice = voice
        self.rate_wpm = rate_wpm

    def synthesize(self, text: str) -> bytes:
        tally = re.search(r"\[\[tally:([^\]]+)\]\]", text)
        if tally:
            with open(tally[1], "a", encoding="utf-8") as fh:
                fh.write(text + "\n")
        if "[[hang]]" in text:
            time.sleep(3600)
        if "[[crash]]" in text:
            os._exit(3)
        if "[[empty]]" in text:
            return b""
        if "[[slow]]" in text:
            time.sleep(SLOW_CLIP_S)
        words = len(text.split())
        if words == 0:
            raise SynthesisError("cannot synthesise an empty string")
        seconds = 0.2 + words * 60.0 / self.rate_wpm
        n = int(seconds * self.sample_rate)
        # A 220 Hz tone with a 10 ms fade at both ends, so joins do not click.
        t = np.arange(n)
        fade = 0.01 * self.sample_rate
        envelope = np.minimum(1.0, np.minimum(t, n - 1 - t) / fade)
        tone = 0.25 * envelope * np.sin(2 * np.pi * 220 * t / self.sample_rate)
        return bytes((tone * 32767).astype("<i2").tobytes())


def create(voice: str, rate_wpm: int) -> Backend:
    """The factory synthesis workers call (module-level, so it pickles by name)."""
    return FakeBackend(voice, rate_wpm)


def register() -> None:
    register_backend(NAME, create)
