"""Articles submitted as data (an API body): checked when accepted, read when narrated."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from narration.config import Settings
from narration.dates import date_problem
from narration.errors import BadInput, SourceError
from narration.ingest.extract.declared import declared_language
from narration.ingest.sources import check_text, from_text, read_source
from narration.model import Article, RawSource, SourceKind
from narration.net.address import check_url
from narration.prepare.language import normalise, script_languages
from narration.prepare.load import Metadata, article_from
from narration.publish.shows import show_for
from narration.store.jobs import Submission
from narration.tts.base import parse_voice
from narration.tts.voices import check_language, check_voices

SUBMITTED_NAME = "submitted article"


def check(sub: Submission, settings: Settings) -> None:
    """Refuse, with :class:`~narration.errors.BadInput`, a submission that cannot be
    narrated: an unknown show or voice, a URL that may not be fetched, a body that is too
    large, empty, binary or without words, a date that is not one, lies in the future or
    outside the years :mod:`narration.dates` takes, an article in a language no voice
    reads (see :func:`check_readable`).

    Cheap and bounded: nothing is fetched, extracted or prepared here; the worker does
    that, under its own time limit, and a page that turns out to hold no article fails
    its own job."""
    show = submission_settings(sub, settings)  # an unknown show is bad input
    check_voices(show, sub.voice)  # checked by name: no engine runs in this process
    if sub.callback_url is not None:
        _check_http_url(sub.callback_url, show)
    metadata(sub, settings)
    if sub.kind == "url":
        _check_http_url(sub.value, show)
    else:
        kind = SourceKind(sub.kind)
        check_text(sub.value, SUBMITTED_NAME, max_bytes=show.max_text_bytes, kind=kind)
    check_readable(sub, show)


def check_readable(sub: Submission, show: Settings) -> None:
    """Refuse an article that no voice of ``show`` (with the submission's voice) reads,
    naming its language: the language the submission declares, else the one an HTML
    body's page declares, else, with detection on, the one the script of a body's letters
    tells (any of the languages written in that script will do).

    Only what the worker is sure to decide likewise is refused; a body whose language
    would take extraction or statistics to know is left to its job. Voices are checked
    by name, as :func:`check_voices` does."""
    languages = _languages(sub, show)
    if not languages:
        return
    voice = parse_voice(show.show.voice, show.show.rate_wpm)
    refusals: list[BadInput] = []
    for language in languages:
        try:
            check_language(voice, language)
        except BadInput as exc:
            refusals.append(exc)
        else:
            return
    if len(languages) == 1:
        raise refusals[0]
    others = ", ".join(repr(language) for language in languages[1:])
    raise BadInput(f"{refusals[0]} (nor any other language written in its script: {others})")


def _languages(sub: Submission, show: Settings) -> tuple[str, ...]:
    """The languages the worker may read the submission in, as far as a quick look tells;
    none when it does not."""
    declared = normalise(sub.language)
    if declared is not None:
        return (declared,)
    if sub.kind == "url":
        return ()
    look = declared_language(SourceKind(sub.kind), sub.value)
    if look is None:
        return ()
    if look.named:
        # A page's declaration is checked now; front matter's is left to the worker.
        return (look.language,) if sub.kind == "html" and look.language else ()
    if not show.detect_language:
        return ()
    return script_languages(look.text)


def warm_up() -> None:
    """What preparing the first page would load inside its job, loaded ahead of it (in
    the preparing process: the service's own process never loads the extractor)."""
    # Lazy: html loads trafilatura and lxml (~150 ms); only warming up needs it here.
    from narration.ingest.extract.html import warm_date_parser

    warm_date_parser()


def submission_settings(sub: Submission, settings: Settings) -> Settings:
    """The settings the submission is narrated with: its show's, and its own voice."""
    show = show_for(settings, sub.show)
    return settings.for_show(show.model_copy(update={"voice": sub.voice}) if sub.voice else show)


def article(sub: Submission, settings: Settings) -> Article:
    """Read (fetching a URL), extract and prepare the submitted article; a new version
    of an episode keeps that episode's article key, and so its guid. ``settings`` are
    the show's (see :func:`submission_settings`)."""
    prepared = article_from(raw_source(sub, settings), settings, metadata(sub, settings))
    return replace(prepared, source_name=sub.article_key) if sub.article_key else prepared


def raw_source(sub: Submission, settings: Settings) -> RawSource:
    if sub.kind == "url":
        _check_http_url(sub.value, settings)
        return read_source(sub.value, max_bytes=settings.max_text_bytes, limits=settings.fetch)
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
    check_url(url, settings.fetch)


def _published(value: str | None, tolerance_s: float) -> dt.datetime | dt.date | None:
    if value is None:
        return None
    try:
        when = (
            dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        )
    except ValueError as exc:
        raise SourceError(f"published: {value!r} is not an ISO 8601 date or time") from exc
    problem = date_problem(when)
    if problem is not None:
        raise SourceError(f"published: {problem}")
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
