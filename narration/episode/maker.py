"""Making one episode's files from a prepared article: the script (intro, sections,
outro), its clips (from the cache or the synthesis workers), the audio rendered and
tagged, the transcript, chapters, peaks and artwork. Every file is written to a
temporary name and renamed; nothing here touches the catalog or the feed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from narration.audio.script import (
    Chime,
    Role,
    Script,
    Speech,
    build_script,
    intro_display,
    outro_display,
)
from narration.config import Settings
from narration.episode.artwork import lead_artwork
from narration.episode.cover import ensure_cover
from narration.episode.sidecars import chapters_json, peaks_json, webvtt
from narration.errors import BadInput
from narration.fsutil import write_atomic
from narration.ingest.sentences import is_quotation
from narration.model import Article, Chapter, Clip, LevelTarget
from narration.prepare.article import sentence
from narration.prepare.load import show_lexicon
from narration.tts.pool import ClipJob, JobKind, read_clip
from narration.tts.voices import CLIP_PROCESSING, Cast, Voice, Voices

if TYPE_CHECKING:
    from narration.audio.parts import PartCache, PartPlan
    from narration.audio.render import ClipSource
    from narration.episode.tags import EpisodeTags

# The audio, image and tagging libraries are imported in ``make``: an unchanged article
# (the episode it already is) needs none of them.

log = logging.getLogger(__name__)

GUID_NAMESPACE = uuid.UUID("8f0d5a34-6c1e-5b7a-9a43-2f1c0e6b7d21")


class Progress(Protocol):
    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None: ...


def quiet(message: str, done: int | None = None, total: int | None = None) -> None:
    return None


@dataclass(frozen=True)
class EpisodeFiles:
    """The files made for one version of an episode, relative to the output directory."""

    audio_name: str
    transcript_name: str
    chapters_name: str
    peaks_name: str | None
    image_name: str | None
    bytes: int
    duration_s: float
    chapters: tuple[Chapter, ...]
    synthesised: int
    """Clips synthesised for it (0 when every clip came from the cache)."""


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "episode"


class EpisodeMaker:
    """Makes episode files in one output directory with the voices it is given."""

    def __init__(self, settings: Settings, progress: Progress = quiet) -> None:
        self.settings = settings
        self.progress = progress
        self._started: set[Path] = set()
        """Clips :meth:`start_clips` started: counted as synthesised for the episode
        that takes them up, even when they are made by then."""
        self.target = LevelTarget(settings.audio.loudness_lufs, settings.audio.true_peak_dbtp)

    def make(
        self, article: Article, script: Script, cast: Cast, guid: str, content_hash: str
    ) -> EpisodeFiles:
        """Synthesise, render, tag and write the files of ``article``'s episode. The file
        names carry the guid and the content: no two episodes ever share a file (so no
        two feed items repeat an enclosure), and a new version gets new names."""
        # Lazy: pydub, lameenc, numpy, mutagen (~110 ms) load after the clips start, not at start.
        from narration.audio.render import render
        from narration.episode.tags import mp3_duration, write_tags  # lazy: as above

        s = self.settings
        progress = self.progress
        version = hashlib.sha256(f"{guid}\n{content_hash}".encode()).hexdigest()[:12]
        base = f"episodes/{slugify(article.title.display)}-{version}"
        audio_name = base + ".mp3"
        artwork = self._artwork(article)
        paths = _clip_paths(script, cast)
        parts, cache, needed = self._parts(script, paths)
        clips, synthesised = self._clips(script, cast, paths, needed)
        total = len(script.speeches)
        progress("synthesising", 0, total)
        tmp, timeline = render(
            script,
            clips,
            s.out_dir / audio_name,
            s.audio.sample_rate,
            s.audio.bitrate_kbps,
            parts,
            cache,
            on_speech=lambda n: progress("synthesising", n, total),
        )
        try:
            duration = mp3_duration(tmp)
            cover = ensure_cover(s)
            art, mime = (artwork, "image/jpeg") if artwork else (cover.read_bytes(), _mime(cover))
            write_tags(tmp, self._tags(article, timeline.chapters, duration, art, mime))
            os.replace(tmp, s.out_dir / audio_name)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        image_name = base + ".jpg" if artwork else None
        if artwork:
            write_atomic(s.out_dir / (base + ".jpg"), artwork)
        write_atomic(s.out_dir / (base + ".vtt"), webvtt(timeline.cues).encode())
        write_atomic(
            s.out_dir / (base + ".chapters.json"),
            chapters_json(timeline.chapters, article.title.display).encode(),
        )
        peaks_name = base + ".peaks.json" if timeline.waveform else None
        if timeline.waveform:
            write_atomic(s.out_dir / (base + ".peaks.json"), peaks_json(timeline.waveform).encode())
        return EpisodeFiles(
            audio_name=audio_name,
            transcript_name=base + ".vtt",
            chapters_name=base + ".chapters.json",
            peaks_name=peaks_name,
            image_name=image_name,
            bytes=(s.out_dir / audio_name).stat().st_size,
            duration_s=round(duration, 3),
            chapters=timeline.chapters,
            synthesised=synthesised,
        )

    def start_clips(self, article: Article, cast: Cast) -> int:
        """Start making the clips ``article``'s episode lacks, without waiting for them:
        the workers read while the caller goes on (opens the catalog, say), and
        :meth:`make` takes up the same clips. Returns how many were started.

        Every clip missing from the clip cache is started, without asking the cache of
        encoded parts first (which loads the audio libraries): a part is encoded from
        clips, so its clips are missing only when the clip cache was pruned alone."""
        script = self.script(article)
        started = 0
        for index, path in _clip_paths(script, cast).items():
            if path not in self._started and not path.exists():
                seg = script.segments[index]
                _voice(seg, cast).pool.submit(self._job(seg, path))
                self._started.add(path)
                started += 1
        return started

    def _parts(
        self, script: Script, paths: dict[int, Path]
    ) -> tuple[list[PartPlan], PartCache, list[range]]:
        """The parts of ``script``'s audio, the cache of encoded parts, and the segments
        of the parts not encoded already: only those need clips."""
        # Lazy: lameenc and numpy (~50 ms) load once the clips are planned, not at start-up.
        from narration.audio.parts import PartCache, plan_parts

        s = self.settings
        stems = {i: p.stem for i, p in paths.items()}
        parts = plan_parts(script, stems, s.audio.sample_rate, s.audio.bitrate_kbps)
        cache = PartCache(s.state_dir / "parts")
        return parts, cache, [p.indices for p in parts if not cache.has(p.key)]

    def script(self, article: Article) -> Script:
        s = self.settings
        lexicon = show_lexicon(s.show)

        def line(text: str, role: Role) -> Speech:
            said = sentence(text, s.show.house_style, lexicon, article.language)
            return Speech(said.display, said.spoken, role)

        return build_script(
            article,
            line(intro_display(article, s.show.title), Role.INTRO),
            line(outro_display(article, s.show.title), Role.OUTRO),
        )

    def content_hash(self, article: Article, script: Script, cast: Cast) -> str:
        s = self.settings
        doc: dict[str, object] = {
            "voice": cast.reader.identity,
            "audio": [
                CLIP_PROCESSING,
                s.audio.sample_rate,
                s.audio.bitrate_kbps,
                s.audio.loudness_lufs,
                s.audio.true_peak_dbtp,
            ],
            "meta": [
                article.title.display,
                article.author,
                str(article.published),
                article.language,
                description(article),
                s.show.title,
                article.image_url,
            ],
            "script": [repr(seg) for seg in script.segments],
        }
        quotes = cast.quotes
        if quotes is not None and any(_voice(seg, cast) is quotes for seg in script.segments):
            doc["quote_voice"] = quotes.identity
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()

    def guid(self, article: Article) -> str:
        """The guid of ``article``'s episode in its show: the same for every version."""
        return str(uuid.uuid5(GUID_NAMESPACE, f"{self.settings.show.slug}\n{article.source_name}"))

    def _clips(
        self, script: Script, cast: Cast, paths: dict[int, Path], parts: list[range]
    ) -> tuple[dict[int, ClipSource], int]:
        """A clip source per speech and chime of ``parts``: from the cache, or submitted to
        the pool now, in script order (synthesis runs ahead of the encoders); and how many
        clips were synthesised for them, here or by :meth:`start_clips`."""
        sources: dict[int, ClipSource] = {}
        pending: dict[Path, ClipSource] = {}
        made: set[Path] = set()
        for index in (i for part in parts for i in part):
            seg = script.segments[index]
            path = paths.get(index)
            if path is None:
                continue
            if path in self._started:
                made.add(path)
            if path in pending:
                sources[index] = pending[path]
            elif path.exists():
                sources[index] = _cached(path)
            else:
                job = _voice(seg, cast).pool.submit(self._job(seg, path))
                pending[path] = sources[index] = job.result
                made.add(path)
        self._started -= made
        return sources, len(made)

    def _job(self, segment: object, path: Path) -> ClipJob:
        text = segment.spoken if isinstance(segment, Speech) else ""
        return ClipJob(text, path, self.target, _kind(segment))

    def _artwork(self, article: Article) -> bytes | None:
        """Square artwork from the lead image of a page fetched by URL, when big enough."""
        if not article.source_name.startswith(("http://", "https://")):
            return None
        return lead_artwork(article.image_url, self.settings.fetch)

    def _tags(
        self,
        article: Article,
        chapters: tuple[Chapter, ...],
        duration: float,
        cover: bytes,
        cover_mime: str,
    ) -> EpisodeTags:
        # Lazy: mutagen (~10 ms), only when an episode is tagged.
        from narration.episode.tags import EpisodeTags

        s = self.settings
        published = article.published
        return EpisodeTags(
            title=article.title.display,
            artist=article.author or s.show.author,
            album=s.show.title,
            date=(published.isoformat()[:10] if published else dt.date.today().isoformat()),
            comment=description(article),
            language=article.language,
            chapters=chapters,
            duration_s=duration,
            cover=cover,
            cover_mime=cover_mime,
        )


def check_articles(articles: Sequence[Article], voices: Voices, max_words: int) -> None:
    """Refuse, before anything is made, articles no installed voice can read and articles
    longer than ``max_words``."""
    for article in articles:
        voices.for_language(article.language)
        words = sum(
            len(said.spoken.split()) for section in article.sections for said in section.sentences
        )
        if words > max_words:
            raise BadInput(
                f"{article.title.display[:80]}: {words:,} words is too long for one episode "
                f"(at most {max_words:,}, NARRATION_MAX_WORDS)"
            )


def _cached(path: Path) -> Callable[[], Clip]:
    return lambda: read_clip(path)


def _kind(segment: object) -> JobKind:
    if isinstance(segment, Chime):
        return JobKind.CHIME_CLOSE if segment.closing else JobKind.CHIME_OPEN
    return JobKind.SPEECH


def _voice(segment: object, cast: Cast) -> Voice:
    """The voice that reads ``segment``: the quote voice for a sentence of the article
    that is all inside quotation marks, the reader for the rest."""
    quotation = (
        isinstance(segment, Speech)
        and segment.role is Role.SENTENCE
        and cast.quotes is not None
        and is_quotation(segment.display)
    )
    return cast.voice_for(quotation)


def _clip_paths(script: Script, cast: Cast) -> dict[int, Path]:
    """The clip cache path of every Speech and Chime segment, by segment index."""
    paths: dict[int, Path] = {}
    for index, seg in enumerate(script.segments):
        if isinstance(seg, Speech):
            paths[index] = _voice(seg, cast).clip_path(seg.spoken, JobKind.SPEECH)
        elif isinstance(seg, Chime):
            paths[index] = cast.reader.clip_path("", _kind(seg))
    return paths


def _mime(image: Path) -> str:
    return "image/png" if image.suffix.lower() == ".png" else "image/jpeg"


def description(article: Article) -> str:
    if article.standfirst:
        return article.standfirst
    first = article.sections[0].paragraphs[0]
    return " ".join(s.display for s in first)


def published_time(article: Article, now: dt.datetime, tolerance_s: float) -> dt.datetime:
    """The episode's publication time in UTC. A time in the future (beyond
    ``tolerance_s``) is taken as now, and said in the log: it would otherwise top the feed
    for years and become the channel's ``lastBuildDate``."""
    p = article.published
    if p is None:
        return now
    if isinstance(p, dt.datetime):
        when = p.astimezone(dt.UTC) if p.tzinfo else p.replace(tzinfo=dt.UTC)
    else:
        when = dt.datetime(p.year, p.month, p.day, tzinfo=dt.UTC)
    if when > now + dt.timedelta(seconds=tolerance_s):
        log.warning(
            "%s: publication date %s is in the future; published now instead",
            article.source_name,
            when.isoformat(),
        )
        return now
    return when
