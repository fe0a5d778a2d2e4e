"""Chinese, Japanese and Korean read sentence by sentence and checked by syllables; an
article no voice reads refused when it is submitted, naming its language."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import httpx
import numpy as np
import pytest

from narration.config import Settings
from narration.episode.tags import iso639_2
from narration.errors import BadInput, SynthesisError
from narration.service.submission import check, check_readable
from narration.store.jobs import Submission
from narration.tts.worker import check_clip, spoken_units
from tests.test_http_faults import AUTH, BASE_URL, narrated, path_of, running_serve

CHINESE = (
    "今天天气很好。我们去公园散步。公园里有很多人在锻炼身体。孩子们在草地上玩耍！你想一起去吗？"
)
JAPANESE = "きょうはいいてんきです。こうえんにいきました。たくさんのひとがいました！"
ARABIC = "أعلنت الحكومة اليوم عن سياسة اقتصادية جديدة. وقال الوزير إن الخطة ستبدأ الشهر المقبل."
KHMER = "រដ្ឋាភិបាលបានប្រកាសគោលនយោបាយសេដ្ឋកិច្ចថ្មីនៅថ្ងៃនេះ។"
ENGLISH = "The government announced a new economic policy today. It starts next month."
PIPER = "piper:en_US-joe-medium"


def _tone(seconds: float, sample_rate: int = 22050) -> bytes:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes()


# -- the clip check -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("three short words", 3),
        ("— a dash counts, as it always did", 8),
        ("今天天气很好。我们去公园散步。", 13),
        ("政府は今日、新しい経済政策を発表しました。", 19),
        ("정부는 오늘 새로운 경제 정책을 발표했습니다.", 19),
        ("The BBC said 中国 today.", 6),
        ("我们去2024年", 5),
        ("รัฐบาลประกาศนโยบายเศรษฐกิจใหม่วันนี้", 10),
    ],
)
def test_words_or_syllables_are_counted(text: str, units: int) -> None:
    assert spoken_units(text) == units


def test_a_chinese_sentence_is_not_one_word() -> None:
    # espeak-ng's Mandarin voice reads these fifteen characters in 5.7 s.
    check_clip(_tone(5.7), 22050, "今天天气很好。我们去公园散步。")
    check_clip(_tone(2.0), 22050, "きょうはいいてんきです。")
    with pytest.raises(SynthesisError, match="too long for 6 words or syllables"):
        check_clip(_tone(20.0), 22050, "今天天气很好。")
    with pytest.raises(SynthesisError, match="too short"):
        check_clip(_tone(0.5), 22050, "北京时间今天上午政府宣布了新的经济政策专家表示这将促进就业")
    # Spaced scripts keep their word count.
    check_clip(_tone(8.0), 22050, "three short words")
    with pytest.raises(SynthesisError, match="too long for 3 words"):
        check_clip(_tone(9.5), 22050, "three short words")


# -- the ID3 language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("en", "eng"),
        ("en-GB", "eng"),
        ("fr", "fra"),
        ("ar", "ara"),
        ("he", "heb"),
        ("zh", "zho"),
        ("cmn", "zho"),
        ("ja", "jpn"),
        ("ko", "kor"),
        ("pt_BR", "por"),
        ("fa", "fas"),
        ("km", "khm"),
        ("haw", "haw"),
        ("x", "und"),
        ("", "und"),
    ],
)
def test_tlan_is_iso_639_2(language: str, code: str) -> None:
    assert iso639_2(language) == code


# -- refused at submission ------------------------------------------------------------


def _piper_show(tmp_path: Path, **changes: object) -> Settings:
    return Settings(out_dir=tmp_path / "out", voice=PIPER, **changes)  # type: ignore[arg-type]


def _sub(kind: str, value: str, language: str | None = None) -> Submission:
    return Submission(kind=kind, value=value, show="default", language=language)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "language", "named"),
    [
        ("text", ARABIC, None, "'ar'"),
        ("text", "הממשלה הודיעה היום על מדיניות כלכלית חדשה.", None, "'he'"),
        ("text", CHINESE, None, "'zh'"),
        ("text", JAPANESE, None, "'ja'"),
        ("html", f"<html><body><h1>天气</h1><p>{CHINESE}</p></body></html>", None, "'zh'"),
        ("html", f'<html lang="ar"><body><p>{ENGLISH}</p></body></html>', None, "'ar'"),
        ("markdown", f"---\ntitle: News\n---\n\n{ARABIC}\n", None, "'ar'"),
        ("text", ENGLISH, "fr", "'fr'"),
        ("url", "https://example.com/news", "ko", "'ko'"),
    ],
)
def test_a_language_the_voice_does_not_read_is_refused(
    tmp_path: Path, kind: str, value: str, language: str | None, named: str
) -> None:
    with pytest.raises(BadInput, match=f"no voice reads the article's language {named}"):
        check_readable(_sub(kind, value, language), _piper_show(tmp_path))


def test_the_arabic_script_names_its_other_languages(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"nor any other language written in its script: 'fa'"):
        check_readable(_sub("text", ARABIC), _piper_show(tmp_path))


@pytest.mark.parametrize(
    ("kind", "value", "language"),
    [
        ("text", ENGLISH, None),
        ("text", ARABIC, "en"),  # the submitter says so: read as English
        ("html", f'<html lang="en"><body><p>{ARABIC}</p></body></html>', None),
        ("markdown", f"---\ntitle: News\nlang: en\n---\n\n{ARABIC}\n", None),
        ("url", "https://example.com/news", None),
        ("text", "The BBC said 中国 today, and again tomorrow.", None),
        # An English body under a menu in another script: not clearly in that script.
        ("text", "首页 新闻 体育 财经 科技 娱乐 视频 图片\n\n" + ENGLISH * 60, None),
    ],
)
def test_what_the_voice_reads_is_taken(
    tmp_path: Path, kind: str, value: str, language: str | None
) -> None:
    check_readable(_sub(kind, value, language), _piper_show(tmp_path))


def test_without_detection_the_script_is_not_looked_at(tmp_path: Path) -> None:
    check_readable(_sub("text", ARABIC), _piper_show(tmp_path, detect_language=False))
    with pytest.raises(BadInput, match="'ar'"):
        check_readable(_sub("text", ARABIC, "ar"), _piper_show(tmp_path, detect_language=False))


@pytest.mark.espeak
def test_espeak_reads_many_languages_but_not_all(tmp_path: Path) -> None:
    show = Settings(out_dir=tmp_path / "out", voice="pyttsx3:en")
    for text in (
        ARABIC,
        CHINESE,
        JAPANESE,
        ENGLISH,
        "دولت امروز سیاست اقتصادی جدیدی را اعلام کرد.",
    ):
        check(_sub("text", text), show)
    with pytest.raises(BadInput, match="no voice reads the article's language 'km'"):
        check(_sub("text", KHMER), show)
    with pytest.raises(BadInput, match="no voice reads the article's language 'yo'"):
        check(_sub("text", ENGLISH, "yo"), show)


# -- end to end, through a running service --------------------------------------------


def _cues(http: httpx.Client, episode: dict[str, object]) -> list[tuple[float, str]]:
    """(seconds, text) of each cue of the episode's transcript."""
    vtt = http.get(path_of(episode["transcript_url"]))
    assert vtt.status_code == 200, vtt.text
    cues = []
    for block in re.split(r"\n\s*\n", vtt.text.strip()):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if "-->" in line:
                start, end = (_seconds(t.split()[0]) for t in line.split("-->"))
                cues.append((end - start, " ".join(lines[i + 1 :]).strip()))
    return cues


def _seconds(stamp: str) -> float:
    *hours, minutes, seconds = stamp.split(":")
    return int(hours[0] if hours else 0) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.mark.espeak
def test_chinese_and_japanese_are_read_sentence_by_sentence(tmp_path: Path) -> None:
    shows = tmp_path / "shows.toml"
    shows.write_text(f'[shows.joe]\ntitle = "Joe"\nvoice = "{PIPER}"\n')
    env = {"NARRATION_VOICE": "pyttsx3:en", "NARRATION_SHOWS_PATH": str(shows)}
    with running_serve(tmp_path, env, BASE_URL) as http:
        refused = http.post(
            "/v1/articles", json={"text": ARABIC, "title": "News", "show": "joe"}, headers=AUTH
        )
        assert refused.status_code == 422, refused.text
        assert "language 'ar'" in refused.json()["error"]["message"], refused.json()

        for text, sentences in ((CHINESE, 5), (JAPANESE, 3)):
            episode = narrated(http, {"text": text, "title": text[:4]})
            # The text is repaired on the way in: "！" is read and shown as "!".
            written = unicodedata.normalize("NFKC", text)
            body = [(s, cue) for s, cue in _cues(http, episode) if cue in written]
            assert len(body) == sentences, body
            assert "".join(cue for _, cue in body) == written, body
            for seconds, cue in body:
                # Read, not spelled out: a fraction of a second a syllable.
                syllables = spoken_units(cue)
                assert 0.05 * syllables < seconds < 0.8 * syllables, (seconds, cue)
            duration = episode["duration_s"]
            assert isinstance(duration, float)
            assert sum(s for s, _ in body) < duration < sum(s for s, _ in body) + 20, episode
            print(duration, body)
