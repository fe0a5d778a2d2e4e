"""Refuse sources that are not articles: a table dump, a list of links, a captioned gallery.

Extraction of such a page leaves little or no prose, and what it leaves would be read as
a string of fragments. When the extracted body has little prose and the source is mostly
table cells, link texts or captions, the source is refused with a message that says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from narration.errors import ExtractionError
from narration.ingest.extract.chrome import is_chrome
from narration.ingest.extract.tidy import TABLE_NOTE, is_caption
from narration.ingest.sentences import split_sentences
from narration.model import BlockKind, Document, RawSource, SourceKind

KINDS = {
    "table": "a table of data",
    "links": "a list of links",
    "captions": "an image gallery with captions only",
}
_MIN_PROSE_WORDS = 50
_MIN_FURNITURE_WORDS = 20
_FURNITURE_OVER_PROSE = 2
_MIN_SENTENCE_WORDS = 6
_CELLS = re.compile(r"\t+|\s*\|\s*| {3,}")
_LINK_LINE = re.compile(
    r"^(?:[-*+•]\s+|\d{1,3}[.)]\s+)?(?:\[[^\]]+\]\([^)]+\)|<?https?://\S+>?|www\.\S+)"
    r"(?:\s*[-–—:]\s*.{0,80})?$"
)
_IMAGE_LINE = re.compile(
    r"^!\[[^\]]*\]\([^)]*\)|^(?:image|photo|picture|slide) \d+ (?:of|/) \d+", re.I
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MAX_HEADLINE_WORDS = 15
_MIN_HEADLINE_RUN = 3
_OPEN_END = re.compile(r"\b(?:and|or|but|the|a|an|of|in|on|to|for|with|by|at|from|that)$", re.I)
_TERMINAL = re.compile(r"[.!?…。！？．।؟][\"'”’)»」』）〕】]*$")
# Characters of scripts written without spaces between words (Chinese, Japanese, Thai,
# Lao, Khmer, Burmese): their length is counted in characters, about two to a word.
UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff66-\uff9f]"
)
_CHARS_PER_WORD = 2


def refuse_non_prose(source: RawSource, document: Document) -> None:
    """Raise :class:`ExtractionError` when ``source`` is a table, link list or gallery."""
    paragraphs = [b.text for b in document.blocks if b.kind is BlockKind.PARAGRAPH]
    prose = prose_words([document.standfirst or "", *paragraphs], _MIN_PROSE_WORDS * 2)
    if prose >= _MIN_PROSE_WORDS * _FURNITURE_OVER_PROSE:
        return
    if source.kind is SourceKind.HTML and prose >= _MIN_PROSE_WORDS:
        return  # trafilatura found an article's worth of sentences among the links
    html = source.kind is SourceKind.HTML
    counted = _html_words(source.text) if html else _line_words(source.text)
    furniture = {kind: n for kind, n in counted.items() if kind in KINDS}
    # List items gain full stops in extraction, so the source's own lines have the say too.
    if not furniture or min(prose, counted["prose"]) >= _MIN_PROSE_WORDS:
        return
    kind, count = max(furniture.items(), key=lambda item: item[1])
    if count >= _MIN_FURNITURE_WORDS and count >= _FURNITURE_OVER_PROSE * counted["prose"]:
        raise ExtractionError(f"{source.name}: this looks like {KINDS[kind]}, not an article")


def finds_prose(texts: Iterable[str]) -> bool:
    """``texts`` hold an article's worth of sentences: a reading that is never refused."""
    return prose_words(texts, _MIN_PROSE_WORDS) >= _MIN_PROSE_WORDS


def prose_words(texts: Iterable[str], enough: int | None = None) -> int:
    """How many words of ``texts`` are in sentences, counting up to ``enough``."""
    count = 0
    for text in texts:
        count += sum(words(s) for s in split_sentences(text) if _is_sentence(s))
        if enough is not None and count >= enough:
            break
    return count


def words(text: str) -> int:
    """How many words ``text`` holds: its space-separated words, with the characters of a
    script written without spaces counted two to a word."""
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    spaced = sum(any(c.isalnum() for c in w) for w in UNSPACED.sub(" ", text).split())
    return spaced + -(-unspaced // _CHARS_PER_WORD)


def mostly_prose(cells: Sequence[str]) -> bool:
    """A table whose words are mostly in sentences is text laid out in a grid, not data."""
    total = sum(words(cell) for cell in cells)
    return total > 0 and prose_words(cells) * 2 >= total


def holds_sentence(cells: Sequence[str]) -> bool:
    """A row of a table with at least one cell in sentences."""
    return prose_words(cells, 1) > 0


def _is_sentence(text: str) -> bool:
    count = words(text)
    if count < _MIN_SENTENCE_WORDS or text.startswith(TABLE_NOTE):
        return False
    numeric = sum(any(ch.isdigit() for ch in w) for w in text.split())
    return bool(_TERMINAL.search(text)) and numeric * 3 < count and not is_caption(text)


def _line_words(text: str) -> Counter[str]:
    """Words of a text or Markdown source by what their lines look like."""
    counts: Counter[str] = Counter()
    headlines: list[int] = []  # a run of short unpunctuated lines: other articles' headlines

    def end_run() -> None:
        counts["links" if len(headlines) >= _MIN_HEADLINE_RUN else "other"] += sum(headlines)
        headlines.clear()

    for line in _unwrapped(_FRONT_MATTER.sub("", text)):
        n = words(line)
        if not n or is_chrome(line):
            continue
        cells = [c for c in _CELLS.split(line) if c.strip()]
        if n <= _MAX_HEADLINE_WORDS and not _TERMINAL.search(line) and len(cells) < 2:
            headlines.append(n)
            continue
        end_run()
        if len(cells) >= 2 or re.fullmatch(r"[|+:=\s-]{3,}", line):
            counts["table"] += n
        elif _LINK_LINE.match(line):
            counts["links"] += n
        elif _IMAGE_LINE.match(line) or is_caption(line):
            counts["captions"] += n
        else:
            counts["prose" if _is_sentence(line) else "other"] += n
    end_run()
    return counts


def _unwrapped(text: str) -> list[str]:
    """Lines, with a hard-wrapped paragraph's lines joined back together."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        prev = out[-1] if out else ""
        continues = line[:1].islower() or bool(_OPEN_END.search(prev))
        if line and prev and continues and not _TERMINAL.search(prev):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return out


def _html_words(text: str) -> Counter[str]:
    """Words of an HTML page in table cells, link texts, captions and prose paragraphs."""
    # Lazy: lxml (~15 ms) only for HTML; `prepare` of a text file loads this module without it.
    from lxml import etree
    from lxml import html as lxml_html  # lazy: as above

    counts: Counter[str] = Counter()
    try:
        page = lxml_html.document_fromstring(text.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return counts
    for element in page.iter("td", "th", "a", "figcaption", "p", "li"):
        own = " ".join(" ".join(element.itertext()).split())
        if element.tag in {"td", "th"}:
            counts["table"] += words(own)
        elif element.tag == "a":
            counts["links"] += words(own)
        elif element.tag == "figcaption":
            counts["captions"] += words(own)
        elif _is_sentence(own):
            counts["prose"] += words(own)
    counts["captions"] += sum(words(str(alt)) for alt in page.xpath("//img/@alt"))
    return counts
