"""ID3v2.4 tags with mutagen: text frames, cover art, and a chapter per section (CHAP + CTOC)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    CTOCFlags,
    ID3NoHeaderError,
)
from mutagen.mp3 import MP3, HeaderNotFoundError

from narration.errors import AudioError
from narration.model import Chapter


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    artist: str
    album: str
    date: str
    """ISO 8601 date, e.g. ``2025-11-27``."""
    comment: str
    language: str
    chapters: tuple[Chapter, ...]
    duration_s: float
    cover: bytes | None = None
    cover_mime: str = "image/png"


def write_tags(path: Path, tags: EpisodeTags) -> None:
    try:
        id3 = ID3(str(path))
    except ID3NoHeaderError:
        id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TDRC(encoding=3, text=tags.date))
    id3.add(TCON(encoding=3, text="Podcast"))
    id3.add(TLAN(encoding=3, text=iso639_2(tags.language)))
    id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    if tags.cover:
        id3.add(APIC(encoding=3, mime=tags.cover_mime, type=3, desc="Cover", data=tags.cover))
    total_ms = round(tags.duration_s * 1000)
    ids = [f"chp{i}" for i in range(len(tags.chapters))]
    for i, chapter in enumerate(tags.chapters):
        start = round(chapter.start_s * 1000)
        end = round(tags.chapters[i + 1].start_s * 1000) if i + 1 < len(tags.chapters) else total_ms
        id3.add(
            CHAP(
                element_id=ids[i],
                start_time=start,
                end_time=max(end, start),
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
    try:
        id3.save(str(path), v2_version=4)
    except OSError as exc:
        raise AudioError(f"could not tag {path.name}: {exc}") from exc


def mp3_duration(path: Path) -> float:
    try:
        info = MP3(str(path)).info
    except (HeaderNotFoundError, OSError) as exc:
        raise AudioError(f"{path.name} is not a readable MP3: {exc}") from exc
    if info is None:
        raise AudioError(f"{path.name} has no MPEG audio frames")
    return float(info.length)


ISO639_2: dict[str, str] = {
    "af": "afr", "am": "amh", "an": "arg", "ar": "ara", "as": "asm", "az": "aze",
    "ba": "bak", "be": "bel", "bg": "bul", "bn": "ben", "bo": "bod", "bs": "bos",
    "ca": "cat", "cs": "ces", "cv": "chv", "cy": "cym", "da": "dan", "de": "deu",
    "el": "ell", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "eus",
    "fa": "fas", "fi": "fin", "fr": "fra", "ga": "gle", "gd": "gla", "gl": "glg",
    "gn": "grn", "gu": "guj", "he": "heb", "hi": "hin", "hr": "hrv", "ht": "hat",
    "hu": "hun", "hy": "hye", "ia": "ina", "id": "ind", "io": "ido", "is": "isl",
    "it": "ita", "ja": "jpn", "ka": "kat", "kk": "kaz", "kl": "kal", "km": "khm",
    "kn": "kan", "ko": "kor", "ku": "kur", "ky": "kir", "la": "lat", "lb": "ltz",
    "lo": "lao", "lt": "lit", "lv": "lav", "mi": "mri", "mk": "mkd", "ml": "mal",
    "mn": "mon", "mr": "mar", "ms": "msa", "mt": "mlt", "my": "mya", "nb": "nob",
    "ne": "nep", "nl": "nld", "nn": "nno", "no": "nor", "om": "orm", "or": "ori",
    "pa": "pan", "pl": "pol", "ps": "pus", "pt": "por", "qu": "que", "ro": "ron",
    "ru": "rus", "sa": "san", "sd": "snd", "si": "sin", "sk": "slk", "sl": "slv",
    "sq": "sqi", "sr": "srp", "sv": "swe", "sw": "swa", "ta": "tam", "te": "tel",
    "tg": "tgk", "th": "tha", "tk": "tuk", "tn": "tsn", "tr": "tur", "tt": "tat",
    "ug": "uig", "uk": "ukr", "ur": "urd", "uz": "uzb", "vi": "vie", "zh": "zho",
}  # fmt: skip
"""ISO 639-1 -> ISO 639-2 (the terminology code, as ISO 639-3 spells the same language)
for the languages espeak-ng reads and those the script of a text points to."""

MACROLANGUAGES: dict[str, str] = {"cmn": "zho", "yue": "zho", "hak": "zho", "nan": "zho"}
"""ISO 639-3 codes without an ISO 639-2 code of their own (Mandarin is ``cmn``, as
espeak-ng names its voice): the code of the language they belong to."""

UNDETERMINED = "und"


def iso639_2(language: str) -> str:
    """The TLAN code of an article's language (``en``, ``pt-BR``, ``cmn``): ``und``,
    ISO 639-2's "undetermined", for a language the tables do not know."""
    code = language.replace("_", "-").split("-")[0].lower()
    if code in ISO639_2:
        return ISO639_2[code]
    if code in MACROLANGUAGES:
        return MACROLANGUAGES[code]
    if len(code) == 3 and code.isascii() and code.isalpha():
        return code  # already a three-letter code, as a declaration may give one
    return UNDETERMINED
