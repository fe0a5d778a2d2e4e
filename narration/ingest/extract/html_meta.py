"""Metadata of an HTML page that trafilatura leaves out: schema.org data, language, time."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from lxml import etree
from lxml import html as lxml_html


def parse_page(text: str) -> lxml_html.HtmlElement:
    """The page as extraction parses it; raises lxml's ``ParserError`` or ``ValueError``
    when it cannot be."""
    # Bytes plus an explicit parser: lxml refuses str input that carries an XML
    # encoding declaration, and the text is already decoded.
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
    return lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)


def visible_text(page: lxml_html.HtmlElement) -> str:
    """The page's text without its scripts, styles, templates and noscript fallbacks
    (which are removed from ``page``)."""
    etree.strip_elements(page, "script", "style", "template", "noscript", with_tail=False)
    return str(page.text_content())


def linked_data(page: lxml_html.HtmlElement) -> dict[str, Any]:
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


def image(linked: dict[str, Any]) -> str | None:
    image = linked.get("image")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url")
    return image if isinstance(image, str) and image else None


def language(page: lxml_html.HtmlElement, linked: dict[str, Any]) -> str | None:
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


def published(
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
