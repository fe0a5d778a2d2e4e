"""DNSMOS naturalness: the features the P.808 model takes, scores in range over whole
windows, and the figure in the listening check's JSON."""

from __future__ import annotations

import datetime as dt
import wave
from pathlib import Path

import numpy as np
import pytest

from narration.check import naturalness as module
from narration.check.naturalness import WINDOW, log_mel, naturalness
from narration.check.report import Check
from narration.check.result import CheckResult, result_json

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not module.available(), reason="needs speechmos (check extra)"),
]


def _wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def test_the_p808_features_are_900_frames_of_120_bands_in_range() -> None:
    rng = np.random.default_rng(1)
    features = log_mel(rng.normal(0, 0.1, WINDOW - 160))
    assert features.shape == (900, 120) and features.dtype == np.float32
    # dB against the window's maximum, floored 80 dB below it, then (dB + 40) / 40.
    assert features.max() == pytest.approx(1.0) and features.min() >= -1.0 - 1e-6


def test_a_short_file_is_one_window_and_a_longer_one_whole_windows(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    noise = naturalness(_wav(tmp_path / "noise.wav", rng.normal(0, 0.3, 16000 * 3)))
    assert noise.windows == 1 and 1 <= noise.mos <= 5 and 1 <= noise.ovrl <= 5
    t = np.arange(16000 * 20) / 16000
    # A voice-like tone: a 140 Hz buzz with harmonics, syllables of 200 ms.
    buzz = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    voiced = 0.2 * buzz * (np.sin(2 * np.pi * 2.5 * t) > 0)
    tone = naturalness(_wav(tmp_path / "tone.wav", voiced))
    assert tone.windows == 2
    assert set(tone.to_json()) == {"mos", "ovrl"}


def test_the_check_json_carries_naturalness() -> None:
    at = dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
    check = Check(wer=0.1, language="en", sentences=(), naturalness={"mos": 3.9, "ovrl": 3.1})
    assert result_json(CheckResult.of(check, at))["naturalness"] == {"mos": 3.9, "ovrl": 3.1}
    unmeasured = Check(wer=0.1, language="en", sentences=())
    assert result_json(CheckResult.of(unmeasured, at))["naturalness"] is None
