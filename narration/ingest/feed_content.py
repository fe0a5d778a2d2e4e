"""Whether what a feed entry carries is the article itself, or a teaser, a caption or a
media description, which is not narrated in place of the page.

feedparser puts every kind of carried text in an entry's ``content``: ``content:encoded``,
Atom ``content`` and ``xhtml:body``, but also a ``media:description`` or a second
``description``. Which element each came from is read with lxml (recover mode, without
entities or network access); the text is then judged as prose: long enough, in
sentences, and not mostly links.
"""

from __future__ import annotations

import io
import re

from narration.ingest.feed_entry import tag_name

MIN_ARTICLE_CHARS = 500
"""The least text (tags stripped, spaces collapsed) taken as an article."""
MIN_SENTENCES = 3
MAX_LINK_SHARE = 0.5
"""Text that is more than this share link text is a list of links, not an article."""
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u0964](?:[\"'\u201d\u2019)\]]*)(?:\s|$)")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_MEDIA_NS = ("http://search.yahoo.com/mrss", "http://video.search.yahoo.com/mrss")
_ITEMS = frozenset({"item", "entry"})


def article_flags(data: bytes) -> list[bool] | None:
    """For each item or entry of an RSS, RDF or Atom document, in order: whether it has
    an element that carries the article (``content:encoded``, Atom ``content``,
    ``xhtml:body``). None when the document cannot be read far enough to tell."""
    # Lazy: lxml (~15 ms); `prepare` and `narrate` import this and read no feed.
    from lxml import etree

    flags: list[bool] = []
    try:
        for _, node in etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            recover=True,
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
        ):
            if tag_name(node.tag)[1] in _ITEMS:
                flags.append(any(_carries_article(child) for child in node))
                node.clear(keep_tail=True)
    except (etree.LxmlError, ValueError):
        return None
    return flags


def _carries_article(node: object) -> bool:
    ns, local = tag_name(getattr(node, "tag", None))
    if local == "encoded":
        return ns == _CONTENT_NS
    if local == "content":
        return not ns.startswith(_MEDIA_NS) and ns != "media"
    if local == "body":
        return ns == _XHTML_NS
    return local == "fullitem"


def plain_text(html: str) -> tuple[str, int]:
    """The text of an HTML fragment, spaces collapsed, and how much of it is link text."""
    # Lazy: lxml (~15 ms) only when a feed's HTML is read.
    import lxml.html
    from lxml import etree  # lazy: as above

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.LxmlError, ValueError):
        return " ".join(html.split()), 0
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    text = " ".join(str(root.text_content()).split())
    linked = sum(len(" ".join(str(a.text_content()).split())) for a in root.iter("a"))
    return text, linked


def is_article(html: str | None) -> bool:
    """Whether ``html`` reads as an article: at least :data:`MIN_ARTICLE_CHARS` of text,
    in at least :data:`MIN_SENTENCES` sentences, and not mostly links."""
    if not html or not html.strip():
        return False
    text, linked = plain_text(html)
    if len(text) < MIN_ARTICLE_CHARS or linked > MAX_LINK_SHARE * len(text):
        return False
    return len(_SENTENCE_END.findall(text)) >= MIN_SENTENCES


def why_not_article(html: str | None) -> str:
    """Why an entry's own text is not narrated: the reason counted when it has no link."""
    if not html or not html.strip():
        return "no link and no text of its own"
    text, _ = plain_text(html)
    if len(text) < MIN_ARTICLE_CHARS:
        return "no link, and its text is too short to be an article"
    return "no link, and its text does not read as an article (too few sentences, or mostly links)"
