"""Lists that are the article: short items under the article's own headings.

trafilatura drops a list whose items are mostly links (a deals round-up's "product:
price at shop"), and the page furniture takes ingredient lists made of checkbox labels.
Under a heading that the article reads, such a list is the article: its items come back
in place, after the heading and the paragraphs that precede the list. Short items are
read as one sentence ("4 chicken thighs, 2 lemons, 500g new potatoes."); longer ones
each as a sentence of their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import html as lxml_html

from narration.ingest.extract import _key, normalise_space
from narration.ingest.extract.chrome import is_chrome
from narration.ingest.extract.furniture import KEEP_TAGS, furniture_reason
from narration.ingest.extract.prose import UNSPACED
from narration.ingest.extract.restore import _Text
from narration.ingest.extract.tidy import as_list_item
from narration.model import Block, BlockKind

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = ("ul", "ol")
_MAX_ITEM_WORDS = 15
_MAX_JOINED_WORDS = 6
_MIN_ITEMS = 2
_SENTENCE_MARKS = (".", "!", "?", "…", ":", ";", "。", "！", "？")


def spoken_list(items: Sequence[str]) -> list[str]:
    """Items as the article reads them: short fragments ("2 lemons") joined into one
    sentence, anything longer each as its own sentence."""
    items = [normalise_space(i) for i in items if normalise_space(i)]
    short = [
        i
        for i in items
        if len(i.split()) <= _MAX_JOINED_WORDS
        and not i.rstrip("\"'”’)»").endswith(_SENTENCE_MARKS)
        and not any(mark in i for mark in _SENTENCE_MARKS)
    ]
    if len(items) < _MIN_ITEMS or len(short) < len(items):
        return [as_list_item(i) for i in items]
    if all(UNSPACED.search(i) for i in items):
        return ["、".join(items) + "。"]
    joiner = "; " if any("," in i for i in items) else ", "
    return [joiner.join(items) + "."]


def read_lists(page: lxml_html.HtmlElement, blocks: Sequence[Block]) -> list[Block]:
    """``blocks`` with the lists under their headings that they lack put back."""
    headings: dict[str, list[int]] = {}
    for i, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING:
            headings.setdefault(_key(block.text), []).append(i)
    if not headings:
        return list(blocks)
    said = _Text(b.text for b in blocks)
    after: dict[int, list[Block]] = {}
    last = -1
    for heading in page.iter(*HEADINGS):
        # Headings that repeat ("Ingredients") are matched in the order they come.
        found = [i for i in headings.get(_key(heading.text_content()), []) if i > last]
        if found:
            at = last = found[0]
            for anchor, items in _section_lists(heading, blocks, at, said):
                after.setdefault(anchor, []).extend(
                    Block(BlockKind.PARAGRAPH, text) for text in spoken_list(items)
                )
    out: list[Block] = []
    for i, block in enumerate(blocks):
        out.append(block)
        out.extend(after.get(i, []))
    return out


def _section_lists(
    heading: lxml_html.HtmlElement, blocks: Sequence[Block], at: int, said: _Text
) -> Iterator[tuple[int, list[str]]]:
    """(the block to follow, the items) of each list under ``heading`` that is not read."""
    start = heading
    parent = start.getparent()
    while start.getnext() is None and parent is not None and parent.tag not in KEEP_TAGS:
        start, parent = parent, parent.getparent()
    anchor = at
    for sibling in start.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag in HEADINGS or next(sibling.iter(*HEADINGS), None) is not None:
            return
        if furniture_reason(sibling):
            continue
        lists = [sibling] if sibling.tag in _LISTS else list(sibling.iter(*_LISTS))
        if not lists:
            anchor = _follow(blocks, anchor, normalise_space(sibling.text_content()))
            continue
        for found in lists:
            items = _items(found)
            if items and sum(said.says(i) for i in items) * 2 < len(items):
                yield anchor, items


def _items(found: lxml_html.HtmlElement) -> list[str] | None:
    """The items of a list that is part of the article, or None."""
    lis = [li for li in found.iterchildren("li")]
    items = [normalise_space(li.text_content()) for li in lis]
    items = [i for i in items if i and not is_chrome(i)]
    if len(items) < _MIN_ITEMS or any(len(i.split()) > _MAX_ITEM_WORDS for i in items):
        return None
    links = [a.get("href", "") for li in lis for a in li.iter("a")]
    if links and all(str(href).startswith("#") for href in links):
        return None  # a table of contents
    return items


def _follow(blocks: Sequence[Block], anchor: int, text: str) -> int:
    """The block after ``anchor`` that reads ``text``, or ``anchor``."""
    key = _key(text)
    if not key:
        return anchor
    for j in range(anchor + 1, len(blocks)):
        if blocks[j].kind is BlockKind.HEADING:
            break
        if _key(blocks[j].text) in key or key in _key(blocks[j].text):
            return j
    return anchor
