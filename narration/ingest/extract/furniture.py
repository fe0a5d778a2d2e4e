"""The page furniture of an HTML page: elements that never hold the article's prose.

:func:`without_furniture` removes them from a parsed page and says why each went, so
that what trafilatura would have kept from them can be judged rule by rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

from narration.ingest.extract import normalise_space
from narration.ingest.extract.prose import mostly_prose
from narration.ingest.extract.tidy import table_note

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
_NAME_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
KEEP_TAGS = frozenset({"html", "body", "main", "article"})
_MAX_FURNITURE_SHARE = 0.6
# A figure's caption is a caption; one with paragraphs, or this long, is a slide's text.
_MAX_CAPTION_WORDS = 45


@dataclass(frozen=True)
class Removed:
    """An element taken out as furniture: why, and its text."""

    reason: str
    text: str


def name_parts(element: lxml_html.HtmlElement) -> set[str]:
    names = " ".join(element.get(a, "") for a in ("class", "id", "data-component", "data-testid"))
    parts = {p.lower() for p in _NAME_SPLIT.split(names) if p}
    # Joined forms ("most-read" -> "mostread") catch the two-word names.
    tokens = names.lower().split()
    parts.update(t.replace("-", "").replace("_", "") for t in tokens)
    return parts


def furniture_reason(element: lxml_html.HtmlElement) -> str | None:
    """Why ``element`` is furniture ("figcaption", "name:share", ...), or None."""
    if element.tag in FURNITURE_TAGS:
        return str(element.tag)
    if element.tag == "code":
        parent = element.getparent()
        return "code" if parent is None or parent.tag in CODE_BLOCK_PARENTS else None
    if element.tag == "sup" and _is_note_reference(element):
        return "noteref"
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return "hidden"
    role = element.get("role")
    if role in FURNITURE_ROLES:
        return f"role:{role}"
    parts = sorted(name_parts(element) & FURNITURE_NAME_PARTS)
    return f"name:{parts[0]}" if parts else None


def _is_note_reference(sup: lxml_html.HtmlElement) -> bool:
    """A footnote marker ("¹", "[2]" linking to the notes), not an exponent."""
    if any(str(a.get("href", "")).startswith("#") for a in sup.iter("a")):
        return True
    return bool(re.fullmatch(r"\[\d{1,3}\]|\*+|†+", sup.text_content().strip()))


def _replace_tables(page: lxml_html.HtmlElement, total: int) -> None:
    """A data table becomes one sentence saying that it is in the text version."""
    for table in list(page.iter("table")):
        if table.getparent() is None or any(a.tag == "table" for a in table.iterancestors()):
            continue
        if table.find(".//p") is not None or _holds_article(table, total, tables=True):
            continue  # a layout table that holds the page
        if mostly_prose([normalise_space(c.text_content()) for c in table.iter("td", "th")]):
            continue  # text laid out in a grid: read from trafilatura's reading of it
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


def without_furniture(page: lxml_html.HtmlElement) -> list[Removed]:
    """Remove the furniture from ``page`` (in place); what went, and why."""
    _replace_tables(page, len(page.text_content()) or 1)
    total = len(page.text_content()) or 1
    doomed: list[tuple[lxml_html.HtmlElement, str]] = []
    skip: lxml_html.HtmlElement | None = None
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in KEEP_TAGS:
            continue
        if skip is not None and (element is skip or skip in element.iterancestors()):
            continue
        if element.tag == "header" and not _inside_article(element):
            reason: str | None = "site-header"
        else:
            reason = furniture_reason(element)
            if reason is not None and _holds_article(element, total):
                reason = None
        if reason is not None:
            doomed.append((element, reason))
            skip = element
    removed = [Removed(reason, normalise_space(e.text_content())) for e, reason in doomed]
    # A caption inside a removed figure is a caption, whatever the figure held.
    removed += [
        Removed("figcaption", normalise_space(caption.text_content()))
        for element, reason in doomed
        if reason != "figcaption"
        for caption in element.iter("figcaption")
        if caption.find(".//p") is None
        and len(caption.text_content().split()) <= _MAX_CAPTION_WORDS
    ]
    for element, _ in doomed:
        element.drop_tree()
    return removed


def _inside_article(element: lxml_html.HtmlElement) -> bool:
    return any(a.tag in {"article", "main"} for a in element.iterancestors())


def _holds_article(element: lxml_html.HtmlElement, total: int, tables: bool = False) -> bool:
    """A wrapper named like furniture ("has-sidebar") that holds the article is kept."""
    if element.tag in FURNITURE_TAGS and not tables:
        return False
    if element.find(".//article") is not None or element.find(".//main") is not None:
        return True
    return len(element.text_content()) > _MAX_FURNITURE_SHARE * total
