"""Episodes for the listening-figure tests: a catalog row and its files, made directly
(the figures depend on the audio file's size and duration alone, not on narration)."""

from __future__ import annotations

import datetime as dt
import json
import math
import struct
from pathlib import Path

import lameenc

from narration.config import Settings
from narration.model import Episode
from narration.store.catalog import Catalog
from narration.store.database import Database


def tone_mp3(seconds: float, rate: int = 22050) -> bytes:
    """A real MP3 of a quiet 440 Hz tone, for a browser to play."""
    frames = int(seconds * rate)
    pcm = b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(frames)
    )
    enc = lameenc.Encoder()
    enc.set_bit_rate(32)
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(7)
    return bytes(enc.encode(pcm) + enc.flush())


def add_episode(
    settings: Settings,
    slug: str,
    *,
    duration_s: float,
    audio: bytes,
    show: str = "default",
    owner: str | None = None,
) -> Episode:
    """Write ``audio`` and a transcript and chapters beside it under the output directory,
    and the episode's catalog row (the database migrated first)."""
    episodes = settings.out_dir / "episodes"
    episodes.mkdir(parents=True, exist_ok=True)
    (episodes / f"{slug}.mp3").write_bytes(audio)
    (episodes / f"{slug}.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nA tone.\n", encoding="utf-8"
    )
    (episodes / f"{slug}.chapters.json").write_text(
        json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Tone"}]}),
        encoding="utf-8",
    )
    now = dt.datetime.now(dt.UTC)
    ep = Episode(
        id=(slug.encode().hex() + "0" * 32)[:32],
        guid=f"guid-{slug}",
        article_key=f"key-{slug}",
        content_hash=slug,
        title=f"Episode {slug}",
        author=None,
        published=now,
        description="A test episode.",
        audio_name=f"episodes/{slug}.mp3",
        transcript_name=f"episodes/{slug}.vtt",
        chapters_name=f"episodes/{slug}.chapters.json",
        bytes=len(audio),
        duration_s=duration_s,
        chapters=(),
        created_at=now,
        updated_at=now,
        show=show,
        owner=owner,
    )
    db = Database.open(settings)
    try:
        Catalog(db).save(ep)
    finally:
        db.close()
    return ep


def sized(size: int) -> bytes:
    """``size`` bytes standing in for an MP3 (served and counted, never decoded)."""
    return bytes(range(256)) * (size // 256) + bytes(size % 256)


def state(path: Path) -> bytes:
    """Every byte the database keeps in the state directory (the file and its WAL)."""
    return b"".join(p.read_bytes() for p in sorted(path.glob("catalog.sqlite*")))
