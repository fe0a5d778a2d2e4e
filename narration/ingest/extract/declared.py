"""The language a source declares, read the way extraction reads it, without extracting.

Extraction takes an HTML page's declaration (``<html lang>``, JSON-LD ``inLanguage``,
``Content-Language``, ``og:locale``) and a Markdown file's front matter (``language``,
``lang``, ``locale``); :func:`declared_language` reads the same places with the same
functions, for those who must know before the article is extracted (a submission is
checked for a voice that reads it when it is accepted). It parses what it must and
loads neither trafilatura nor, for Markdown or text, lxml.
"""

from __future__ import annotations

from dataclasses import dataclass

from narration.model import SourceKind


@dataclass(frozen=True)
class Declared:
    """What a source says of its language."""

    language: str | None
    """The two-letter code extraction will read from the source; None when it reads none."""
    named: bool
    """Whether the source names a language where extraction looks (Markdown front
    matter with a language key, even one extraction cannot read as a code)."""
    text: str
    """The source's readable text: a page's without its scripts and styles, a Markdown
    body without its front matter."""


def declared_language(kind: SourceKind, text: str) -> Declared | None:
    """What a source of ``kind`` declares of its language; None when it cannot be parsed
    (broken HTML, or broken front matter), so that only extracting it would tell."""
    if kind is SourceKind.HTML:
        # Lazy: lxml only for an HTML source; the API server imports this module at start-up.
        from lxml import etree

        # Lazy: html_meta loads lxml (~8 ms), for HTML sources only.
        from narration.ingest.extract.html_meta import (
            language,
            linked_data,
            parse_page,
            visible_text,
        )

        try:
            page = parse_page(text)
        except (etree.ParserError, ValueError):
            return None
        code = language(page, linked_data(page))
        return Declared(code, code is not None, "" if code else visible_text(page))
    if kind is SourceKind.MARKDOWN:
        # Lazy: markdown-it and frontmatter (~30 ms), for Markdown sources only.
        from narration.ingest.extract.markdown import (
            LANGUAGE_KEYS,
            front_matter_language,
            read_front_matter,
        )

        read = read_front_matter(text)
        if read is None:
            return None
        metadata, body = read
        named = any(key in metadata for key in LANGUAGE_KEYS)
        return Declared(front_matter_language(metadata), named, body)
    return Declared(None, False, text)
