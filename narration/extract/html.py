"""HTML pages: trafilatura finds the body and the metadata once the furniture is gone."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from narration.errors import ExtractionError
from narration.extract import heading_like, is_repeated_later, normalise_space, same_text
from narration.extract.html_meta import image, language, linked_data, published
from narration.extract.text import is_chrome
from narration.extract.tidy import as_list_item, table_note
from narration.model import Block, BlockKind, Document, RawSource

# Elements that never hold article prose.
FURNITURE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "video", "audio", "picture", "figure", "figcaption", "aside", "nav", "footer", "form",
    "button", "input", "select", "textarea", "label", "dialog", "menu", "table", "pre",
    "amp-ad", "amp-img", "amp-analytics", "amp-social-share", "amp-sidebar", "amp-carousel",
    "amp-iframe", "amp-video", "amp-audio", "amp-consent", "amp-embed",
)  # fmt: skip
# Block-level code (not inline code inside a sentence) is furniture.
CODE_BLOCK_PARENTS = frozenset(("div", "article", "section", "main", "body", "figure", "pre"))
# Parts of class and id names ("newsletter-signup" -> "newsletter", "signup") that mark
# furniture; matching whole parts rather than substrings keeps "header" safe from "ad".
FURNITURE_NAME_PARTS = frozenset((
    "share", "sharing", "social", "newsletter", "newsletters", "signup", "subscribe",
    "subscription", "related", "recommended", "recirculation", "outbrain", "taboola", "advert",
    "advertisement", "advertising", "ad", "ads", "adslot", "sponsor", "sponsored", "promo",
    "promotion", "cookie", "cookies", "consent", "gdpr", "caption", "captions", "credit",
    "credits", "kicker", "eyebrow", "breadcrumb", "breadcrumbs", "byline", "bylines",
    "dateline", "timestamp", "player", "audio", "podcast", "toolbar", "popup", "modal",
    "paywall", "sidebar", "trending", "popular", "mostread", "readmore", "comments", "comment",
    "disqus", "tags", "taglist", "nav", "navigation", "menu", "footer", "masthead", "banner",
    "footnotes", "footnote", "endnotes", "references", "reflist", "bibliography", "citations",
    "pullquote", "gallery", "livebloggingpromo",
))  # fmt: skip
FURNITURE_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "dialog", "doc-endnotes",
    "doc-bibliography", "doc-noteref", "doc-pullquote",
})  # fmt: skip
STANDFIRST_NAME_PARTS = frozenset((
    "standfirst", "dek", "subtitle", "subheadline", "subhead", "summary", "lede", "lead",
    "intro", "excerpt", "strapline",
))  # fmt: skip
_NAME_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_KEEP_TAGS = frozenset({"html", "body", "main", "article"})
_MAX_FURNITURE_SHARE = 0.6
_LEAD_PARAGRAPHS = 3
_MIN_STANDFIRST_WORDS = 5
_MAX_STANDFIRST_WORDS = 80


def extract_html(source: RawSource) -> Document:
    page = _parse(source)
    meta = trafilatura.extract_metadata(copy.deepcopy(page), default_url=source.url)
    standfirst = _standfirst_element(page)
    linked = linked_data(page)
    cleaned = _without_furniture(copy.deepcopy(page))
    xml = trafilatura.extract(
        cleaned,
        url=source.url,
        output_format="xml",
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_formatting=False,
        include_links=False,
        favor_precision=True,
    )
    blocks = _blocks(xml) if xml else []
    title = normalise_space(meta.title or "") if meta is not None else ""
    blocks = _drop_above_title(blocks, title)
    description = normalise_space(meta.description or "") if meta is not None else ""
    standfirst, blocks = _settle_standfirst(standfirst, description, blocks)
    return Document(
        title=title,
        blocks=tuple(blocks),
        author=(meta.author or None) if meta is not None else None,
        published=published(page, linked, meta.date if meta is not None else None),
        language=language(page, linked),
        standfirst=standfirst,
        url=(meta.url or None) if meta is not None else None,
        image_url=((meta.image if meta is not None else None) or image(linked)),
    )


def _parse(source: RawSource) -> lxml_html.HtmlElement:
    # Bytes plus an explicit parser: lxml refuses str input that carries an XML
    # encoding declaration, and the text is already decoded.
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        page = lxml_html.document_fromstring(source.text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"{source.name}: the HTML could not be parsed ({exc})") from exc
    return page


def _name_parts(element: lxml_html.HtmlElement) -> set[str]:
    names = " ".join(element.get(a, "") for a in ("class", "id", "data-component", "data-testid"))
    parts = {p.lower() for p in _NAME_SPLIT.split(names) if p}
    # Joined forms ("most-read" -> "mostread") catch the two-word names.
    tokens = names.lower().split()
    parts.update(t.replace("-", "").replace("_", "") for t in tokens)
    return parts


def _is_furniture(element: lxml_html.HtmlElement) -> bool:
    if element.tag in FURNITURE_TAGS:
        return True
    if element.tag == "code":
        parent = element.getparent()
        return parent is None or parent.tag in CODE_BLOCK_PARENTS
    if element.tag == "sup" and _is_note_reference(element):
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if element.get("role") in FURNITURE_ROLES:
        return True
    return bool(_name_parts(element) & FURNITURE_NAME_PARTS)


def _is_note_reference(sup: lxml_html.HtmlElement) -> bool:
    """A footnote marker ("¹", "[2]" linking to the notes), not an exponent."""
    if any(str(a.get("href", "")).startswith("#") for a in sup.iter("a")):
        return True
    return bool(re.fullmatch(r"\[\d{1,3}\]|\*+|†+", sup.text_content().strip()))


def _replace_tables(page: lxml_html.HtmlElement) -> None:
    """A data table becomes one sentence saying that it is in the text version."""
    total = len(page.text_content()) or 1
    for table in list(page.iter("table")):
        if table.getparent() is None or any(a.tag == "table" for a in table.iterancestors()):
            continue
        if table.find(".//p") is not None or _holds_article(table, total, tables=True):
            continue  # a layout table that holds the page
        caption = table.find("caption")
        text = normalise_space(caption.text_content()) if caption is not None else ""
        target = table
        figure = next((a for a in table.iterancestors() if a.tag == "figure"), None)
        if figure is not None and len(figure.findall(".//table")) == 1:
            figcaption = figure.find(".//figcaption")
            if not text and figcaption is not None:
                text = normalise_space(figcaption.text_content())
            target = figure
        note = lxml_html.Element("p")
        note.text = table_note(text).text
        note.tail = target.tail
        parent = target.getparent()
        if parent is not None:
            parent.replace(target, note)


def _without_furniture(page: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    _replace_tables(page)
    total = len(page.text_content()) or 1
    doomed: list[lxml_html.HtmlElement] = []
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in _KEEP_TAGS:
            continue
        if any(element is d or d in element.iterancestors() for d in doomed[-1:]):
            continue
        site_header = element.tag == "header" and not _inside_article(element)
        if site_header or (_is_furniture(element) and not _holds_article(element, total)):
            doomed.append(element)
    for element in doomed:
        element.drop_tree()
    return page


def _inside_article(element: lxml_html.HtmlElement) -> bool:
    return any(a.tag in {"article", "main"} for a in element.iterancestors())


def _holds_article(element: lxml_html.HtmlElement, total: int, tables: bool = False) -> bool:
    """A wrapper named like furniture ("has-sidebar") that holds the article is kept."""
    if element.tag in FURNITURE_TAGS and not tables:
        return False
    if element.find(".//article") is not None or element.find(".//main") is not None:
        return True
    return len(element.text_content()) > _MAX_FURNITURE_SHARE * total


def _standfirst_element(page: lxml_html.HtmlElement) -> str | None:
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in _KEEP_TAGS:
            continue
        if not _name_parts(element) & STANDFIRST_NAME_PARTS or element.tag in FURNITURE_TAGS:
            continue
        if any(_is_furniture(a) for a in element.iterancestors()):
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
        if tag in {"code", "table", "graphic"}:
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
    if text and not is_chrome(text):
        yield Block(BlockKind.PARAGRAPH, as_list_item(text) if item else text)


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
    marked: str | None, description: str, blocks: list[Block]
) -> tuple[str | None, list[Block]]:
    """Pick the standfirst and make sure it is not also read as the first paragraph."""
    lead = [(i, b) for i, b in enumerate(blocks) if b.kind is BlockKind.PARAGRAPH][
        :_LEAD_PARAGRAPHS
    ]
    candidates = [c for c in (marked, description) if c]
    for candidate in candidates:
        for i, block in lead:
            if _matches(candidate, block.text):
                chosen = marked or block.text
                return chosen, blocks[:i] + blocks[i + 1 :]
    return marked, blocks


def _matches(candidate: str, paragraph: str) -> bool:
    a, b = candidate.rstrip(".… "), paragraph.rstrip(".… ")
    if same_text(a, b) or b.startswith(a) or a.startswith(b):
        return True
    return is_repeated_later(a, b) and is_repeated_later(b, a)
