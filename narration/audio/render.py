"""Stream a script's audio into MP3 encoders and record where every part is heard.

Clips are read one at a time and written straight to an encoder: nothing is joined in
memory, so time and memory grow linearly with the episode. Encoding costs more than
synthesis, so a long script is cut at a pause between sections into parts that encode
on separate threads (LAME releases the GIL) and whose MP3 frames are then joined. An
encoder pads the start and end of its stream, so a join adds a few milliseconds of
silence inside a pause of over a second; the timeline counts the frames of each part,
so transcript and chapter times stay exact.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from narration.audio.encode import ENCODER_DELAY_SAMPLES, Mp3Writer, samples_in_frames
from narration.audio.peaks import PeakMeter, waveform
from narration.audio.script import SECTION_GAP_S, Script, Silence, Speech
from narration.errors import AudioError
from narration.model import Chapter, Clip, Cue, Timeline

ClipSource = Callable[[], Clip]
"""Waits for a clip (it may still be being synthesised) and returns it."""

PARTS = 2
WORDS_PER_SECOND = 2.8  # to weigh pauses against speech when choosing where to cut


@dataclass(frozen=True)
class _Part:
    cues: list[tuple[int, int, str]]
    """(start, end, text) in samples from the start of the part's input."""
    chapters: list[tuple[int, str]]
    path: Path
    mp3_bytes: int
    peaks: PeakMeter


def plan_parts(script: Script, parts: int = PARTS) -> list[range]:
    """Cut the script at the section pauses nearest to equal shares of its length."""
    weights = [
        len(s.spoken.split()) if isinstance(s, Speech) else
        s.seconds * WORDS_PER_SECOND if isinstance(s, Silence) else 3.0
        for s in script.segments
    ]  # fmt: skip
    total = sum(weights)
    candidates: list[tuple[float, int]] = []  # (weight before, index) of section pauses
    running = 0.0
    for index, (segment, weight) in enumerate(zip(script.segments, weights, strict=True)):
        if index and isinstance(segment, Silence) and segment.seconds >= SECTION_GAP_S:
            candidates.append((running, index))
        running += weight
    cuts: list[int] = []
    for k in range(1, parts):
        goal = total * k / parts
        later = [c for c in candidates if not cuts or c[1] > cuts[-1]]
        if later:
            cuts.append(min(later, key=lambda c: abs(c[0] - goal))[1])
    bounds = [0, *cuts, len(script.segments)]
    return [range(a, b) for a, b in itertools.pairwise(bounds)]


def render(
    script: Script,
    clips: Mapping[int, ClipSource],
    dest: Path,
    sample_rate: int,
    bitrate_kbps: int,
    parts: Sequence[range] | None = None,
    on_speech: Callable[[int], None] | None = None,
) -> tuple[Path, Timeline]:
    """Encode the script into a temporary file beside ``dest``; return it and the timeline.

    ``clips`` maps the index of each Speech and Chime segment to its clip.
    """
    plan = list(parts) if parts is not None else plan_parts(script)
    counter = _Counter(on_speech)
    tmp = dest.with_name(f".{dest.name}.tmp")
    part_paths = [dest.with_name(f".{dest.name}.part{i}.tmp") for i in range(len(plan))]
    try:
        with ThreadPoolExecutor(max_workers=len(plan)) as threads:
            futures = [
                threads.submit(_render_part, script, rng, clips, path, sample_rate,
                               bitrate_kbps, counter)
                for rng, path in zip(plan, part_paths, strict=True)
            ]  # fmt: skip
            results = [f.result() for f in futures]
        with open(tmp, "wb") as out:
            for part in results:
                with open(part.path, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        for path in part_paths:
            path.unlink(missing_ok=True)
    return tmp, _timeline(results, sample_rate, bitrate_kbps)


def _render_part(
    script: Script,
    indices: range,
    clips: Mapping[int, ClipSource],
    path: Path,
    sample_rate: int,
    bitrate_kbps: int,
    counter: _Counter,
) -> _Part:
    writer = Mp3Writer(path, sample_rate, bitrate_kbps, tmp=path)
    peaks = PeakMeter(sample_rate)
    peaks.add_silence(ENCODER_DELAY_SAMPLES)  # where a decoder puts the first sample
    cues: list[tuple[int, int, str]] = []
    chapters: list[tuple[int, str]] = []
    position = 0
    with writer:
        for index in indices:
            segment = script.segments[index]
            if isinstance(segment, Silence):
                n = round(segment.seconds * sample_rate)
                writer.write(bytes(2 * n))
                peaks.add_silence(n)
                position += n
                continue
            clip = clips[index]()
            if clip.sample_rate != sample_rate:
                raise AudioError(
                    f"clip {clip.path.name} is {clip.sample_rate} Hz, episode is {sample_rate} Hz"
                )
            audio = AudioSegment.from_wav(str(clip.path))
            start = position
            pcm = bytes(audio.raw_data)
            writer.write(pcm)
            peaks.add(pcm)
            position += int(audio.frame_count())
            if isinstance(segment, Speech):
                cues.append((start, position, segment.display))
                if segment.chapter is not None:
                    chapters.append((start, segment.chapter))
                counter.add()
        writer.finish()
    return _Part(cues, chapters, path, path.stat().st_size, peaks)


def _timeline(parts: list[_Part], sample_rate: int, bitrate_kbps: int) -> Timeline:
    cues: list[Cue] = []
    chapters: list[Chapter] = []
    stream = 0  # decoded samples of the parts before this one
    buckets: list[tuple[np.ndarray, np.ndarray]] = []
    for part in parts:
        offset = stream + ENCODER_DELAY_SAMPLES
        for start, end, text in part.cues:
            cues.append(Cue(_s(offset + start, sample_rate), _s(offset + end, sample_rate), text))
        for start, title in part.chapters:
            at = 0.0 if not chapters else _s(offset + start, sample_rate)
            chapters.append(Chapter(title, at))
        decoded = samples_in_frames(part.mp3_bytes, sample_rate, bitrate_kbps)
        # Each part's peaks stretched to its decoded length (encoder padding is silence), so
        # the waveform stays in step with the audio across the joins.
        buckets.append(part.peaks.finish(round(decoded / part.peaks.bucket)))
        stream += decoded
    wave = waveform(buckets, sample_rate, parts[0].peaks.bucket) if parts else None
    return Timeline(_s(stream, sample_rate), tuple(chapters), tuple(cues), wave)


def _s(samples: int, sample_rate: int) -> float:
    return round(samples / sample_rate, 3)


class _Counter:
    """Counts speeches rendered across the part threads, for progress."""

    def __init__(self, on_speech: Callable[[int], None] | None) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._on_speech = on_speech

    def add(self) -> None:
        with self._lock:
            self._done += 1
            done = self._done
        if self._on_speech:
            self._on_speech(done)
