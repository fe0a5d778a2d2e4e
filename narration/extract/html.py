"""HTML pages: trafilatura finds the body and the metadata once the furniture is gone."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from narration.errors import ExtractionError
from narration.extract import heading_like, is_repeated_later, normalise_space, same_text
from narration.extract.text import is_chrome
from narration.model import Block, BlockKind, Document, RawSource

# Elements that never hold article prose.
FURNITURE_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "video", "audio", "picture", "figure", "figcaption", "aside", "nav", "footer", "form",
    "button", "input", "select", "textarea", "label", "dialog", "menu", "table", "pre", "code",
)  # fmt: skip
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
))  # fmt: skip
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog"})
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
    linked = _linked_data(page)
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
        published=_published(page, linked, meta.date if meta is not None else None),
        language=_language(page, linked),
        standfirst=standfirst,
        url=(meta.url or None) if meta is not None else None,
        image_url=((meta.image if meta is not None else None) or _image(linked)),
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
    names = f"{element.get('class', '')} {element.get('id', '')}"
    parts = {p.lower() for p in _NAME_SPLIT.split(names) if p}
    # Joined forms ("most-read" -> "mostread") catch the two-word names.
    tokens = names.lower().split()
    parts.update(t.replace("-", "").replace("_", "") for t in tokens)
    return parts


def _is_furniture(element: lxml_html.HtmlElement) -> bool:
    if element.tag in FURNITURE_TAGS:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if element.get("role") in FURNITURE_ROLES:
        return True
    return bool(_name_parts(element) & FURNITURE_NAME_PARTS)


def _without_furniture(page: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
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


def _holds_article(element: lxml_html.HtmlElement, total: int) -> bool:
    """A wrapper named like furniture ("has-sidebar") that holds the article is kept."""
    if element.tag in FURNITURE_TAGS:
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
            yield from _paragraph(child)


def _paragraph(element: etree._Element) -> Iterator[Block]:
    text = _text(element)
    if text and not is_chrome(text):
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


def _linked_data(page: lxml_html.HtmlElement) -> dict[str, Any]:
    """The page's schema.org article object, for what trafilatura leaves out of it."""
    for script in page.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data])
        for item in items if isinstance(items, list) else []:
            kinds = item.get("@type") if isinstance(item, dict) else None
            names = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.endswith("Article") for k in names):
                return item  # type: ignore[no-any-return]
    return {}


def _image(linked: dict[str, Any]) -> str | None:
    image = linked.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) and image else None


def _language(page: lxml_html.HtmlElement, linked: dict[str, Any]) -> str | None:
    candidates = [page.get("lang"), page.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates.append(linked.get("inLanguage"))
    candidates += page.xpath(
        "//meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content"
        " | //meta[@property='og:locale']/@content"
    )
    for value in candidates:
        code = str(value or "").strip().replace("_", "-").split("-")[0].lower()
        if len(code) == 2 and code.isalpha():
            return code
    return None


def _published(
    page: lxml_html.HtmlElement, linked: dict[str, Any], date: str | None
) -> dt.datetime | dt.date | None:
    """The publication date, with its time when the page gives one for the same day."""
    if not date:
        return None
    try:
        day = dt.date.fromisoformat(date[:10])
    except ValueError:
        return None
    stamps = page.xpath(
        "//meta[@property='article:published_time' or @name='article:published_time'"
        " or @itemprop='datePublished' or @name='date' or @name='pubdate']/@content"
        " | //time/@datetime"
    )
    for stamp in [linked.get("datePublished"), *stamps]:
        try:
            moment = dt.datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
        except (ValueError, AttributeError, TypeError):
            continue
        if moment.date() == day and "T" in stamp:
            return moment
    return day
