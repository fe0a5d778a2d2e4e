"""Data that flows between the stages. No behaviour beyond small derived properties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class SourceKind(StrEnum):
    """What kind of document a source holds."""

    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


@dataclass(frozen=True)
class RawSource:
    """A source as read from a path, stdin, a URL or a request's body, before extraction."""

    name: str
    """A short name for messages and for the article's identity (file stem, URL or "stdin")."""
    text: str
    """The decoded document."""
    kind: SourceKind
    """HTML, Markdown or plain text, from the extension or the content."""
    path: Path | None = None
    """The file it came from, if any."""
    url: str | None = None
    """The URL it came from, if any."""


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class Block:
    """One heading or paragraph of an article body, as written."""

    kind: BlockKind
    text: str


@dataclass(frozen=True)
class Document:
    """What extraction finds in a source: metadata and the body as headings and paragraphs."""

    title: str
    blocks: tuple[Block, ...]
    """The body in reading order; the standfirst and the title are not repeated here."""
    author: str | None = None
    published: dt.datetime | dt.date | None = None
    language: str | None = None
    """ISO 639-1 code when the source says it."""
    standfirst: str | None = None
    """The summary under the headline, read after the title."""
    url: str | None = None
    """Canonical URL when the source names it."""
    image_url: str | None = None


@dataclass(frozen=True)
class Sentence:
    """One sentence in its two forms."""

    display: str
    """As written: for transcripts."""
    spoken: str
    """What the voice is given: numbers, money, dates and abbreviations written out."""


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs; each paragraph is a tuple of sentences."""

    heading: Sentence
    paragraphs: tuple[tuple[Sentence, ...], ...]
    heading_is_title: bool = False
    """True for the first section when it is titled by the article title (not read again)."""

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p)


@dataclass(frozen=True)
class Article:
    """A prepared article: ready to be read aloud."""

    title: Sentence
    sections: tuple[Section, ...]
    language: str
    author: str | None = None
    published: dt.datetime | dt.date | None = None
    standfirst: str | None = None
    url: str | None = None
    image_url: str | None = None
    source_name: str = ""
    """Identity of the source (file stem, URL or "stdin"), used to recognise a new version."""

    @property
    def word_count(self) -> int:
        return sum(len(s.spoken.split()) for sec in self.sections for s in sec.sentences)


@dataclass(frozen=True)
class LevelTarget:
    """Where every clip's loudness is brought: integrated LUFS and a true-peak ceiling."""

    lufs: float = -16.0
    true_peak_dbtp: float = -1.5


@dataclass(frozen=True)
class Clip:
    """Synthesised audio of one spoken string: 16-bit mono PCM in a WAV file."""

    path: Path
    sample_rate: int
    samples: int

    @property
    def duration_s(self) -> float:
        return self.samples / self.sample_rate


@dataclass(frozen=True)
class Chapter:
    title: str
    start_s: float


@dataclass(frozen=True)
class Cue:
    """One transcript cue: a sentence as written, and when it is heard."""

    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class Waveform:
    """Peaks of the audio for drawing: the lowest and highest 8-bit sample of each run of
    ``samples_per_pixel`` samples, interleaved (min, max, min, max...)."""

    sample_rate: int
    samples_per_pixel: int
    data: tuple[int, ...]


@dataclass(frozen=True)
class Timeline:
    """Where things fall in the assembled audio."""

    duration_s: float
    chapters: tuple[Chapter, ...]
    cues: tuple[Cue, ...]
    waveform: Waveform | None = None


@dataclass(frozen=True)
class Episode:
    """A published episode, as the catalog holds it."""

    id: str
    guid: str
    article_key: str
    content_hash: str
    title: str
    author: str | None
    published: dt.datetime
    description: str
    audio_name: str
    """Path of the MP3 relative to the output directory, e.g. ``episodes/x-1a2b.mp3``."""
    transcript_name: str
    chapters_name: str
    bytes: int
    duration_s: float
    chapters: tuple[Chapter, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    show: str = "default"
    link: str | None = None
    image_name: str | None = None
    peaks_name: str | None = None
    """The waveform peaks beside the audio (JSON); None for episodes made before them."""
    owner: str | None = None
    """The fingerprint of the API key that submitted the article; None from the command
    line. Only that key (or an admin key) may change or delete the episode."""
    extra: dict[str, str] = field(default_factory=dict)
