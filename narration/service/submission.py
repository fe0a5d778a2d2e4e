"""Articles submitted as data (an API body): checked when accepted, read when narrated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import frontmatter
import yaml
from lxml import etree
from lxml import html as lxml_html

from narration.config import Settings
from narration.dates import date_problem
from narration.errors import BadInput, SourceError
from narration.ingest.extract.html_meta import language as page_language
from narration.ingest.extract.html_meta import linked_data
from narration.ingest.extract.markdown import LANGUAGE_KEYS
from narration.ingest.sources import check_text, from_text, read_source
from narration.model import Article, RawSource, SourceKind
from narration.net.address import check_url
from narration.prepare.language import SAMPLE_CHARS, SCRIPT_LANGUAGES, dominant_script, normalise
from narration.prepare.load import Metadata, article_from
from narration.publish.shows import settings_for
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
    show = show_settings(sub, settings)  # an unknown show is bad input
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
    voice = parse_voice(show.voice, show.rate_wpm)
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
    text = sub.value
    if sub.kind == "html":
        page = _page(text)
        if page is None:
            return ()
        own = normalise(page_language(page, linked_data(page)))
        if own is not None:
            return (own,)
        etree.strip_elements(page, "script", "style", "template", "noscript", with_tail=False)
        text = str(page.text_content())
    elif sub.kind == "markdown":
        try:
            post = frontmatter.loads(text)
        except (yaml.YAMLError, ValueError, TypeError):
            return ()
        if isinstance(post.metadata, Mapping) and any(k in post.metadata for k in LANGUAGE_KEYS):
            return ()  # the front matter names the language, as the worker will read it
        text = post.content
    if not show.detect_language:
        return ()
    return SCRIPT_LANGUAGES.get(_clear_script(text) or "", ())


def _page(text: str) -> lxml_html.HtmlElement | None:
    """The page as the HTML extractor parses it; None when it cannot be."""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        return lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _clear_script(text: str) -> str | None:
    """The script most letters of ``text`` are in, at its start (which the worker looks at)
    and in its middle and at its end alike, so that the title, a menu or a footer in
    another script cannot decide it; None when they differ or have no letters."""
    half = SAMPLE_CHARS // 2
    middle = len(text) // 2
    samples = {
        text[:SAMPLE_CHARS],
        text[max(0, middle - half) : middle + half],
        text[-SAMPLE_CHARS:],
    }
    scripts = {dominant_script(sample) for sample in samples}
    return scripts.pop() if len(scripts) == 1 else None


def warm_up() -> None:
    """What preparing the first page would load inside its job, loaded ahead of it (in
    the preparing process: the service's own process never loads the extractor)."""
    from narration.ingest.extract.html import warm_date_parser

    warm_date_parser()


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
