"""HTML pages: trafilatura finds the body and the metadata once the furniture is gone."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from narration.errors import ExtractionError
from narration.ingest.extract import heading_like, is_repeated_later, normalise_space, same_text
from narration.ingest.extract.chrome import is_notice
from narration.ingest.extract.code import strip_code
from narration.ingest.extract.furniture import (
    FURNITURE_TAGS,
    KEEP_TAGS,
    furniture_reason,
    name_parts,
    without_furniture,
)
from narration.ingest.extract.html_meta import image, language, linked_data, parse_page, published
from narration.ingest.extract.lists import read_lists, spoken_list
from narration.ingest.extract.prose import holds_sentence, mostly_prose
from narration.ingest.extract.restore import restore, said_in_furniture
from narration.ingest.extract.text import is_chrome
from narration.ingest.extract.tidy import as_list_item
from narration.model import Block, BlockKind, Document, RawSource

STANDFIRST_NAME_PARTS = frozenset((
    "standfirst", "dek", "subtitle", "subheadline", "subhead", "summary", "lede", "lead",
    "intro", "excerpt", "strapline",
))  # fmt: skip
_LEAD_PARAGRAPHS = 3
_MIN_STANDFIRST_WORDS = 5
_MAX_STANDFIRST_WORDS = 80


# Reasons for removing an element (see ``furniture.furniture_reason``) that are trusted
# over trafilatura: a paragraph trafilatura keeps from such an element stays out.
FURNITURE_REASONS = frozenset((
    "figcaption", "name:caption", "name:captions", "name:credit", "name:credits",
    "name:player", "form", "button", "aside", "name:recirculation", "name:footnote",
    "name:footnotes", "name:endnotes", "role:doc-endnotes", "name:byline", "name:dateline",
    "name:breadcrumb", "name:breadcrumbs", "name:nav",
))  # fmt: skip


CAPTIONS = frozenset(("figcaption", "name:caption", "name:captions"))

UNDATED_CITATION = ", Darmstadt, 2011, S. 13"
"""A string with a year that no locale reads as a date: parsing it tries every locale."""


def warm_date_parser() -> None:
    """Load the date parser's patterns for every locale (about a second) ahead of the first
    page that needs them: htmldate, which trafilatura finds dates with, hands a string
    with a year that it cannot read itself to dateparser, which then builds its patterns
    for every locale it knows. They are kept for the life of the process."""
    # Lazy: dateparser (~55 ms) only when the date parser is warmed or used.
    from dateparser import DateDataParser

    DateDataParser(languages=None).get_date_data(UNDATED_CITATION)


def extract_html(source: RawSource) -> tuple[Document, Document]:
    """Our reading of the page, and trafilatura's reading of the page as it is (with the
    same metadata), which is read instead when ours finds no article."""
    page = _parse(source)
    meta = trafilatura.extract_metadata(copy.deepcopy(page), default_url=source.url)
    linked = linked_data(page)
    strip_code(page)
    standfirst = _standfirst_element(page)
    baseline = _body(copy.deepcopy(page), source.url)
    cleaned = copy.deepcopy(page)
    removed = without_furniture(cleaned)
    ours = _body(cleaned, source.url, precise=True)
    blocks = restore(ours, baseline, removed, FURNITURE_REASONS)
    title = normalise_space(meta.title or "") if meta is not None else ""
    blocks = read_lists(page, _drop_above_title(blocks, title))
    description = normalise_space(meta.description or "") if meta is not None else ""
    their_lead = [
        b for _, b in _lead(baseline) if not said_in_furniture(b.text, removed, FURNITURE_REASONS)
    ]
    standfirst, blocks = _settle_standfirst(standfirst, description, blocks, their_lead)
    document = Document(
        title=title,
        blocks=tuple(blocks),
        author=(meta.author or None) if meta is not None else None,
        published=published(page, linked, meta.date if meta is not None else None),
        language=language(page, linked),
        standfirst=standfirst,
        url=(meta.url or None) if meta is not None else None,
        image_url=((meta.image if meta is not None else None) or image(linked)),
    )
    # Captions are not the article, whoever reads them: a gallery stays a gallery.
    uncaptioned = [b for b in baseline if not said_in_furniture(b.text, removed, CAPTIONS)]
    as_is = replace(document, blocks=tuple(_drop_above_title(uncaptioned, title)), standfirst=None)
    return document, as_is


def _body(page: lxml_html.HtmlElement, url: str | None, precise: bool = False) -> list[Block]:
    """The headings and paragraphs trafilatura finds in ``page``."""
    xml = trafilatura.extract(
        page,
        url=url,
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=False,
        include_links=False,
        favor_precision=precise,
    )
    return _blocks(xml) if xml else []


def _parse(source: RawSource) -> lxml_html.HtmlElement:
    try:
        page = parse_page(source.text)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"{source.name}: the HTML could not be parsed ({exc})") from exc
    return page


def _standfirst_element(page: lxml_html.HtmlElement) -> str | None:
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in KEEP_TAGS:
            continue
        if not name_parts(element) & STANDFIRST_NAME_PARTS or element.tag in FURNITURE_TAGS:
            continue
        if furniture_reason(element) or any(furniture_reason(a) for a in element.iterancestors()):
            continue
        text = normalise_space(element.text_content())
        if _MIN_STANDFIRST_WORDS <= len(text.split()) <= _MAX_STANDFIRST_WORDS:
            return text
    return None


def _blocks(xml: str) -> list[Block]:
    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    return list(_walk(main if main is not None else root))


def _walk(element: etree._Element) -> Iterator[Block]:
    for child in element:
        tag = child.tag
        if tag in {"code", "graphic"}:
            continue
        if tag == "table":
            yield from _table(child)
            continue
        if (
            tag == "list"
            and len(child)
            and all(item.tag == "item" and len(item) == 0 for item in child)
        ):
            for text in spoken_list([_text(item) for item in child]):
                if not is_chrome(text) and not is_notice(text):
                    yield Block(BlockKind.PARAGRAPH, text)
            continue
        if tag in {"list", "quote", "div"}:
            if tag != "list" and len(child) == 0:
                yield from _paragraph(child)
            yield from _walk(child)
        elif tag == "head":
            text = _text(child)
            if text and not is_chrome(text):
                yield Block(BlockKind.HEADING, text)
        elif tag in {"p", "item"}:
            yield from _paragraph(child, item=tag == "item")


def _paragraph(element: etree._Element, item: bool = False) -> Iterator[Block]:
    text = _text(element)
    if text and not is_chrome(text) and not is_notice(text):
        yield Block(BlockKind.PARAGRAPH, as_list_item(text) if item else text)


def _table(table: etree._Element) -> Iterator[Block]:
    """A table of text is read row by row, its cells as sentences; of a table of data,
    only the rows that hold a sentence (a list of events with what happened)."""
    rows = [[_text(cell) for cell in row.iter("cell")] for row in table.iter("row")]
    if not mostly_prose([cell for row in rows for cell in row]):
        rows = [row for row in rows if holds_sentence(row)]
    for row in rows:
        text = " ".join(as_list_item(cell) for cell in row if cell and not is_chrome(cell))
        if text:
            yield Block(BlockKind.PARAGRAPH, text)


def _text(element: etree._Element) -> str:
    return normalise_space(" ".join(element.itertext()))


def _drop_above_title(blocks: list[Block], title: str) -> list[Block]:
    """Section kickers and labels above the headline are not part of the article."""
    for i, block in enumerate(blocks):
        if same_text(block.text, title):
            above = blocks[:i]
            if all(heading_like(b.text) for b in above):
                return blocks[i + 1 :]
            return above + blocks[i + 1 :]
    return blocks


def _settle_standfirst(
    marked: str | None, description: str, blocks: list[Block], their_lead: list[Block]
) -> tuple[str | None, list[Block]]:
    """Pick the standfirst and make sure it is not also read as the first paragraph.

    The page's description is the standfirst when it opens our reading or trafilatura's
    reading of the page as it is (where the body may repeat it in other words)."""
    lead = _lead(blocks)
    for i, block in lead:
        if marked and _matches(marked, block.text):
            return marked, blocks[:i] + blocks[i + 1 :]
    if marked:
        return marked, blocks
    for i, block in lead:
        short = len(block.text.split()) <= _MAX_STANDFIRST_WORDS
        if description and short and _matches(description, block.text):
            return block.text, blocks[:i] + blocks[i + 1 :]
    for block in their_lead:
        short = len(block.text.split()) <= _MAX_STANDFIRST_WORDS
        if description and short and _matches(description, block.text):
            return block.text, blocks
    return None, blocks


def _lead(blocks: list[Block]) -> list[tuple[int, Block]]:
    return [(i, b) for i, b in enumerate(blocks) if b.kind is BlockKind.PARAGRAPH][
        :_LEAD_PARAGRAPHS
    ]


def _matches(candidate: str, paragraph: str) -> bool:
    a, b = candidate.rstrip(".… "), paragraph.rstrip(".… ")
    if same_text(a, b) or b.startswith(a) or a.startswith(b):
        return True
    return is_repeated_later(a, b) and is_repeated_later(b, a)
