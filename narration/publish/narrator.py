"""Narrating articles into a show: one article through the stages to a published
episode. The article's identity is checked against the catalog (another key's article
is refused, the same content again is the episode it already is), its files are made
(:class:`~narration.episode.maker.EpisodeMaker`), its row saved, and the feed published;
a feed that cannot be built takes the catalog back to what it was."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from narration.config import Settings
from narration.episode.maker import (
    EpisodeFiles,
    EpisodeMaker,
    Progress,
    check_articles,
    description,
    published_time,
    quiet,
)
from narration.errors import ConflictError, PublishError
from narration.keys import Caller
from narration.model import Article, Episode
from narration.publish.feed import publish_feed
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.tts.voices import Voices


@dataclass(frozen=True)
class Result:
    episode: Episode
    status: str
    """``created``, ``updated`` or ``unchanged``."""
    synthesised: int
    """Clips synthesised for this episode (0 when every clip came from the cache)."""
    voice: str = ""
    """The voice that reads it, ``backend:voice``."""
    replaced: Episode | None = None
    """The catalog row an ``updated`` episode had before (to put back if its feed fails)."""


class Narrator:
    """Narrates articles into one output directory, sharing one worker pool between them."""

    def __init__(
        self,
        settings: Settings,
        progress: Progress = quiet,
        voices: Voices | None = None,
        db: Database | None = None,
        gate: Callable[[Article, Episode], None] | None = None,
        maker: EpisodeMaker | None = None,
    ) -> None:
        """``db`` is the process's database; without one the narrator opens (and closes)
        the one ``settings`` name. ``gate`` is shown each new episode before it is saved
        and published; when it raises, the episode's files are removed and nothing of it
        is published. ``maker`` is one that started clips already (see
        :meth:`EpisodeMaker.start_clips`)."""
        self.settings = settings
        self.gate = gate
        self.maker = maker or EpisodeMaker(settings, progress)
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
        """Refuse, before anything is written, articles no installed voice can read and
        articles longer than ``max_words``."""
        check_articles(articles, self.voices, self.settings.max_words)

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
        for article in articles:
            if on_article is not None:
                on_article(article)
            results.append(self.narrate_one(article, caller))
        try:
            publish_feed(self.catalog, self.settings)
        except PublishError:
            for result in results:
                if result.status == "created":
                    self.catalog.remove(result.episode.id)
                elif result.replaced is not None:
                    self.catalog.save(result.replaced)
            raise
        return results

    def narrate_one(self, article: Article, caller: Caller | None = None) -> Result:
        """Narrate one article into the catalog (the feed is :meth:`narrate`'s). An
        article another key submitted, by its key or by the same content, is refused with
        :class:`ConflictError`; the same content again is the episode it already is."""
        s = self.settings
        who = caller or Caller.operator()
        cast = self.voices.cast(article.language)
        voice = cast.reader
        script = self.maker.script(article)
        content_hash = self.maker.content_hash(article, script, cast)
        existing = self.catalog.find(s.show.slug, article.source_name)
        if existing is not None and not who.owns(existing.owner):
            raise ConflictError(
                f"this article is already episode {existing.id}, submitted with another API key",
                existing.id,
            )
        if existing is None:
            same = self.catalog.find_content(s.show.slug, content_hash)
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

        guid = existing.guid if existing else self.maker.guid(article)
        files = self.maker.make(article, script, cast, guid, content_hash)
        episode = self._episode(article, files, guid, content_hash, existing, who)
        if self.gate is not None:
            try:
                self.gate(article, episode)
            except BaseException:
                self._discard(files)
                raise
        self.catalog.save(episode)
        status = "updated" if existing else "created"
        return Result(episode, status, files.synthesised, voice.spec.label, replaced=existing)

    def _discard(self, files: EpisodeFiles) -> None:
        """Remove the files of a version that is not published (its names are its own)."""
        names = (files.audio_name, files.transcript_name, files.chapters_name)
        for name in (*names, files.peaks_name, files.image_name):
            if name:
                (self.settings.out_dir / name).unlink(missing_ok=True)

    def _episode(
        self,
        article: Article,
        files: EpisodeFiles,
        guid: str,
        content_hash: str,
        existing: Episode | None,
        who: Caller,
    ) -> Episode:
        """The catalog row of a new version of ``article``'s episode: a new episode, or
        ``existing`` with new files (same id, guid, publication time and owner)."""
        s = self.settings
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return Episode(
            id=existing.id if existing else uuid.uuid4().hex,
            guid=guid,
            article_key=article.source_name,
            content_hash=content_hash,
            title=article.title.display,
            author=article.author,
            published=(
                existing.published
                if existing
                else published_time(article, now, s.future_tolerance_s)
            ),
            description=description(article),
            audio_name=files.audio_name,
            transcript_name=files.transcript_name,
            chapters_name=files.chapters_name,
            peaks_name=files.peaks_name,
            bytes=files.bytes,
            duration_s=files.duration_s,
            chapters=files.chapters,
            created_at=existing.created_at if existing else now,
            updated_at=now,
            show=s.show.slug,
            link=article.url,
            image_name=files.image_name,
            owner=existing.owner if existing else who.key_id,
        )
