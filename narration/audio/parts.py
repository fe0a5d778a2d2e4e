"""An episode's audio is encoded in parts, one per paragraph, kept in a cache.

MP3 encoding costs more than synthesis, so the script is cut at every paragraph and section
pause into parts that encode on separate threads (LAME releases the GIL) and whose frames
are then joined. Cuts depend only on the script's own pauses, never on lengths, so an edit
to one paragraph changes only that paragraph's part: every other part is found in the cache
by a key made of what it holds (its clips, pauses and texts, the sample rate, bitrate and
encoder), and its frames are copied instead of encoded again.

An encoder delays its stream by ``ENCODER_DELAY_SAMPLES`` of silence; the pause a part
starts with is shortened by as much, so a join keeps the script's pacing. The timeline
counts each part's decoded frames, so transcript and chapter times stay exact.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from narration.audio.encode import ENCODER_DELAY_SAMPLES, QUALITY
from narration.audio.script import PARAGRAPH_GAP_S, Chime, Script, Silence, Speech
from narration.fsutil import write_atomic

PART_FORMAT = 2
"""Changes when what a cached part holds, or how it is made, changes."""


LONG_PART_WORDS = 150
"""About a minute of speech: a paragraph longer than this is cut at a sentence pause."""


@dataclass(frozen=True)
class PartPlan:
    indices: range
    """The script segments the part holds."""
    key: str
    """What the part holds, hashed: its name in the cache."""


@dataclass(frozen=True)
class Part:
    cues: tuple[tuple[int, int, str], ...]
    """(start, end, text) in samples from the start of the part's input."""
    chapters: tuple[tuple[int, str], ...]
    mp3_bytes: int
    peaks: tuple[np.ndarray, np.ndarray]
    """Lowest and highest sample per waveform bucket, over the part's decoded length."""


def lead_silence(script: Script, indices: range, sample_rate: int) -> dict[int, int]:
    """Samples of silence to write for each Silence segment of a part: the pause a part
    (other than the first) opens with is shortened by the encoder's delay."""
    out: dict[int, int] = {}
    for index in indices:
        segment = script.segments[index]
        if isinstance(segment, Silence):
            n = round(segment.seconds * sample_rate)
            if index == indices.start and index > 0:
                n = max(0, n - ENCODER_DELAY_SAMPLES)
            out[index] = n
    return out


def plan_parts(
    script: Script, clip_names: Mapping[int, str], sample_rate: int, bitrate_kbps: int
) -> list[PartPlan]:
    """Cut the script before every paragraph and section pause, and inside a long
    paragraph before the first sentence pause after every ``LONG_PART_WORDS`` words (counted
    from the paragraph's start, so an edit moves no cut outside its paragraph); key each part.

    ``clip_names`` names the clip of each Speech and Chime segment by its content (the clip
    cache's file name), so a key changes exactly when the part's audio would.
    """
    cuts: list[int] = []
    words = 0
    for index, segment in enumerate(script.segments):
        if isinstance(segment, Speech):
            words += len(segment.spoken.split())
        elif index and isinstance(segment, Silence):
            # A sentence pause must hold the encoder's delay.
            long_enough = segment.seconds * sample_rate > 2 * ENCODER_DELAY_SAMPLES
            if segment.seconds >= PARAGRAPH_GAP_S or (long_enough and words >= LONG_PART_WORDS):
                cuts.append(index)
                words = 0
    bounds = [0, *cuts, len(script.segments)]
    plans: list[PartPlan] = []
    head = [PART_FORMAT, _encoder(), QUALITY, sample_rate, bitrate_kbps]
    for start, stop in itertools.pairwise(bounds):
        indices = range(start, stop)
        silences = lead_silence(script, indices, sample_rate)
        body: list[object] = []
        for index in indices:
            segment = script.segments[index]
            if isinstance(segment, Silence):
                body.append(silences[index])
            elif isinstance(segment, Speech):
                body.append([clip_names[index], segment.display, segment.chapter])
            elif isinstance(segment, Chime):
                body.append([clip_names[index]])
        digest = hashlib.sha256(json.dumps([head, body]).encode()).hexdigest()
        plans.append(PartPlan(indices, digest))
    return plans


@functools.lru_cache(maxsize=1)
def _encoder() -> str:
    return f"lameenc {version('lameenc')}"


class PartCache:
    """Encoded parts by key: ``<root>/<key[:2]>/<key>.mp3`` and its ``.json`` (cues,
    chapters, peaks). Both are written atomically, the MP3 first, so a ``.json`` is only
    ever beside a whole MP3."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.mp3", folder / f"{key}.json"

    def has(self, key: str) -> bool:
        audio, meta = self._paths(key)
        return meta.is_file() and audio.is_file()

    def audio(self, key: str) -> Path:
        return self._paths(key)[0]

    def load(self, key: str) -> Part | None:
        """The part, or None when it is missing or does not match its MP3."""
        audio, meta = self._paths(key)
        try:
            doc = json.loads(meta.read_text())
            if audio.stat().st_size != doc["mp3_bytes"]:
                return None
            low = np.frombuffer(base64.b64decode(doc["low"]), dtype="<i2").astype(np.int16)
            high = np.frombuffer(base64.b64decode(doc["high"]), dtype="<i2").astype(np.int16)
            return Part(
                cues=tuple((int(a), int(b), str(t)) for a, b, t in doc["cues"]),
                chapters=tuple((int(a), str(t)) for a, t in doc["chapters"]),
                mp3_bytes=int(doc["mp3_bytes"]),
                peaks=(low, high),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, key: str, encoded: Path, part: Part) -> None:
        """Keep ``encoded`` (moved into the cache) and the part's description."""
        audio, meta = self._paths(key)
        audio.parent.mkdir(parents=True, exist_ok=True)
        os.replace(encoded, audio)
        doc = {
            "cues": [list(c) for c in part.cues],
            "chapters": [list(c) for c in part.chapters],
            "mp3_bytes": part.mp3_bytes,
            "low": base64.b64encode(part.peaks[0].astype("<i2").tobytes()).decode(),
            "high": base64.b64encode(part.peaks[1].astype("<i2").tobytes()).decode(),
        }
        write_atomic(meta, json.dumps(doc).encode())
