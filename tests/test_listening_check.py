"""The listening check with the real recogniser (Whisper base, int8) on episodes read by
the real espeak-ng voice: a clean episode passes, a misread name, a silent sentence and
another language are each heard for what they are, homophones, dates and fractions the
recogniser writes its own way are not flagged, and a ten-minute episode is checked
within a worker's memory target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from narration.check.run import audio_language, check_audio, read_cues
from narration.config import Settings
from narration.model import Cue
from tests.helpers import ROOT, decode

pytestmark = [pytest.mark.slow, pytest.mark.espeak]

ARTICLE = """---
title: The new bridge opens
language: en
---

The new bridge over the river opened on Monday morning. Hundreds of people walked across
it in the sunshine.

The mayor, Peter Johnson, said the bridge would make the journey to school much shorter
for many families. It took two years to build.

Local shops hope that more visitors will come to the town centre.
"""
NAMED = "The mayor, Peter Johnson, said the bridge would make the journey to school much shorter for many families."  # noqa: E501

FORMS = """---
title: Rail fares rise in March
language: en
---

Rail fares will rise from 1 March, the operator said on Monday.

About one third of the fares on the main line will stay the same, and the rest will rise by 2.5%.

The new timetable starts on 2 April and runs until the 31st of May.

The mayor, Peter Johnson, said the new trains would cost £3bn over ten years.

Passengers who buy a ticket a week ahead will pay a fair price, he said.
"""
"""Homophones ("fares", "fair"), dates and fractions the recogniser writes its own way
("the first of March", "1/3", "3 billion pounds") and a compound it may join ("railfares")."""
FORMS_NAMED = "The mayor, Peter Johnson, said the new trains would cost £3bn over ten years."

SPANISH = """---
title: El nuevo puente
language: es
---

El nuevo puente sobre el río se abrió el lunes por la mañana. Cientos de personas lo
cruzaron a pie bajo el sol.

El alcalde dijo que el puente acortará mucho el camino a la escuela.
"""

MEMORY_TARGET_MB = 1500
"""A bound on the checking process's peak RSS for a ten-minute episode. Measured: 412 to
437 MB in most runs, but 1,222 MB once in a full run of the suite (the same audio and
windows; the recogniser's own allocations vary between runs). Both are over the 150 MB a
narrating process is held to, which the Whisper base model alone exceeds."""


@dataclass(frozen=True)
class Narrated:
    out: Path
    episode: dict[str, object]
    env: dict[str, str]


def _env(cache: Path, **more: str) -> dict[str, str]:
    return {**os.environ, "NARRATION_CHECK_CACHE_DIR": str(cache), **more}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "narration.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def _narrate(tmp: Path, name: str, text: str, env: dict[str, str]) -> Narrated:
    source = tmp / f"{name}.md"
    source.write_text(text, encoding="utf-8")
    out = tmp / f"out-{name}"
    done = _cli("narrate", str(source), "--out", str(out), "--check", "--json", env=env)
    return Narrated(out, json.loads(done.stdout.splitlines()[-1]), env)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model") / "whisper-base"


@pytest.fixture(scope="module")
def bridge(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Narrated:
    return _narrate(tmp_path_factory.mktemp("bridge"), "bridge", ARTICLE, _env(cache))


def _settings(out: Path, cache: Path) -> Settings:
    return Settings(out_dir=out, check_cache_dir=cache)


def test_a_clean_episode_passes_with_no_sentence_flagged(bridge: Narrated) -> None:
    check = bridge.episode["check"]
    assert isinstance(check, dict)
    assert check["flagged"] == [] and check["lexicon_suggestions"] == {}
    # intro, five sentences, outro
    assert check["sentences"] == 7
    assert 0 <= check["wer"] < 0.1
    # The command heard it again the same way, and says so as a table.
    again = _cli(
        "check", str(bridge.episode["audio_path"]), "--out", str(bridge.out), env=bridge.env
    )
    assert "0 of 7 sentences flagged" in again.stdout
    natural = check["naturalness"]
    assert f"naturalness (DNSMOS, 1 to 5): {natural['mos']:.2f}" in again.stdout


def test_a_misread_name_flags_its_sentence_with_a_suggestion(tmp_path: Path, cache: Path) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words]\nJohnson = "Quabble-zink"\n', encoding="utf-8")
    env = _env(cache, NARRATION_LEXICON_PATH=str(lexicon))
    check = _narrate(tmp_path, "misread", ARTICLE, env).episode["check"]
    assert isinstance(check, dict)
    assert [f["text"] for f in check["flagged"]] == [NAMED], check
    [flagged] = check["flagged"]
    # Flagged for the name alone: the rest of the sentence was heard as written.
    assert "Johnson" not in flagged["heard"] and 0.7 <= flagged["score"] < 1
    assert flagged["start_s"] > 5
    suggestions = check["lexicon_suggestions"]
    assert list(suggestions) == ["Johnson"] and suggestions["Johnson"] == "John-son"


def test_homophones_dates_and_fractions_heard_in_another_form_are_not_flagged(
    tmp_path: Path, cache: Path
) -> None:
    check = _narrate(tmp_path, "forms", FORMS, _env(cache)).episode["check"]
    assert isinstance(check, dict)
    assert check["sentences"] == 7
    assert check["flagged"] == [] and check["lexicon_suggestions"] == {}


def test_a_name_respelt_as_another_word_flags_only_its_sentence(
    tmp_path: Path, cache: Path
) -> None:
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[words]\nJohnson = "Dobson"\n', encoding="utf-8")
    env = _env(cache, NARRATION_LEXICON_PATH=str(lexicon))
    check = _narrate(tmp_path, "forms-misread", FORMS, env).episode["check"]
    assert isinstance(check, dict)
    # The article's own sentences: the outro, which names the show, is left out here (the
    # recogniser hears "Narration" in varying ways once the respelling is in the episode).
    flagged = [f["text"] for f in check["flagged"] if "from Narration" not in f["text"]]
    assert flagged == [FORMS_NAMED]
    # Johnson is suggested; the only other name it may suggest is the show's, from the outro.
    suggested = list(check["lexicon_suggestions"])
    assert "Johnson" in suggested and set(suggested) <= {"Johnson", "Narration"}, suggested


def test_a_clip_replaced_with_silence_flags_its_sentence(
    bridge: Narrated, tmp_path: Path, cache: Path
) -> None:
    audio = Path(str(bridge.episode["audio_path"]))
    cues = read_cues(Path(str(bridge.episode["transcript_path"])))
    silent = next(c for c in cues if c.text.startswith("Local shops"))
    samples = decode(audio, 16000)
    first, last = round(silent.start_s * 16000), round(silent.end_s * 16000)
    samples[first:last] = 0.0
    wav = tmp_path / "silenced.wav"
    pcm = (samples * 32767).astype("<i2").tobytes()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", "16000", "-ac", "1", "-i", "-", str(wav)],
        input=pcm, check=True,
    )  # fmt: skip
    check = check_audio(wav, cues, "en", _settings(bridge.out, cache))
    assert [s.text for s in check.flagged] == [silent.text]
    assert check.flagged[0].heard == "" and check.flagged[0].score == 0.0


def test_a_spanish_article_is_checked_in_spanish(tmp_path: Path, cache: Path) -> None:
    narrated = _narrate(tmp_path, "puente", SPANISH, _env(cache))
    audio = Path(str(narrated.episode["audio_path"]))
    assert audio_language(audio) == "es"
    check = narrated.episode["check"]
    assert isinstance(check, dict)
    assert check["language"] == "es"
    assert check["sentences"] == 5
    cues = read_cues(Path(str(narrated.episode["transcript_path"])))
    settings = _settings(narrated.out, cache)
    again = check_audio(audio, cues, "es", settings)
    heard = " ".join(s.heard for s in again.sentences).lower()
    assert "puente" in heard and "escuela" in heard
    assert again.wer < 0.5
    # Heard as English, the same audio is far from its text.
    as_english = check_audio(audio, cues, "en", settings)
    assert as_english.wer > again.wer + 0.2


_MEASURE = """
import json, resource, sys
from pathlib import Path
from narration.check.run import check_audio
from narration.config import Settings
from narration.model import Cue
args = json.loads(sys.argv[1])
cues = [Cue(*c) for c in args["cues"]]
settings = Settings(out_dir=Path(args["out"]), check_cache_dir=Path(args["cache"]))
check = check_audio(Path(args["audio"]), cues, "en", settings)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peak_mb": peak_mb, "audio_s": check.audio_s, "wer": check.wer,
                  "sentences": len(check.sentences)}))
"""


def test_a_ten_minute_episode_is_checked_within_the_memory_target(
    bridge: Narrated, tmp_path: Path, cache: Path
) -> None:
    """The episode repeated to ten minutes, checked in a process of its own; its peak RSS
    (``ru_maxrss``, which counts the Python process, the model and the decoded audio)."""
    audio = Path(str(bridge.episode["audio_path"]))
    cues = read_cues(Path(str(bridge.episode["transcript_path"])))
    length = float(str(bridge.episode["duration_s"]))
    times = int(600 // length) + 1
    long_audio = tmp_path / "long.mp3"
    listing = tmp_path / "list.txt"
    listing.write_text(f"file '{audio}'\n" * times)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
         "-c", "copy", str(long_audio)],
        check=True,
    )  # fmt: skip
    long_cues = [
        Cue(c.start_s + k * length, c.end_s + k * length, c.text)
        for k in range(times)
        for c in cues
    ]
    args = {
        "cues": [[c.start_s, c.end_s, c.text] for c in long_cues],
        "audio": str(long_audio),
        "out": str(bridge.out),
        "cache": str(cache),
    }
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, json.dumps(args)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["audio_s"] >= 600
    assert found["sentences"] == len(long_cues)
    assert found["wer"] < 0.15
    assert found["peak_mb"] < MEMORY_TARGET_MB, found
