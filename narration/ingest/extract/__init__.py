"""Find the article in a source: its metadata and its body as headings and paragraphs.

The kind-specific extractors live in ``html``, ``markdown`` and ``text``; they are
imported when needed so that reading a Markdown file does not pay for importing the
HTML extraction stack. The small text functions below are shared by all three.
"""

from __future__ import annotations

import re
from dataclasses import replace

from narration.errors import ExtractionError
from narration.ingest.extract.clean import clean_display
from narration.ingest.extract.tidy import (
    drop_reference_sections,
    drop_repeated,
    is_caption,
    is_repeated_later,
    strip_footnote_markers,
)
from narration.model import Block, BlockKind, Document, RawSource, SourceKind

__all__ = ["extract", "is_repeated_later"]

MONTHS: dict[str, int] = {
    name: i
    for i, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
MAX_HEADING_WORDS = 15
_SHORT_LINE_WORDS = 12


def extract(source: RawSource) -> Document:
    """Extract the article of ``source``.

    Raises :class:`ExtractionError` when no paragraph of article text is left once
    the page furniture is removed, or when the source is a table, a list of links or a
    gallery of captioned images rather than an article. An HTML page is refused only
    when trafilatura's own reading of the page as it is fails the same tests: what it
    finds is read when ours finds nothing.
    """
    if source.kind is SourceKind.HTML:
        # Lazy: trafilatura and lxml (~150 ms) only for HTML; html imports this package (a circle).
        from narration.ingest.extract.html import extract_html

        document, baseline = extract_html(source)
        try:
            return _judged(document, source)
        except ExtractionError as refused:
            try:
                return _judged(baseline, source)
            except ExtractionError:
                raise refused from None
    if source.kind is SourceKind.MARKDOWN:
        # Lazy: markdown-it (~30 ms) only for Markdown; markdown imports this package (a circle).
        from narration.ingest.extract.markdown import extract_markdown

        return _judged(extract_markdown(source), source)
    # Lazy: text imports this package's helpers, a circle at module level.
    from narration.ingest.extract.text import extract_text

    return _judged(extract_text(source), source)


def _judged(document: Document, source: RawSource) -> Document:
    """``document`` tidied, once it is known to be an article."""
    # Lazy: prose imports chrome, which imports this package (a circle at module level).
    from narration.ingest.extract.prose import refuse_non_prose

    document = _without_code(document)
    refuse_non_prose(source, document)
    return finish(document, source)


def _without_code(document: Document) -> Document:
    """``document`` without any sentence that looks like program text."""
    # Lazy: code imports prose, then chrome, then this package (a circle at module level).
    from narration.ingest.extract.code import without_code

    blocks = tuple(Block(b.kind, without_code(b.text)) for b in document.blocks)
    standfirst = without_code(document.standfirst) if document.standfirst else None
    return replace(
        document,
        title=without_code(document.title),
        blocks=tuple(b for b in blocks if b.text),
        standfirst=standfirst or None,
    )


def finish(document: Document, source: RawSource) -> Document:
    """Tidy what an extractor found and make sure there is a title and a body."""
    title = normalise_space(document.title)
    standfirst = normalise_space(document.standfirst or "") or None
    blocks: list[Block] = []
    for block in document.blocks:
        text = strip_footnote_markers(normalise_space(block.text)).strip()
        if not text or same_text(text, title) or same_text(text, standfirst or ""):
            continue
        if is_caption(text):
            continue
        if blocks and blocks[-1].kind is block.kind and same_text(blocks[-1].text, text):
            continue
        blocks.append(Block(block.kind, text))
    blocks = drop_repeated(drop_reference_sections(blocks))
    while blocks and blocks[-1].kind is BlockKind.HEADING:
        blocks.pop()
    if not any(b.kind is BlockKind.PARAGRAPH for b in blocks):
        raise ExtractionError(f"{source.name}: no article text found after removing page furniture")
    if not title:
        title, blocks = _fallback_title(blocks, source.name)
    if same_text(standfirst or "", title):
        standfirst = None
    return replace(document, title=title, blocks=tuple(blocks), standfirst=standfirst)


def _fallback_title(blocks: list[Block], name: str) -> tuple[str, list[Block]]:
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
    for i, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING:
            return block.text, blocks[:i] + blocks[i + 1 :]
    first = paragraphs[0]
    if len(paragraphs) > 1 and len(first.text.split()) <= _SHORT_LINE_WORDS:
        return first.text.rstrip(".:"), [b for b in blocks if b is not first]
    words = re.split(r"[\s_\-.]+", name)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "Untitled", blocks


def normalise_space(text: str) -> str:
    """One space between words, no invisible characters, no surrounding whitespace."""
    return " ".join(clean_display(text).split())


_NOT_ALNUM = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Only the letters and digits of ``text``, case folded."""
    return _NOT_ALNUM.sub("", text.casefold())


def same_text(a: str, b: str) -> bool:
    """Equal once case, spacing and punctuation are ignored."""
    key = _key(a)
    return bool(key) and key == _key(b)


def heading_like(text: str, max_words: int = MAX_HEADING_WORDS) -> bool:
    """Short, starts with a capital or digit, and does not end like a sentence."""
    words = text.split()
    if not words or len(words) > max_words:
        return False
    if text.rstrip("\"'”’)»").endswith((".", "!", "?", "…", ",", ";", ":")):
        return False
    first = text.lstrip("\"'“‘«([")[:1]
    return first.isupper() or first.isdigit()
