"""Language: declarations win, detection when confident, a voice that speaks it."""

from __future__ import annotations

import pytest

from narration.errors import BadInput
from narration.language import normalise, resolve, voice_for
from narration.tts.base import VoiceSpec

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
