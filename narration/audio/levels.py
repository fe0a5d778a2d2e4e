"""Loudness of one clip: brought to the target with a peak limiter, measured by a real meter.

Every clip (sentence, heading, intro line, chime) is levelled on its own in the worker that
made it, so the episode can be streamed to the encoder in one pass without holding it in
memory: the integrated loudness of a programme whose parts each sit at -16 LUFS is -16 LUFS,
because silence between them falls under the gate. Loudness and true peak are measured by
libebur128 (the EBU R128 / ITU-R BS.1770 reference library, through pyebur128); the limiter
is pedalboard's. This module runs in the synthesis workers; the main process never loads it.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pedalboard
import pyebur128

from narration.errors import AudioError
from narration.model import LevelTarget

Float = npt.NDArray[np.float32]

MIN_MEASURABLE_S = 0.4
"""BS.1770 gates 400 ms blocks: shorter clips get the gain of a typical clip instead."""

_MODE_I = int(pyebur128.MeasurementMode.MODE_I)
_MODE_TRUE_PEAK = int(pyebur128.MeasurementMode.MODE_TRUE_PEAK)


def pcm_to_float(pcm: bytes) -> Float:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def float_to_pcm(x: Float) -> bytes:
    return bytes((np.clip(x, -1.0, 32767 / 32768) * 32768.0).astype("<i2").tobytes())


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


def _measure(x: Float, sample_rate: int, mode: int) -> pyebur128.R128State:
    state = pyebur128.R128State(1, sample_rate, mode)
    if x.size:
        state.add_frames(np.ascontiguousarray(x, dtype=np.float32), x.size)
    return state


def loudness_lufs(x: Float, sample_rate: int) -> float:
    """Integrated loudness; -inf for clips too short or too quiet to measure."""
    if x.size < MIN_MEASURABLE_S * sample_rate:
        return -math.inf
    value = float(pyebur128.get_loudness_global(_measure(x, sample_rate, _MODE_I)))
    return value if math.isfinite(value) else -math.inf


TRUE_PEAK_REACH = 16
"""Samples either side that 4x interpolation reads (libebur128's filter spans 12)."""


def true_peak_db(x: Float, sample_rate: int) -> float:
    """True peak (4x oversampled, by libebur128) in dBTP.

    Interpolation is the costly part of the meter, and an inter-sample peak can only rise
    near loud samples: only the neighbourhoods of samples within 6 dB of the sample peak
    are measured, each padded with silence, which gives the same maximum.
    """
    if x.size == 0:
        return -math.inf
    loud = np.nonzero(np.abs(x) >= 0.5 * float(np.max(np.abs(x))))[0]
    if loud.size == 0:
        return -math.inf
    # Merge the neighbourhoods of nearby loud samples into runs, then measure the runs.
    reach = TRUE_PEAK_REACH
    breaks = np.nonzero(np.diff(loud) > 2 * reach)[0]
    starts = np.concatenate(([loud[0]], loud[breaks + 1])) - reach
    ends = np.concatenate((loud[breaks], [loud[-1]])) + reach + 1
    gap = np.zeros(2 * reach, dtype=np.float32)
    pieces: list[Float] = []
    for a, b in zip(starts, ends, strict=True):
        pieces += [x[max(0, int(a)) : min(x.size, int(b))], gap]
    region = np.concatenate(pieces)
    peak = float(pyebur128.get_true_peak(_measure(region, sample_rate, _MODE_TRUE_PEAK), 0))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


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
        # Too short or quiet to measure: peak-normalise to a typical speech crest factor.
        peak = true_peak_db(x, sample_rate)
        if math.isinf(peak):
            return pcm
        y = _gain(x, target.lufs + 12.0 - peak)
    else:
        y = _limit(_gain(x, target.lufs - loud), sample_rate, target.true_peak_dbtp - 1.0)
        limited = loudness_lufs(y, sample_rate)
        if not math.isinf(limited):
            y = _gain(y, target.lufs - limited)
    peak = true_peak_db(y, sample_rate)
    if peak > target.true_peak_dbtp:
        y = _gain(y, target.true_peak_dbtp - peak)
    if not np.all(np.isfinite(y)):
        raise AudioError("levelling produced non-finite samples")
    return float_to_pcm(y)
