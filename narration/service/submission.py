"""Articles submitted as data (an API body): checked when accepted, read when narrated."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from narration.config import Settings
from narration.errors import SourceError
from narration.ingest.fetch import check_url
from narration.ingest.sources import check_text, from_text, read_source
from narration.model import Article, RawSource, SourceKind
from narration.prepare.load import Metadata, article_from
from narration.publish.shows import settings_for
from narration.store.jobs import Submission
from narration.tts.voices import check_voices

SUBMITTED_NAME = "submitted article"


def check(sub: Submission, settings: Settings) -> None:
    """Refuse, with :class:`~narration.errors.BadInput`, a submission that cannot be
    narrated: an unknown show or voice, a URL that may not be fetched, a body that is too
    large, empty, binary or without words, a date that is not one or lies in the future.

    Cheap and bounded: nothing is fetched, extracted or prepared here; the worker does
    that, under its own time limit, and a page that turns out to hold no article fails
    its own job."""
    show = show_settings(sub, settings)  # an unknown show is bad input
    check_voices(show, sub.voice)  # checked by name: no engine runs in this process
    if sub.callback_url is not None:
        _check_http_url(sub.callback_url, show)
    metadata(sub, settings)
    if sub.kind == "url":
        _check_http_url(sub.value, show)
        return
    check_text(sub.value, SUBMITTED_NAME, max_bytes=show.max_text_bytes, kind=SourceKind(sub.kind))


def show_settings(sub: Submission, settings: Settings) -> Settings:
    """The settings the submission is narrated with: its show's, and its own voice."""
    show = settings_for(settings, sub.show)
    return show.model_copy(update={"voice": sub.voice}) if sub.voice else show


def article(sub: Submission, settings: Settings) -> Article:
    """Read (fetching a URL), extract and prepare the submitted article; a new version
    of an episode keeps that episode's article key, and so its guid. ``settings`` are
    the show's (see :func:`show_settings`)."""
    prepared = article_from(raw_source(sub, settings), settings, metadata(sub, settings))
    return replace(prepared, source_name=sub.article_key) if sub.article_key else prepared


def raw_source(sub: Submission, settings: Settings) -> RawSource:
    if sub.kind == "url":
        _check_http_url(sub.value, settings)
        return read_source(sub.value, max_bytes=settings.max_text_bytes, settings=settings)
    return from_text(
        sub.value, SourceKind(sub.kind), SUBMITTED_NAME, max_bytes=settings.max_text_bytes
    )


def metadata(sub: Submission, settings: Settings) -> Metadata:
    return Metadata(
        title=sub.title,
        author=sub.author,
        published=_published(sub.published, settings.future_tolerance_s),
        language=sub.language,
    )


def _check_http_url(url: str, settings: Settings) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise SourceError(f"{url}: only http and https URLs can be fetched")
    check_url(url, settings)


def _published(value: str | None, tolerance_s: float) -> dt.datetime | dt.date | None:
    if value is None:
        return None
    try:
        when = (
            dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        )
    except ValueError as exc:
        raise SourceError(f"published: {value!r} is not an ISO 8601 date or time") from exc
    now = dt.datetime.now(dt.UTC)
    if isinstance(when, dt.datetime):
        instant = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    else:
        # A date alone is in the future once it has begun nowhere on Earth yet.
        instant = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC) - dt.timedelta(
            hours=14
        )
    if instant > now + dt.timedelta(seconds=tolerance_s):
        raise SourceError(f"published: {value} is in the future")
    return when
