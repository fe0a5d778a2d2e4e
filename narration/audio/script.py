"""What the episode says, in order: intro, sections with their pauses, outro.

The script is plain data built from the article before any audio exists, so its spoken
strings decide the clip cache keys and the episode's content hash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from narration.model import Article

SENTENCE_GAP_S = 0.18
PARAGRAPH_GAP_S = 0.6
SECTION_GAP_S = 1.1
AFTER_HEADING_S = 0.45
AFTER_CHIME_S = 0.35


class Role(StrEnum):
    INTRO = "intro"
    HEADING = "heading"
    SENTENCE = "sentence"
    OUTRO = "outro"


@dataclass(frozen=True)
class Speech:
    display: str
    spoken: str
    role: Role
    chapter: str | None = None
    """Set on the first speech of a chapter: the chapter starts where this is heard."""


@dataclass(frozen=True)
class Silence:
    seconds: float


@dataclass(frozen=True)
class Chime:
    closing: bool = False


Segment = Speech | Silence | Chime


@dataclass(frozen=True)
class Script:
    segments: tuple[Segment, ...]

    @property
    def speeches(self) -> tuple[Speech, ...]:
        return tuple(s for s in self.segments if isinstance(s, Speech))


def date_words(published: dt.date | dt.datetime | None) -> str | None:
    """A date as a narrator says it in writing: "Thursday 27 November 2025"."""
    if published is None:
        return None
    day = published.date() if isinstance(published, dt.datetime) else published
    return f"{day:%A} {day.day} {day:%B %Y}"


def intro_display(article: Article, show_title: str) -> str:
    """Show, title, author and date. Outside English only names are read: no English
    words ("By") and no English date in another language's voice."""
    parts = [f"{show_title}.", article.title.display.rstrip(".") + "."]
    english = article.language == "en"
    if article.author:
        parts.append(f"By {article.author}." if english else f"{article.author}.")
    when = date_words(article.published) if english else None
    if when:
        parts.append(f"{when}.")
    return " ".join(parts)


def outro_display(article: Article, show_title: str) -> str:
    if article.language != "en":
        return f"{show_title}."
    return f"You have been listening to {article.title.display.rstrip('.')}, from {show_title}."


def build_script(article: Article, intro: Speech, outro: Speech) -> Script:
    """Lay out the episode. ``intro`` and ``outro`` come spoken-formed from the caller."""
    segs: list[Segment] = [Chime(), Silence(AFTER_CHIME_S)]
    first_title = article.sections[0].heading.display if article.sections else intro.display
    segs.append(Speech(intro.display, intro.spoken, Role.INTRO, chapter=first_title))
    for index, section in enumerate(article.sections):
        segs.append(Silence(SECTION_GAP_S if index else PARAGRAPH_GAP_S))
        if not section.heading_is_title:
            chapter = section.heading.display if index else None
            heading = section.heading
            segs.append(Speech(heading.display, heading.spoken, Role.HEADING, chapter=chapter))
            segs.append(Silence(AFTER_HEADING_S))
        for p_index, paragraph in enumerate(section.paragraphs):
            if p_index:
                segs.append(Silence(PARAGRAPH_GAP_S))
            for s_index, sentence in enumerate(paragraph):
                if s_index:
                    segs.append(Silence(SENTENCE_GAP_S))
                segs.append(Speech(sentence.display, sentence.spoken, Role.SENTENCE))
    segs += [Silence(SECTION_GAP_S), Speech(outro.display, outro.spoken, Role.OUTRO)]
    segs += [Silence(AFTER_CHIME_S), Chime(closing=True)]
    return Script(tuple(segs))
