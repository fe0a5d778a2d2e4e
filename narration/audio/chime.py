"""The short chime that opens and closes an episode, made with pydub's generators.

It is levelled like speech, in a synthesis worker, a few LU under the voice.
"""

from __future__ import annotations

from pydub import AudioSegment
from pydub.generators import Sine

CHIME_UNDER_VOICE_LU = 4.0

# A rising major third opens; the same notes falling close.
_NOTES_HZ = (659.25, 830.61)


def _note(freq: float, ms: int, sample_rate: int) -> AudioSegment:
    tone: AudioSegment = Sine(freq, sample_rate=sample_rate).to_audio_segment(duration=ms)
    overtone: AudioSegment = Sine(freq * 2, sample_rate=sample_rate).to_audio_segment(
        duration=ms, volume=-14.0
    )
    return tone.overlay(overtone).fade_in(8).fade_out(ms - 20)


def chime_pcm(sample_rate: int, closing: bool) -> bytes:
    """16-bit mono PCM of the chime, before levelling."""
    notes = tuple(reversed(_NOTES_HZ)) if closing else _NOTES_HZ
    first = _note(notes[0], 700, sample_rate)
    second = _note(notes[1], 900, sample_rate)
    chime = AudioSegment.silent(duration=1100, frame_rate=sample_rate).overlay(first)
    chime = chime.overlay(second, position=200)
    chime = chime.set_channels(1).set_sample_width(2).set_frame_rate(sample_rate)
    return bytes(chime.raw_data)
