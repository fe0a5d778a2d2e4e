"""Run the stages for articles: prepare, synthesise, assemble, tag, write sidecars, publish."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from narration.artwork import lead_artwork
from narration.audio.render import ClipSource, plan_parts, render
from narration.audio.script import (
    Chime,
    Role,
    Script,
    Speech,
    build_script,
    intro_display,
    outro_display,
)
from narration.catalog import Catalog
from narration.config import Settings
from narration.database import Database
from narration.errors import ConflictError, PublishError
from narration.extract import extract
from narration.fsutil import write_atomic
from narration.identity import canonical_url, content_key, same_site
from narration.keys import Caller
from narration.language import resolve as resolve_language
from narration.lexicon import Lexicon
from narration.model import Article, Chapter, Clip, Document, Episode, LevelTarget, RawSource
from narration.prepare import prepare, sentence
from narration.publish import ensure_cover, publish_feed
from narration.sidecars import chapters_json, peaks_json, webvtt
from narration.sources import read_source
from narration.tags import EpisodeTags, mp3_duration, write_tags
from narration.tts.pool import ClipJob, JobKind, read_clip
from narration.voices import CLIP_PROCESSING, Voice, Voices

log = logging.getLogger(__name__)

GUID_NAMESPACE = uuid.UUID("8f0d5a34-6c1e-5b7a-9a43-2f1c0e6b7d21")


class Progress(Protocol):
    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None: ...


def _quiet(message: str, done: int | None = None, total: int | None = None) -> None:
    return None


@dataclass(frozen=True)
class Result:
    episode: Episode
    status: str
    """``created``, ``updated`` or ``unchanged``."""
    synthesised: int
    """Clips synthesised for this episode (0 when every clip came from the cache)."""
    voice: str = ""
    """The voice that reads it, ``backend:voice``."""


def load_article(source: str, settings: Settings) -> Article:
    """Read, extract and prepare one source; raises BadInput before anything is written."""
    raw = read_source(source, max_bytes=settings.max_text_bytes, settings=settings)
    return article_from(raw, settings)


def article_from(raw: RawSource, settings: Settings, overrides: Metadata | None = None) -> Article:
    """Extract and prepare a source already read; ``overrides`` replace what the source
    says about itself (title, author, publication date, language)."""
    doc = extract(raw)
    if overrides is not None:
        doc = overrides.apply(doc)
    body = " ".join(block.text for block in doc.blocks)
    key = article_key(raw, doc, body)
    language = resolve_language(
        doc.language, body, default=settings.show_language, detect_missing=settings.detect_language
    )
    return prepare(
        doc,
        style=settings.house_style,
        language=language,
        name=key,
        lexicon=show_lexicon(settings),
    )


def article_key(raw: RawSource, doc: Document, body: str) -> str:
    """What the article is known by in its show: a page by its canonical URL (its own
    ``rel=canonical`` when that names the same site), a file by its name, anything else
    (stdin, an API body) by its URL or its content. Never by its title."""
    if raw.url:
        fetched = canonical_url(raw.url)
        declared = canonical_url(doc.url) if doc.url else None
        return declared if declared is not None and same_site(declared, fetched) else fetched
    if doc.url and doc.url.lower().startswith(("http://", "https://")):
        return canonical_url(doc.url)
    if raw.path is not None:
        return raw.name
    return content_key(raw.kind.value, f"{doc.title}\n{body}")


@dataclass(frozen=True)
class Metadata:
    """What a submitter says about an article, over what the source itself says."""

    title: str | None = None
    author: str | None = None
    published: dt.datetime | dt.date | None = None
    language: str | None = None

    def apply(self, doc: Document) -> Document:
        changes: dict[str, object] = {
            name: value
            for name, value in (
                ("title", self.title),
                ("author", self.author),
                ("published", self.published),
                ("language", self.language),
            )
            if value is not None
        }
        return replace(doc, **changes) if changes else doc  # type: ignore[arg-type]


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "episode"


class Narrator:
    """Narrates articles into one output directory, sharing one worker pool between them."""

    def __init__(
        self,
        settings: Settings,
        progress: Progress = _quiet,
        voices: Voices | None = None,
        db: Database | None = None,
    ) -> None:
        """``db`` is the process's database; without one the narrator opens (and closes)
        the one ``settings`` name."""
        self.settings = settings
        self.progress = progress
        self.target = LevelTarget(settings.loudness_lufs, settings.true_peak_dbtp)
        settings.out_dir.mkdir(parents=True, exist_ok=True)
        self._own_db = db is None
        self.db = db if db is not None else Database.open(settings)
        self.catalog = Catalog(self.db)
        try:
            self.voices = voices or Voices(settings)
        except BaseException:
            self._close_db()
            raise

    def close(self, wait: bool = True) -> None:
        """Stop the synthesis workers (at once without ``wait``) and close the database
        if it is the narrator's own."""
        self.voices.close(wait)
        self._close_db()

    def _close_db(self) -> None:
        if self._own_db:
            self.db.close()

    def __enter__(self) -> Narrator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self, articles: Sequence[Article]) -> None:
        """Refuse, before anything is written, articles no installed voice can read."""
        for article in articles:
            self.voices.for_language(article.language)

    def narrate(
        self,
        articles: Sequence[Article],
        caller: Caller | None = None,
        on_article: Callable[[Article], None] | None = None,
    ) -> list[Result]:
        """Narrate ``articles`` for ``caller`` (the operator when None), then publish the
        feed once. When the feed cannot be built, the catalog goes back to what it was
        before these articles, so that no episode stays behind to break later feeds."""
        self.check(articles)
        results: list[Result] = []
        before: list[Episode | None] = []
        for article in articles:
            if on_article is not None:
                on_article(article)
            before.append(self.catalog.find(self.settings.show_slug, article.source_name))
            results.append(self.narrate_one(article, caller))
        try:
            publish_feed(self.catalog, self.settings)
        except PublishError:
            for result, previous in zip(results, before, strict=True):
                if result.status == "unchanged":
                    continue
                if previous is None:
                    self.catalog.remove(result.episode.id)
                else:
                    self.catalog.save(previous)
            raise
        return results

    def narrate_one(self, article: Article, caller: Caller | None = None) -> Result:
        """Narrate one article into the catalog (the feed is :meth:`narrate`'s). An
        article another key submitted, by its key or by the same content, is refused with
        :class:`ConflictError`; the same content again is the episode it already is."""
        s = self.settings
        who = caller or Caller.operator()
        voice = self.voices.for_language(article.language)
        script = self.script(article)
        content_hash = self.content_hash(article, script, voice)
        existing = self.catalog.find(s.show_slug, article.source_name)
        if existing is not None and not who.owns(existing.owner):
            raise ConflictError(
                f"this article is already episode {existing.id}, submitted with another API key",
                existing.id,
            )
        if existing is None:
            same = self.catalog.find_content(s.show_slug, content_hash)
            if same is not None and (s.out_dir / same.audio_name).exists():
                if not who.owns(same.owner):
                    raise ConflictError(
                        f"the same article is already episode {same.id}, "
                        "submitted with another API key",
                        same.id,
                    )
                return Result(same, "unchanged", 0, voice.spec.label)
        if (
            existing is not None
            and existing.content_hash == content_hash
            and (s.out_dir / existing.audio_name).exists()
        ):
            return Result(existing, "unchanged", 0, voice.spec.label)

        guid = existing.guid if existing else self.guid(article)
        # The guid is in the file name: no two episodes ever share a file, so no two feed
        # items ever repeat an enclosure URL.
        version = hashlib.sha256(f"{guid}\n{content_hash}".encode()).hexdigest()[:12]
        base = f"episodes/{slugify(article.title.display)}-{version}"
        audio_name = base + ".mp3"
        artwork = self._artwork(article)
        parts = plan_parts(script)
        clips, synthesised = self._clips(script, voice, parts)
        total = len(script.speeches)
        self.progress("synthesising", 0, total)
        tmp, timeline = render(
            script,
            clips,
            s.out_dir / audio_name,
            s.sample_rate,
            s.bitrate_kbps,
            parts=parts,
            on_speech=lambda n: self.progress("synthesising", n, total),
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
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        episode = Episode(
            id=existing.id if existing else uuid.uuid4().hex,
            guid=guid,
            article_key=article.source_name,
            content_hash=content_hash,
            title=article.title.display,
            author=article.author,
            published=existing.published
            if existing
            else _published(article, now, s.future_tolerance_s),
            description=description(article),
            audio_name=audio_name,
            transcript_name=base + ".vtt",
            chapters_name=base + ".chapters.json",
            peaks_name=peaks_name,
            bytes=(s.out_dir / audio_name).stat().st_size,
            duration_s=round(duration, 3),
            chapters=timeline.chapters,
            created_at=existing.created_at if existing else now,
            updated_at=now,
            show=s.show_slug,
            link=article.url,
            image_name=image_name,
            owner=existing.owner if existing else who.key_id,
        )
        self.catalog.save(episode)
        return Result(episode, "updated" if existing else "created", synthesised, voice.spec.label)

    def script(self, article: Article) -> Script:
        s = self.settings
        lexicon = show_lexicon(s)

        def line(text: str, role: Role) -> Speech:
            said = sentence(text, s.house_style, lexicon, article.language)
            return Speech(said.display, said.spoken, role)

        return build_script(
            article,
            line(intro_display(article, s.show_title), Role.INTRO),
            line(outro_display(article, s.show_title), Role.OUTRO),
        )

    def content_hash(self, article: Article, script: Script, voice: Voice) -> str:
        s = self.settings
        doc = {
            "voice": voice.identity,
            "audio": [
                CLIP_PROCESSING,
                s.sample_rate,
                s.bitrate_kbps,
                s.loudness_lufs,
                s.true_peak_dbtp,
            ],
            "meta": [
                article.title.display,
                article.author,
                str(article.published),
                article.language,
                description(article),
                s.show_title,
                article.image_url,
            ],
            "script": [repr(seg) for seg in script.segments],
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()

    def guid(self, article: Article) -> str:
        return str(uuid.uuid5(GUID_NAMESPACE, f"{self.settings.show_slug}\n{article.source_name}"))

    def _clips(
        self, script: Script, voice: Voice, parts: list[range]
    ) -> tuple[dict[int, ClipSource], int]:
        """A clip source per speech and chime: from the cache, or submitted to the pool now.

        Submitted in turns across the parts, so that every part's encoder has clips early.
        """
        sources: dict[int, ClipSource] = {}
        pending: dict[Path, ClipSource] = {}
        for index in _interleave(parts):
            seg = script.segments[index]
            if isinstance(seg, Speech):
                text, kind = seg.spoken, JobKind.SPEECH
            elif isinstance(seg, Chime):
                text, kind = "", JobKind.CHIME_CLOSE if seg.closing else JobKind.CHIME_OPEN
            else:
                continue
            path = voice.clip_path(text, kind)
            if path in pending:
                sources[index] = pending[path]
            elif path.exists():
                sources[index] = _cached(path)
            else:
                job = voice.pool.submit(ClipJob(text, path, self.target, kind))
                pending[path] = sources[index] = job.result
        return sources, len(pending)

    def _artwork(self, article: Article) -> bytes | None:
        """Square artwork from the lead image of a page fetched by URL, when big enough."""
        if not article.source_name.startswith(("http://", "https://")):
            return None
        return lead_artwork(article.image_url, self.settings)

    def _tags(
        self,
        article: Article,
        chapters: tuple[Chapter, ...],
        duration: float,
        cover: bytes,
        cover_mime: str,
    ) -> EpisodeTags:
        s = self.settings
        published = article.published
        return EpisodeTags(
            title=article.title.display,
            artist=article.author or s.show_author,
            album=s.show_title,
            date=(published.isoformat()[:10] if published else dt.date.today().isoformat()),
            comment=description(article),
            language=article.language,
            chapters=chapters,
            duration_s=duration,
            cover=cover,
            cover_mime=cover_mime,
        )


def _cached(path: Path) -> Callable[[], Clip]:
    return lambda: read_clip(path)


def _interleave(parts: list[range]) -> list[int]:
    longest = max((len(p) for p in parts), default=0)
    return [p[i] for i in range(longest) for p in parts if i < len(p)]


def _mime(image: Path) -> str:
    return "image/png" if image.suffix.lower() == ".png" else "image/jpeg"


def description(article: Article) -> str:
    if article.standfirst:
        return article.standfirst
    first = article.sections[0].paragraphs[0]
    return " ".join(s.display for s in first)


def _published(article: Article, now: dt.datetime, tolerance_s: float) -> dt.datetime:
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


def show_lexicon(settings: Settings) -> Lexicon | None:
    """The show's lexicon, read once per version of its file (the article and its intro
    and outro are prepared with the same one)."""
    path = settings.lexicon_path
    if path is None:
        return None
    try:
        version = path.stat().st_mtime_ns
    except OSError:
        version = -1  # Lexicon.load reports the missing file
    return _load_lexicon(path, version)


@functools.lru_cache(maxsize=8)
def _load_lexicon(path: Path, version: int) -> Lexicon:
    return Lexicon.load(path)
