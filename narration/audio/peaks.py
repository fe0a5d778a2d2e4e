"""Waveform peaks of an episode, measured while it is rendered, for the player's seek bar.

The PCM that goes to the encoder passes through a :class:`PeakMeter`, which keeps the
lowest and highest sample of every tenth of a second; nothing is decoded afterwards.
:func:`waveform` joins the parts and thins the result to at most ``MAX_POINTS`` points,
the width of a wide seek bar on a high-density screen.
"""

from __future__ import annotations

import numpy as np

from narration.model import Waveform

BUCKET_S = 0.1
MAX_POINTS = 2000


class PeakMeter:
    """Lowest and highest sample of each bucket of a 16-bit mono stream."""

    def __init__(self, sample_rate: int, bucket: int | None = None) -> None:
        self.bucket = bucket or max(1, round(sample_rate * BUCKET_S))
        self._mins: list[np.ndarray] = []
        self._maxs: list[np.ndarray] = []
        self._tail = np.zeros(0, dtype=np.int16)

    def add(self, pcm: bytes) -> None:
        """Count the next samples (little-endian 16-bit)."""
        samples = np.frombuffer(pcm, dtype="<i2")
        if self._tail.size:
            samples = np.concatenate([self._tail, samples])
        whole = samples.size - samples.size % self.bucket
        if whole:
            rows = samples[:whole].reshape(-1, self.bucket)
            self._mins.append(rows.min(axis=1))
            self._maxs.append(rows.max(axis=1))
        self._tail = samples[whole:].copy()

    def add_silence(self, count: int) -> None:
        """Count ``count`` samples of silence without making them."""
        fill = min(count, -self._tail.size % self.bucket)  # completes a partial bucket
        if fill:
            self.add(bytes(2 * fill))
        left = count - fill
        full, rest = divmod(left, self.bucket)
        if full:
            self._mins.append(np.zeros(full, dtype=np.int16))
            self._maxs.append(np.zeros(full, dtype=np.int16))
        if rest:
            self.add(bytes(2 * rest))

    def finish(self, total_buckets: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The minimum and maximum of every bucket, the last one partial; padded with
        silence (or cut) to ``total_buckets`` when given."""
        mins = list(self._mins)
        maxs = list(self._maxs)
        if self._tail.size:
            mins.append(np.array([self._tail.min()], dtype=np.int16))
            maxs.append(np.array([self._tail.max()], dtype=np.int16))
        low = np.concatenate(mins) if mins else np.zeros(0, dtype=np.int16)
        high = np.concatenate(maxs) if maxs else np.zeros(0, dtype=np.int16)
        if total_buckets is not None:
            pad = total_buckets - low.size
            if pad > 0:
                low = np.concatenate([low, np.zeros(pad, dtype=np.int16)])
                high = np.concatenate([high, np.zeros(pad, dtype=np.int16)])
            low, high = low[:total_buckets], high[:total_buckets]
        return low, high


def waveform(parts: list[tuple[np.ndarray, np.ndarray]], sample_rate: int, bucket: int) -> Waveform:
    """One waveform from the parts' buckets, thinned to at most ``MAX_POINTS`` points of
    8-bit minimum and maximum (the BBC audiowaveform data format)."""
    low = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int16)
    high = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int16)
    factor = max(1, -(-low.size // MAX_POINTS))
    if factor > 1:
        pad = (-low.size) % factor
        low = np.concatenate([low, np.zeros(pad, dtype=np.int16)]).reshape(-1, factor).min(1)
        high = np.concatenate([high, np.zeros(pad, dtype=np.int16)]).reshape(-1, factor).max(1)
    # int16 to int8 by the top byte: floor division keeps -32768 at -128, 32767 at 127.
    low8 = (low.astype(np.int32) // 256).astype(np.int8)
    high8 = (high.astype(np.int32) // 256).astype(np.int8)
    data = np.empty(low8.size * 2, dtype=np.int8)
    data[0::2], data[1::2] = low8, high8
    return Waveform(
        sample_rate=sample_rate,
        samples_per_pixel=bucket * factor,
        data=tuple(int(v) for v in data),
    )
