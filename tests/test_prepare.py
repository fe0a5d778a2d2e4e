"""Sections from a document's blocks: every heading is read, none alone."""

from __future__ import annotations

from narration.model import Block, BlockKind, Document
from narration.prepare.article import prepare


def _doc(*blocks: tuple[BlockKind, str]) -> Document:
    return Document(title="Broadband deals", blocks=tuple(Block(k, t) for k, t in blocks))


def test_a_heading_followed_by_another_is_read_with_it() -> None:
    doc = _doc(
        (BlockKind.PARAGRAPH, "Prices rose again this spring."),
        (BlockKind.HEADING, "Pricing"),
        (BlockKind.HEADING, "At a glance"),
        (BlockKind.PARAGRAPH, "The cheapest deal costs less than last year."),
        (BlockKind.HEADING, "Verdict"),
        (BlockKind.PARAGRAPH, "Shop around before the contract ends."),
    )
    article = prepare(doc)
    headings = [s.heading.display for s in article.sections if not s.heading_is_title]
    assert headings == ["Pricing: At a glance", "Verdict"]
    assert [len(s.paragraphs) for s in article.sections] == [1, 1, 1]


def test_a_heading_with_nothing_after_it_is_not_read() -> None:
    doc = _doc((BlockKind.PARAGRAPH, "The only paragraph."), (BlockKind.HEADING, "Related"))
    article = prepare(doc)
    assert [s.heading.display for s in article.sections] == ["Broadband deals"]
