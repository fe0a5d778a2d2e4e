"""Loudness of one clip: brought to the target with a peak limiter, measured by a real meter.

Every clip (sentence, heading, intro line, chime) is levelled on its own in the worker that
made it, so the episode can be streamed to the encoder in one pass without holding it in
memory: the integrated loudness of a programme whose parts each sit at -16 LUFS is -16 LUFS,
because silence between them falls under the gate. Loudness follows ITU-R BS.1770 as
implemented by pyloudnorm; the limiter is pedalboard's; true peak is read 4x oversampled.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pedalboard
import pyloudnorm
from scipy.signal import firwin

from narration.errors import AudioError

Float = npt.NDArray[np.float32]

MIN_MEASURABLE_S = 0.4
"""BS.1770 gates 400 ms blocks: shorter clips get the gain of a typical clip instead."""


@dataclass(frozen=True)
class LevelTarget:
    lufs: float = -16.0
    true_peak_dbtp: float = -1.5


def pcm_to_float(pcm: bytes) -> Float:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def trim_silence(
    pcm: bytes, sample_rate: int, floor_db: float = -50.0, keep_s: float = 0.02
) -> bytes:
    """Cut leading and trailing silence, keeping a few ms, so a clip starts when speech does.

    Engines pad their output differently; the script's own pauses set the pacing, and the
    transcript and chapter times then point at the first sound of a sentence.
    """
    x = pcm_to_float(pcm)
    loud = np.nonzero(np.abs(x) > 10 ** (floor_db / 20))[0]
    if loud.size == 0:
        return pcm
    keep = int(keep_s * sample_rate)
    start = max(0, int(loud[0]) - keep)
    end = min(x.size, int(loud[-1]) + 1 + keep)
    return pcm[2 * start : 2 * end]


def float_to_pcm(x: Float) -> bytes:
    return bytes((np.clip(x, -1.0, 32767 / 32768) * 32768.0).astype("<i2").tobytes())


# A 48-tap, 4x interpolation filter, the length ITU-R BS.1770 Annex 2 uses for true peak.
# Its four phases as the columns of a 12x4 matrix: interpolation is then one matrix product.
_TRUE_PEAK_PHASES = np.stack(
    [(firwin(48, 0.25 * 0.95, window=("kaiser", 6.0)) * 4)[p::4][::-1] for p in range(4)],
    axis=1,
).astype(np.float32)


def true_peak_db(x: Float) -> float:
    if x.size == 0:
        return -math.inf
    taps = _TRUE_PEAK_PHASES.shape[0]
    padded = np.concatenate([np.zeros(taps - 1, np.float32), x, np.zeros(taps - 1, np.float32)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, taps)
    peak = float(np.max(np.abs(windows @ _TRUE_PEAK_PHASES)))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


@functools.lru_cache(maxsize=4)
def _meter(sample_rate: int) -> pyloudnorm.Meter:
    return pyloudnorm.Meter(sample_rate)


def loudness_lufs(x: Float, sample_rate: int) -> float:
    if x.size < MIN_MEASURABLE_S * sample_rate:
        return -math.inf
    return float(_meter(sample_rate).integrated_loudness(x.astype(np.float64)))


def _limit(x: Float, sample_rate: int, ceiling_db: float) -> Float:
    # pedalboard's Limiter scales its threshold to 0 dBFS; scale back down to the ceiling.
    limiter = pedalboard.Limiter(threshold_db=ceiling_db, release_ms=60.0)
    y = limiter(x[np.newaxis, :], sample_rate)[0]
    return np.asarray(y * (10 ** (ceiling_db / 20)), dtype=np.float32)


def _gain(x: Float, db: float) -> Float:
    return np.asarray(x * np.float32(10 ** (db / 20)), dtype=np.float32)


def level_clip(pcm: bytes, sample_rate: int, target: LevelTarget) -> bytes:
    """Return the clip at the target loudness with true peaks under the ceiling.

    Gain to the target, limit 1 dB under the ceiling, make up what the limiter took, and
    scale down whatever true peak the limiter's fastest transients left over the ceiling.
    """
    x = pcm_to_float(pcm)
    loud = loudness_lufs(x, sample_rate)
    if math.isinf(loud):
        # Too short or silent to measure: peak-normalise to a typical speech crest factor.
        peak = true_peak_db(x)
        if math.isinf(peak):
            return pcm
        y = _gain(x, target.lufs + 12.0 - peak)
    else:
        y = _limit(_gain(x, target.lufs - loud), sample_rate, target.true_peak_dbtp - 1.0)
        limited = loudness_lufs(y, sample_rate)
        if not math.isinf(limited):
            y = _gain(y, target.lufs - limited)
    peak = true_peak_db(y)
    if peak > target.true_peak_dbtp:
        y = _gain(y, target.true_peak_dbtp - peak)
    if not np.all(np.isfinite(y)):
        raise AudioError("levelling produced non-finite samples")
    return float_to_pcm(y)
