"""From an extracted document to an article ready to be read: sections, sentences, spoken forms."""

from __future__ import annotations

from narration.errors import ExtractionError
from narration.ingest.extract.clean import clean_display, clean_spoken
from narration.ingest.sentences import split_sentences
from narration.model import Article, Block, BlockKind, Document, Section, Sentence
from narration.prepare.lexicon import Lexicon
from narration.prepare.spoken import Style, quiet, speak


def sentence(
    text: str, style: Style, lexicon: Lexicon | None = None, language: str = "en"
) -> Sentence:
    # Control and zero-width characters never reach the transcript; emoji never reach
    # the voice. The lexicon respells names in the spoken form only, ahead of its rules.
    # The spoken-form rules are English; in another language the voice's own number and
    # date reading (espeak-ng has one per language) beats English words; marks it would
    # read by name ("/", "|", "*") are dropped in every language.
    spoken = clean_spoken(text)
    if lexicon is not None:
        spoken = lexicon.apply(spoken)
    spoken = speak(spoken, style) if language == "en" else quiet(spoken)
    return Sentence(display=clean_display(text).strip(), spoken=spoken)


def joined_heading(first: str, second: str) -> str:
    """Two headings read as one: "Pricing" and "At a glance" give "Pricing: At a glance"."""
    if not first:
        return second
    return (
        f"{first} {second}"
        if first.rstrip().endswith((":", ".", "?", "!"))
        else f"{first}: {second}"
    )


def prepare(
    doc: Document,
    *,
    style: Style = "uk",
    language: str = "en",
    name: str = "",
    lexicon: Lexicon | None = None,
) -> Article:
    """Split the body into sections at its headings; text before the first heading is the
    first section, titled by the article title; the standfirst opens it. A heading
    directly followed by another ("Pricing", then "At a glance") is read as part of the
    next one ("Pricing: At a glance"), so that no heading is lost and none is read alone.
    ``language`` is the article's, already resolved (see ``narration.prepare.language``)."""

    def one(text: str) -> Sentence:
        return sentence(text, style, lexicon, language)

    def many(text: str) -> tuple[Sentence, ...]:
        found = (one(s) for s in split_sentences(text) if s.strip())
        return tuple(s for s in found if s.spoken.strip())

    title = one(doc.title)
    sections: list[Section] = []
    heading: Sentence = title
    is_title = True
    paragraphs: list[tuple[Sentence, ...]] = []
    if doc.standfirst:
        paragraphs.append(many(doc.standfirst))

    def close() -> None:
        if paragraphs:
            sections.append(Section(heading, tuple(paragraphs), heading_is_title=is_title))

    pending = ""  # headings seen since the last paragraph, joined
    block: Block
    for block in doc.blocks:
        if block.kind is BlockKind.HEADING:
            close()
            if paragraphs or is_title:
                pending = ""
            pending = joined_heading(pending, block.text)
            heading, is_title, paragraphs = one(pending), False, []
        else:
            found = many(block.text)
            if found:
                paragraphs.append(found)
    close()
    if not sections:
        raise ExtractionError(f"{name or doc.title}: no article text to read")
    return Article(
        title=title,
        sections=tuple(sections),
        language=language,
        author=doc.author,
        published=doc.published,
        standfirst=doc.standfirst,
        url=doc.url,
        image_url=doc.image_url,
        source_name=name,
    )
