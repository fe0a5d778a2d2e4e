"""Stream a script's audio into the encoder and record where every part is heard.

Clips are read one at a time and written straight to the encoder: nothing is joined in
memory, so time and memory grow linearly with the episode, not with its square.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydub import AudioSegment

from narration.audio.encode import ENCODER_DELAY_SAMPLES, Mp3Writer
from narration.audio.script import Script, Silence, Speech
from narration.errors import AudioError
from narration.model import Chapter, Clip, Cue, Timeline

ClipSource = Callable[[], Clip]
"""Waits for a clip (it may still be being synthesised) and returns it."""


def render(
    script: Script,
    clips: Mapping[int, ClipSource],
    writer: Mp3Writer,
    sample_rate: int,
    on_speech: Callable[[int], None] | None = None,
) -> Timeline:
    """Encode the script; ``clips`` maps the index of each Speech and Chime to its clip."""
    cues: list[Cue] = []
    chapters: list[Chapter] = []
    position = 0  # samples written so far
    offset = ENCODER_DELAY_SAMPLES
    spoken = 0
    for index, segment in enumerate(script.segments):
        if isinstance(segment, Silence):
            n = round(segment.seconds * sample_rate)
            writer.write(bytes(2 * n))
            position += n
        else:
            clip = clips[index]()
            if clip.sample_rate != sample_rate:
                raise AudioError(
                    f"clip {clip.path.name} is {clip.sample_rate} Hz, episode is {sample_rate} Hz"
                )
            audio = AudioSegment.from_wav(str(clip.path))
            start = position
            writer.write(bytes(audio.raw_data))
            position += int(audio.frame_count())
            if not isinstance(segment, Speech):
                continue
            cues.append(
                Cue(
                    _s(start + offset, sample_rate),
                    _s(position + offset, sample_rate),
                    segment.display,
                )
            )
            if segment.chapter is not None:
                at = 0.0 if not chapters else _s(start + offset, sample_rate)
                chapters.append(Chapter(segment.chapter, at))
            spoken += 1
            if on_speech:
                on_speech(spoken)
    return Timeline(
        duration_s=_s(position, sample_rate), chapters=tuple(chapters), cues=tuple(cues)
    )


def _s(samples: int, sample_rate: int) -> float:
    return round(samples / sample_rate, 3)
