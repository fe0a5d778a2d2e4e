"""The script of the letters decides the language of a short undeclared text, and
espeak-ng reads it in that language (through a running ``narration serve``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from narration.prepare.language import dominant_script, resolve
from narration.tts.base import VoiceSpec
from narration.tts.voices import voice_for, voice_language
from tests.test_http_faults import BASE_URL, narrated, running_serve

ARABIC = "أعلنت الحكومة اليوم عن سياسة اقتصادية جديدة."
PERSIAN = "دولت امروز سیاست اقتصادی جدیدی را اعلام کرد و گفت که این برنامه از ماه آینده اجرا می‌شود."
HEBREW = "הממשלה הודיעה היום על מדיניות כלכלית חדשה."
CHINESE = "今天天气很好。"
JAPANESE = "政府は今日、新しい経済政策を発表しました。"
KOREAN = "정부는 오늘 새로운 경제 정책을 발표했습니다."
RUSSIAN = "Правительство объявило сегодня о новой экономической политике."
UKRAINIAN = "Уряд сьогодні оголосив про нову економічну політику для всіх громадян країни."
GREEK = "Η κυβέρνηση ανακοίνωσε σήμερα νέα οικονομική πολιτική."
THAI = "รัฐบาลประกาศนโยบายเศรษฐกิจใหม่วันนี้"
HINDI = "सरकार ने आज नई आर्थिक नीति की घोषणा की।"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ARABIC, "ar"),
        (PERSIAN, "fa"),
        (HEBREW, "he"),
        (CHINESE, "zh"),
        (JAPANESE, "ja"),
        (KOREAN, "ko"),
        (RUSSIAN, "ru"),
        (UKRAINIAN, "uk"),
        (GREEK, "el"),
        (THAI, "th"),
        (HINDI, "hi"),
    ],
)
def test_short_text_is_detected_by_its_script(text: str, language: str) -> None:
    assert len(text.split()) < 20  # too short for statistics alone
    assert resolve(None, text, default="en", detect_missing=True) == language


def test_latin_and_mixed_texts_keep_the_statistics_and_the_show() -> None:
    assert resolve(None, "Bonjour.", default="en", detect_missing=True) == "en"
    # A Chinese name in an English sentence: Latin letters are most of the letters.
    assert resolve(None, "The BBC said 中国 today.", default="en", detect_missing=True) == "en"
    assert dominant_script("The BBC said 中国 today.") == "LATIN"
    assert dominant_script("2024: 100%") is None
    # A declaration wins; detection switched off keeps the show's language.
    assert resolve("ar", HEBREW, default="en", detect_missing=True) == "ar"
    assert resolve(None, HEBREW, default="en", detect_missing=False) == "en"


def test_the_show_language_wins_within_its_script_when_statistics_hesitate() -> None:
    # "Thank you" is Arabic and Persian alike: a Persian show reads it in Persian.
    assert resolve(None, "شكرا", default="fa", detect_missing=True) == "fa"
    assert resolve(None, PERSIAN, default="ar", detect_missing=True) == "fa"


def test_chinese_is_read_by_the_mandarin_voice() -> None:
    spec = voice_for(VoiceSpec("pyttsx3", "en", 170), "zh")
    assert spec == VoiceSpec("pyttsx3", "cmn", 170)
    assert voice_language(spec) == "zh"
    assert voice_for(spec, "zh") == spec
    piper = VoiceSpec("piper", "en_US-joe-medium", 170)
    with pytest.raises(Exception, match="in 'zh' but voice piper:en_US-joe-medium reads 'en'"):
        voice_for(piper, "zh")


@pytest.mark.espeak
def test_espeak_lists_the_voices_used() -> None:
    listed = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, check=True)
    names = {line.split()[1] for line in listed.stdout.splitlines()[1:] if line.split()}
    for lang in ("ar", "fa", "he", "cmn", "ja", "ko", "ru", "uk", "el", "th", "hi"):
        assert lang in names, lang


def _narrated(http: httpx.Client, body: dict[str, str]) -> float:
    """The duration in seconds of the episode narrated from ``body``."""
    duration = narrated(http, body)["duration_s"]
    assert isinstance(duration, float)
    return duration


@pytest.mark.espeak
def test_short_undeclared_texts_are_read_in_their_language(tmp_path: Path) -> None:
    with running_serve(tmp_path, {"NARRATION_VOICE": "pyttsx3:en"}, BASE_URL) as http:
        durations = {
            title: _narrated(http, {"text": text, "title": title})
            for title, text in (("Arabic", ARABIC), ("Hebrew", HEBREW), ("Chinese", CHINESE))
        }
        # The English voice spells these letters out: over 20 s for the Arabic or
        # Hebrew sentence alone, too long to pass as its reading.
        assert 1.0 < durations["Arabic"] < 20.0, durations
        assert 1.0 < durations["Hebrew"] < 20.0, durations
        # It says "Chinese letter" for each character; Mandarin reads the words.
        english = _narrated(
            http, {"markdown": f"---\ntitle: Chinese\nlanguage: en\n---\n\n{CHINESE}\n"}
        )
        assert 1.0 < durations["Chinese"] < english - 1.0, (durations, english)
