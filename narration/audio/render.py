"""Stream a script's audio into MP3 encoders and record where every part is heard.

Clips are read one at a time and written straight to an encoder: nothing is joined in
memory, so time and memory grow linearly with the episode. The script is encoded in parts
(``narration.audio.parts``: one per paragraph, cached by content) on ``ENCODERS`` threads,
and the parts' frames are joined in order.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from narration.audio.encode import (
    ENCODER_DELAY_SAMPLES,
    Mp3Writer,
    frame_samples,
    samples_in_frames,
)
from narration.audio.parts import Part, PartCache, PartPlan, lead_silence
from narration.audio.peaks import PeakMeter, waveform
from narration.audio.script import Script, Silence, Speech
from narration.errors import AudioError
from narration.fsutil import owned_temp, sweep_dead_temps
from narration.model import Chapter, Clip, Cue, Timeline

ClipSource = Callable[[], Clip]
"""Waits for a clip (it may still be being synthesised) and returns it."""

ENCODERS = 2
"""Parts encoded at once (LAME releases the GIL, so each uses a core)."""


def render(
    script: Script,
    clips: Mapping[int, ClipSource],
    dest: Path,
    sample_rate: int,
    bitrate_kbps: int,
    parts: Sequence[PartPlan],
    cache: PartCache,
    on_speech: Callable[[int], None] | None = None,
) -> tuple[Path, Timeline]:
    """Encode the script into a temporary file beside ``dest``; return it and the timeline.

    ``clips`` maps the index of each Speech and Chime segment of the parts that are not in
    ``cache`` to its clip.
    """
    counter = _Counter(on_speech)
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep_dead_temps(dest)
    tmp = owned_temp(dest)
    try:
        with ThreadPoolExecutor(max_workers=ENCODERS) as threads:
            futures = [
                threads.submit(_part, script, plan, clips, cache, sample_rate, bitrate_kbps,
                               counter)
                for plan in parts
            ]  # fmt: skip
            results = [f.result() for f in futures]
        with open(tmp, "wb") as out:
            for plan in parts:
                with open(cache.audio(plan.key), "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, _timeline(results, sample_rate, bitrate_kbps)


def _part(
    script: Script,
    plan: PartPlan,
    clips: Mapping[int, ClipSource],
    cache: PartCache,
    sample_rate: int,
    bitrate_kbps: int,
    counter: _Counter,
) -> Part:
    """The part from the cache, else encoded now and kept there."""
    found = cache.load(plan.key)
    if found is not None:
        counter.add(sum(isinstance(script.segments[i], Speech) for i in plan.indices))
        return found
    path = cache.audio(plan.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_dead_temps(path)  # left by a worker killed while encoding this part
    tmp = owned_temp(path)
    try:
        part = _encode(script, plan.indices, clips, tmp, sample_rate, bitrate_kbps, counter)
        cache.store(plan.key, tmp, part)
    finally:
        tmp.unlink(missing_ok=True)
    return part


def _encode(
    script: Script,
    indices: range,
    clips: Mapping[int, ClipSource],
    path: Path,
    sample_rate: int,
    bitrate_kbps: int,
    counter: _Counter,
) -> Part:
    writer = Mp3Writer(path, sample_rate, bitrate_kbps, tmp=path)
    # One bucket per MP3 frame: a part decodes to whole frames, so its buckets end where
    # the next part's begin, however many parts are joined.
    peaks = PeakMeter(sample_rate, frame_samples(sample_rate))
    peaks.add_silence(ENCODER_DELAY_SAMPLES)  # where a decoder puts the first sample
    silences = lead_silence(script, indices, sample_rate)
    cues: list[tuple[int, int, str]] = []
    chapters: list[tuple[int, str]] = []
    position = 0
    with writer:
        for index in indices:
            segment = script.segments[index]
            if isinstance(segment, Silence):
                n = silences[index]
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
    mp3_bytes = path.stat().st_size
    decoded = samples_in_frames(mp3_bytes, sample_rate, bitrate_kbps)
    # The peaks stretched to the part's decoded length (encoder padding is silence), so
    # the waveform stays in step with the audio across the joins.
    finished = peaks.finish(decoded // peaks.bucket)
    return Part(tuple(cues), tuple(chapters), mp3_bytes, finished)


def _timeline(parts: list[Part], sample_rate: int, bitrate_kbps: int) -> Timeline:
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
        buckets.append(part.peaks)
        stream += samples_in_frames(part.mp3_bytes, sample_rate, bitrate_kbps)
    wave = waveform(buckets, sample_rate, frame_samples(sample_rate)) if parts else None
    return Timeline(_s(stream, sample_rate), tuple(chapters), tuple(cues), wave)


def _s(samples: int, sample_rate: int) -> float:
    return round(samples / sample_rate, 3)


class _Counter:
    """Counts speeches rendered across the part threads, for progress."""

    def __init__(self, on_speech: Callable[[int], None] | None) -> None:
        self._lock = threading.Lock()
        self._done = 0
        self._on_speech = on_speech

    def add(self, count: int = 1) -> None:
        with self._lock:
            self._done += count
            done = self._done
        if self._on_speech:
            self._on_speech(done)
