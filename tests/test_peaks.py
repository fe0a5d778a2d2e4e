"""Waveform peaks: measured while rendering, stored beside the audio, in step with it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narration.audio.peaks import MAX_POINTS, PeakMeter, waveform
from narration.config import Settings
from narration.store.catalog import Catalog
from narration.store.database import Database
from tests.helpers import decode
from tests.test_pipeline import _narrate, _write

RATE = 22050


def _direct(samples: np.ndarray, bucket: int) -> tuple[np.ndarray, np.ndarray]:
    lows = [samples[i : i + bucket].min() for i in range(0, samples.size, bucket)]
    highs = [samples[i : i + bucket].max() for i in range(0, samples.size, bucket)]
    return np.array(lows), np.array(highs)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0, max_value=9000)),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=0, max_value=2**31),
)
def test_meter_matches_the_whole_stream_however_it_is_cut(
    pieces: list[tuple[bool, int]], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    meter = PeakMeter(RATE)
    chunks = []
    for silent, count in pieces:
        if silent:
            chunk = np.zeros(count, dtype=np.int16)
            meter.add_silence(count)
        else:
            chunk = rng.integers(-32768, 32767, size=count, dtype=np.int16)
            meter.add(chunk.astype("<i2").tobytes())
        chunks.append(chunk)
    whole = np.concatenate(chunks)
    low, high = meter.finish()
    want_low, want_high = _direct(whole, meter.bucket)
    assert low.tolist() == want_low.tolist()
    assert high.tolist() == want_high.tolist()


def test_finish_pads_with_silence_to_the_decoded_length() -> None:
    meter = PeakMeter(RATE)
    meter.add(np.full(meter.bucket * 3, 1000, dtype=np.int16).tobytes())
    low, high = meter.finish(5)
    assert high.tolist() == [1000, 1000, 1000, 0, 0]
    assert low.tolist() == [1000, 1000, 1000, 0, 0]


def test_long_waveforms_are_thinned_keeping_the_extremes() -> None:
    n = 3 * MAX_POINTS + 7
    low = np.zeros(n, dtype=np.int16)
    high = np.zeros(n, dtype=np.int16)
    high[4321] = 32767
    low[1234] = -32768
    wave = waveform([(low, high)], RATE, 2205)
    points = len(wave.data) // 2
    assert points <= MAX_POINTS
    assert wave.samples_per_pixel == 2205 * 4
    assert max(wave.data) == 127 and min(wave.data) == -128
    assert wave.data[2 * (4321 // 4) + 1] == 127
    assert wave.data[2 * (1234 // 4)] == -128


@pytest.mark.slow
def test_episode_peaks_follow_the_decoded_audio(fake_settings: Settings, tmp_path: Path) -> None:
    (result,) = _narrate(fake_settings, _write(tmp_path))
    ep = result.episode
    assert ep.peaks_name is not None and ep.peaks_name.endswith(".peaks.json")
    doc = json.loads((fake_settings.out_dir / ep.peaks_name).read_text())
    assert doc["version"] == 2 and doc["bits"] == 8 and doc["channels"] == 1
    spp = doc["samples_per_pixel"]
    data = np.array(doc["data"], dtype=np.float64)
    loud = np.maximum(-data[0::2], data[1::2]) / 128
    # The same measure taken on the MP3 as a podcast app decodes it.
    audio = decode(fake_settings.out_dir / ep.audio_name, doc["sample_rate"])
    buckets = -(-audio.size // spp)
    padded = np.concatenate([audio, np.zeros(buckets * spp - audio.size)])
    heard = np.abs(padded).reshape(-1, spp).max(axis=1)
    assert abs(loud.size - heard.size) <= 1
    n = min(loud.size, heard.size)
    assert np.corrcoef(loud[:n], heard[:n])[0, 1] > 0.9
    # Pauses read as quiet and speech as loud where the decoded audio has them (within a
    # bucket either way: the second encoded part may start inside one).
    quiet = np.convolve(heard[:n] < 0.01, np.ones(3), mode="same") == 3
    assert quiet.sum() > 10 and loud[:n][quiet].max() < 0.05
    spoken = np.convolve(heard[:n] > 0.15, np.ones(3), mode="same") == 3
    assert spoken.sum() > 10 and loud[:n][spoken].min() > 0.1


@pytest.mark.slow
def test_the_catalog_keeps_the_peaks_file(fake_settings: Settings, tmp_path: Path) -> None:
    (result,) = _narrate(fake_settings, _write(tmp_path))
    catalog = Catalog(Database.open(fake_settings))
    try:
        stored = catalog.get(result.episode.id)
        assert stored is not None and stored.peaks_name == result.episode.peaks_name
    finally:
        catalog.db.close()
