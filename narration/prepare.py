"""From an extracted document to an article ready to be read: sections, sentences, spoken forms."""

from __future__ import annotations

from narration.errors import ExtractionError
from narration.model import Article, Block, BlockKind, Document, Section, Sentence
from narration.sentences import split_sentences
from narration.spoken import Style, speak


def sentence(text: str, style: Style) -> Sentence:
    return Sentence(display=text, spoken=speak(text, style))


def _sentences(text: str, style: Style) -> tuple[Sentence, ...]:
    return tuple(sentence(s, style) for s in split_sentences(text) if s.strip())


def prepare(doc: Document, *, style: Style = "uk", language: str = "en", name: str = "") -> Article:
    """Split the body into sections at its headings; text before the first heading is the
    first section, titled by the article title; the standfirst opens it."""
    title = sentence(doc.title, style)
    sections: list[Section] = []
    heading: Sentence = title
    is_title = True
    paragraphs: list[tuple[Sentence, ...]] = []
    if doc.standfirst:
        paragraphs.append(_sentences(doc.standfirst, style))

    def close() -> None:
        if paragraphs:
            sections.append(Section(heading, tuple(paragraphs), heading_is_title=is_title))

    block: Block
    for block in doc.blocks:
        if block.kind is BlockKind.HEADING:
            close()
            heading, is_title, paragraphs = sentence(block.text, style), False, []
        else:
            found = _sentences(block.text, style)
            if found:
                paragraphs.append(found)
    close()
    if not sections:
        raise ExtractionError(f"{name or doc.title}: no article text to read")
    return Article(
        title=title,
        sections=tuple(sections),
        language=doc.language or language,
        author=doc.author,
        published=doc.published,
        standfirst=doc.standfirst,
        url=doc.url,
        image_url=doc.image_url,
        source_name=name,
    )
