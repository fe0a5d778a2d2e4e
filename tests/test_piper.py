"""The Piper backend with the real en_US-joe-medium voice: audio, rate, voices, the pipeline."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from narration.config import Settings
from narration.errors import BadInput, SynthesisError
from narration.prepare.load import load_article
from narration.publish.narrator import Narrator, Result
from narration.tts import piper_files
from narration.tts.base import create_backend, parse_voice
from narration.tts.piper import PiperBackend, max_phonemes, split_phonemes
from narration.tts.piper_files import packaged_voices
from tests.helpers import run_cli

pytestmark = pytest.mark.slow

JOE = "piper:en_US-joe-medium"
SENTENCE = "The council voted on Tuesday to build twelve kilometres of protected cycle lanes."
LONGER = (
    SENTENCE + " Work on the first section starts in May and should be finished before the "
    "end of next year, according to the transport committee."
)

ARTICLE = """---
title: "Harbour Ferry Returns After Repairs"
author: "Sam Reid"
date: 2025-09-14
---

The harbour ferry carried its first passengers in six weeks on Monday morning. Engineers
replaced both engines after a fault in August.

## Timetable

Boats will run every twenty minutes at peak times. Evening sailings return next month.
"""


def _seconds(pcm: bytes, sample_rate: int) -> float:
    return len(pcm) / 2 / sample_rate


@pytest.fixture(scope="module")
def joe() -> PiperBackend:
    backend = create_backend(parse_voice(JOE, 170))
    assert isinstance(backend, PiperBackend)
    return backend


def test_synthesises_a_sentence_as_speech_of_plausible_length(joe: PiperBackend) -> None:
    pcm = joe.synthesize(SENTENCE)
    assert joe.name == "piper"
    assert joe.sample_rate == 22050
    assert pcm and len(pcm) % 2 == 0
    seconds = _seconds(pcm, joe.sample_rate)
    words = len(SENTENCE.split())
    expected = words * 60 / 170
    assert 0.6 * expected < seconds < 1.8 * expected + 1.0, seconds
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
    assert float(np.sqrt((x**2).mean())) > 0.02  # speech, not silence


def test_longer_text_gives_longer_audio(joe: PiperBackend) -> None:
    short = _seconds(joe.synthesize(SENTENCE), joe.sample_rate)
    longer = _seconds(joe.synthesize(LONGER), joe.sample_rate)
    assert longer > 1.5 * short


def test_speaking_rate_maps_to_length_scale() -> None:
    slow = create_backend(parse_voice(JOE, 120))
    fast = create_backend(parse_voice(JOE, 220))
    slow_s = _seconds(slow.synthesize(LONGER), slow.sample_rate)
    fast_s = _seconds(fast.synthesize(LONGER), fast.sample_rate)
    # length_scale is proportional to 1/rate: 220/120 = 1.83 in theory.
    assert slow_s > 1.5 * fast_s, (slow_s, fast_s)
    words = len(LONGER.split())
    assert 0.75 * 120 < words * 60 / slow_s < 1.35 * 120
    assert 0.75 * 220 < words * 60 / fast_s < 1.35 * 220


def test_long_sentences_are_split_at_clauses_then_between_words() -> None:
    phonemes = list("ab cd, ef gh; ij kl mn op.")
    assert split_phonemes(phonemes, 100) == [phonemes]
    pieces = ["".join(p) for p in split_phonemes(phonemes, 12)]
    assert pieces == ["ab cd,", "ef gh;", "ij kl mn", "op."]
    assert all(len(p) <= 3 for p in split_phonemes(list("abcdefgh"), 3))
    assert max_phonemes(2.0) < max_phonemes(1.0)


def test_a_very_long_sentence_is_read_whole(joe: PiperBackend) -> None:
    clause = "the ferry company said on Monday that passengers would see changes, "
    text = (clause * 7).rstrip(", ") + "."
    seconds = _seconds(joe.synthesize(text), joe.sample_rate)
    expected = len(text.split()) * 60 / 170
    assert 0.7 * expected < seconds < 1.5 * expected, (seconds, expected)


def test_empty_text_is_a_synthesis_error(joe: PiperBackend) -> None:
    with pytest.raises(SynthesisError):
        joe.synthesize("   \n")


def test_unknown_voice_is_bad_input_listing_installed_voices() -> None:
    with pytest.raises(BadInput) as info:
        create_backend(parse_voice("piper:xx_XX-nobody-low", 170))
    assert "xx_XX-nobody-low" in str(info.value)
    assert "en_US-joe-medium" in str(info.value)


def test_missing_model_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no Piper model"):
        create_backend(parse_voice(f"piper:{tmp_path / 'missing.onnx'}", 170))
    lone = tmp_path / "lone.onnx"
    lone.write_bytes(b"not a model")
    with pytest.raises(BadInput, match="no config"):
        create_backend(parse_voice(f"piper:{lone}", 170))


def test_model_path_voice_and_version_keyed_by_model(joe: PiperBackend, tmp_path: Path) -> None:
    model = tmp_path / "my-voice.onnx"
    model.symlink_to(joe.model_path)
    (tmp_path / "my-voice.onnx.json").symlink_to(joe.config_path)
    backend = create_backend(parse_voice(f"piper:{model}", 170))
    assert backend.sample_rate == 22050
    assert backend.synthesize("Good morning.")
    model_sha = hashlib.sha256(joe.model_path.read_bytes()).hexdigest()
    assert model_sha[:16] in joe.version and "piper-tts-" in joe.version
    assert model_sha[:16] in backend.version


def test_missing_piper_is_bad_input_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(piper_files, "piper_installed", lambda: False)
    with pytest.raises(BadInput, match=r"narration\[piper\]"):
        create_backend(parse_voice(JOE, 170))


def test_packaged_voices_are_listed() -> None:
    (joe,) = [v for v in packaged_voices() if v.name == "en_US-joe-medium"]
    assert (joe.language, joe.sample_rate) == ("en_US", 22050)


@pytest.mark.espeak
def test_voices_command_lists_piper_voices() -> None:
    proc = run_cli("voices")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.decode().splitlines() if line.startswith("piper:")]
    assert lines == ["piper:en_US-joe-medium           language=en_US            sample_rate=22050"]


def _narrate(source: Path, out: Path, voice: str) -> Result:
    settings = Settings(out_dir=out, voice=voice, workers=2)
    with Narrator(settings) as narrator:
        (result,) = narrator.narrate([load_article(str(source), settings)])
    return result


@pytest.mark.espeak
def test_narrates_an_episode_and_keys_the_clip_cache_by_voice(tmp_path: Path) -> None:
    source = tmp_path / "ferry.md"
    source.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"

    piper = _narrate(source, out, JOE)
    ep = piper.episode
    assert piper.status == "created" and piper.synthesised > 0
    assert (out / ep.audio_name).stat().st_size > 10_000
    assert [c.title for c in ep.chapters] == ["Harbour Ferry Returns After Repairs", "Timetable"]
    assert ep.chapters[0].start_s == 0.0 < ep.chapters[1].start_s < ep.duration_s

    espeak = _narrate(source, tmp_path / "espeak-out", "pyttsx3:en").episode
    assert 0.7 < ep.duration_s / espeak.duration_s < 1.5, (ep.duration_s, espeak.duration_s)

    other = _narrate(source, out, "pyttsx3:en")
    assert other.synthesised > 0 and other.status == "updated"
    again = _narrate(source, out, "pyttsx3:en")
    assert (again.synthesised, again.status) == (0, "unchanged")
    back = _narrate(source, out, JOE)
    assert back.synthesised == 0  # the Piper clips are still in the cache


def test_voice_chosen_by_flag_and_by_show_setting_with_podcast_loudness(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    from tests.helpers import ROOT, ffmpeg_loudness

    source = tmp_path / "ferry.md"
    source.write_text(ARTICLE, encoding="utf-8")
    by_flag = run_cli("narrate", str(source), "--out", str(tmp_path / "a"), "--json",
                      "--voice", JOE)  # fmt: skip
    assert by_flag.returncode == 0, by_flag.stderr
    line = json.loads(by_flag.stdout)
    assert line["voice"] == JOE
    lufs, peak = ffmpeg_loudness(Path(line["audio_path"]))
    assert -17.0 <= lufs <= -15.0 and peak <= -1.0

    env = {**os.environ, "NARRATION_VOICE": JOE}
    by_show = subprocess.run(
        [sys.executable, "-m", "narration.cli", "narrate", str(source), "--out",
         str(tmp_path / "b"), "--json"],
        capture_output=True, cwd=ROOT, env=env, timeout=600,
    )  # fmt: skip
    assert by_show.returncode == 0, by_show.stderr
    assert json.loads(by_show.stdout)["voice"] == JOE

    unknown = run_cli("narrate", str(source), "--out", str(tmp_path / "c"),
                      "--voice", "piper:xx_XX-nobody-low")  # fmt: skip
    assert unknown.returncode == 2 and b"xx_XX-nobody-low" in unknown.stderr
    assert not (tmp_path / "c" / "episodes").exists()
