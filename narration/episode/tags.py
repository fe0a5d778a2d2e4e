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
    id3.add(TLAN(encoding=3, text=_iso639_2(tags.language)))
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


_ISO639_2 = {
    "en": "eng",
    "fr": "fra",
    "de": "deu",
    "es": "spa",
    "it": "ita",
    "nl": "nld",
    "pt": "por",
    "cy": "cym",
    "ga": "gle",
    "sv": "swe",
    "da": "dan",
    "no": "nor",
}


def _iso639_2(language: str) -> str:
    return _ISO639_2.get(language.split("-")[0].lower(), "eng")
