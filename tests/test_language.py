"""Language: declarations win, detection when confident, a voice that speaks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from narration.errors import BadInput
from narration.prepare.language import normalise, resolve
from narration.tts.base import VoiceSpec
from narration.tts.voices import voice_for

FRENCH = (
    "Le gouvernement a présenté mardi un projet de loi destiné à réduire les factures "
    "d'énergie des ménages les plus modestes, après des semaines de négociations avec les "
    "fournisseurs et les associations de consommateurs."
)
ENGLISH = (
    "The government presented a bill on Tuesday to cut the energy bills of the poorest "
    "households, after weeks of talks with suppliers and consumer groups across the country."
)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en-GB", "en"), ("fr_FR", "fr"), ("DE", "de"), ("", None), (None, None), ("12", None)],
)
def test_normalise(tag: str | None, expected: str | None) -> None:
    assert normalise(tag) == expected


def test_declared_language_wins_over_detection() -> None:
    assert resolve("en-US", FRENCH, default="en", detect_missing=True) == "en"


def test_detects_when_undeclared_and_confident() -> None:
    assert resolve(None, FRENCH, default="en", detect_missing=True) == "fr"
    assert resolve(None, ENGLISH, default="fr", detect_missing=True) == "en"


def test_short_text_or_detection_off_falls_back_to_the_show() -> None:
    assert resolve(None, "Bonjour.", default="en", detect_missing=True) == "en"
    assert resolve(None, FRENCH, default="en", detect_missing=False) == "en"


def test_espeak_switches_language_other_voices_refuse() -> None:
    assert voice_for(VoiceSpec("pyttsx3", "en", 170), "fr") == VoiceSpec("pyttsx3", "fr", 170)
    joe = VoiceSpec("piper", "en_US-joe-medium", 170)
    assert voice_for(joe, "en") == joe
    with pytest.raises(BadInput, match="in 'fr' but voice piper:en_US-joe-medium reads 'en'"):
        voice_for(joe, "fr")


FRENCH_ARTICLE = f"""---
title: "Les factures d'énergie baissent"
author: "Claire Martin"
date: 2025-11-26
---

{FRENCH} Les associations saluent une mesure attendue depuis longtemps.

## Ce qui change

Les ménages concernés recevront un chèque de 150 euros au printemps. Les fournisseurs
devront appliquer la baisse automatiquement, sans démarche des clients.
"""


@pytest.mark.espeak
def test_undeclared_french_article_is_read_by_the_french_voice(tmp_path: Path) -> None:
    from mutagen.id3 import ID3

    from narration.config import Settings
    from narration.prepare.load import load_article
    from narration.publish.narrator import Narrator

    src = tmp_path / "factures.md"
    src.write_text(FRENCH_ARTICLE, encoding="utf-8")
    settings = Settings(out_dir=tmp_path / "out")
    article = load_article(str(src), settings)
    assert article.language == "fr"
    # No English spoken forms in a French reading: the French voice reads the digits.
    spoken = [s.spoken for sec in article.sections for s in sec.sentences]
    assert any("150 euros" in s for s in spoken)
    with Narrator(settings) as narrator:
        (result,) = narrator.narrate([article])
        assert narrator.voices.for_language("fr").spec.voice == "fr"
    audio = settings.out_dir / result.episode.audio_name
    assert str(ID3(str(audio))["TLAN"]) == "fra"
    vtt = (settings.out_dir / result.episode.transcript_name).read_text()
    assert "By Claire Martin" not in vtt and "Claire Martin." in vtt


@pytest.mark.espeak
def test_language_without_a_voice_is_refused_with_nothing_written(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    src = tmp_path / "yoruba.md"
    src.write_text(FRENCH_ARTICLE.replace("date: 2025-11-26", "date: 2025-11-26\nlanguage: yo"))
    out = tmp_path / "out"
    proc = run_cli("narrate", str(src), "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "no voice reads the article's language 'yo'" in proc.stderr.decode()
    assert not list(out.rglob("*.mp3"))
