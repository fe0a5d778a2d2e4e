"""Reading one article: its source read, extracted and prepared, under its identity."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from pathlib import Path

from narration.config import Settings, Show
from narration.dates import date_problem
from narration.ingest.extract import extract
from narration.ingest.identity import canonical_url, content_key, same_site
from narration.ingest.sources import read_source
from narration.model import Article, Document, RawSource
from narration.prepare.article import prepare
from narration.prepare.language import resolve as resolve_language
from narration.prepare.lexicon import Lexicon


def load_article(source: str, settings: Settings) -> Article:
    """Read, extract and prepare one source; raises BadInput before anything is written."""
    raw = read_source(source, max_bytes=settings.max_text_bytes, limits=settings.fetch)
    return article_from(raw, settings)


def article_from(raw: RawSource, settings: Settings, overrides: Metadata | None = None) -> Article:
    """Extract and prepare a source already read; ``overrides`` replace what the source
    says about itself (title, author, publication date, language). A date of the
    source's own outside the years :mod:`narration.dates` takes is dropped."""
    doc = extract(raw)
    if doc.published is not None and date_problem(doc.published) is not None:
        doc = replace(doc, published=None)  # the source's own date is made up: none known
    if overrides is not None:
        doc = overrides.apply(doc)
    body = " ".join(block.text for block in doc.blocks)
    key = article_key(raw, doc, body)
    language = resolve_language(
        doc.language, body, default=settings.show.language, detect_missing=settings.detect_language
    )
    return prepare(
        doc,
        style=settings.show.house_style,
        language=language,
        name=key,
        lexicon=show_lexicon(settings.show),
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


def show_lexicon(show: Show) -> Lexicon | None:
    """The show's lexicon, read once per version of its file (the article and its intro
    and outro are prepared with the same one)."""
    path = show.lexicon_path
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
