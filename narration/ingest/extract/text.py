"""Plain text, typically the text of a whole web page copied with its chrome."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from narration.ingest.extract import heading_like, is_repeated_later, normalise_space, same_text
from narration.ingest.extract.chrome import byline, is_chrome, is_marker, parse_date
from narration.ingest.extract.tidy import as_list_item, table_note
from narration.model import Block, BlockKind, Document, RawSource

__all__ = ["extract_text", "is_chrome"]

_BULLET = re.compile(r"^(?:[-*•▪◦·–]|\d{1,2}[.)])\s+(?P<item>\S.*)$")
# A row of a table pasted as text: cells split by tabs, pipes or wide gaps.
_CELL_SPLIT = re.compile(r"\t+|\s*\|\s*| {3,}")
_TABLE_CAPTION = re.compile(r"^Table(?:\s+\d+)?\s*[:.]\s*(?P<caption>\S.*)$", re.I)
_MAX_TITLE_WORDS = 30
_T = TypeVar("_T")
_MIN_LEAD_WORDS = 8
_WRAP_MIN_LINES = 5
_WRAP_MIN_LEN = 50
_WRAP_MAX_LEN = 100


@dataclass(frozen=True)
class _Line:
    text: str
    gap: bool
    """Preceded by a blank line."""
    row: bool = False
    """Looks like a row of a table: cells split by tabs, pipes or wide gaps."""


def extract_text(source: RawSource) -> Document:
    lines = _unwrap(_lines(source.text))
    meta_end = _body_start(lines)
    title_at = _title_index(lines[:meta_end])
    if meta_end == len(lines):
        # Nothing reads like a full paragraph (a very short article): everything under
        # the headline is the body.
        meta_end = 0 if title_at is None else title_at + 1
    header, body = lines[:meta_end], lines[meta_end:]
    title = header[title_at].text if title_at is not None else ""
    if not body and len(lines) == 1:
        # A single line is the whole article, read as its text; the title comes from the name.
        header, body, title = [], lines, ""
    published = _first(parse_date(line.text) for line in header)
    author = _first(byline(line.text) for line in header)
    blocks = _blocks(_cut_tail(body), title)
    if published is None:
        published = _first(parse_date(line.text) for line in body[:3])
    return Document(title=title, blocks=tuple(blocks), author=author, published=published)


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    gap = True
    for raw in text.split("\n"):
        line = normalise_space(raw)
        if not line:
            gap = True
            continue
        out.append(_Line(line, gap, _is_row(raw, line)))
        gap = False
    return out


def _is_row(raw: str, line: str) -> bool:
    if re.fullmatch(r"[|+:=\s-]{3,}", line) and "-" in line:
        return True  # a rule under a header row
    cells = [c for c in _CELL_SPLIT.split(raw.strip()) if c.strip()]
    return len(cells) >= 2 and not is_chrome(line) and len(line.split()) <= 4 * len(cells)


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’)»").endswith((".", "!", "?", "…"))


def _unwrap(lines: list[_Line]) -> list[_Line]:
    """Join lines that a hard-wrapped text split inside a paragraph."""
    long = [ln for ln in lines if len(ln.text) >= _WRAP_MIN_LEN]
    wrapped = (
        len(long) >= _WRAP_MIN_LINES
        and max(len(ln.text) for ln in lines) <= _WRAP_MAX_LEN
        and sum(not _ends_sentence(ln.text) for ln in long) * 2 >= len(long)
    )
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        joins = (
            prev is not None
            and not line.gap
            and not _BULLET.match(line.text)
            and not line.row
            and not prev.row
            and not _ends_sentence(prev.text)
            and not is_chrome(prev.text)
            and (line.text[0].islower() or (wrapped and len(prev.text) >= _WRAP_MIN_LEN))
        )
        if prev is not None and joins:
            out[-1] = _Line(f"{prev.text} {line.text}", prev.gap)
        else:
            out.append(line)
    return out


def _is_paragraph(text: str) -> bool:
    """A line long and sentence-like enough to be article prose, not masthead or slogan."""
    if is_chrome(text) or parse_date(text) or byline(text):
        return False
    words = len(text.split())
    return words > _MAX_TITLE_WORDS or (_ends_sentence(text) and words >= _MIN_LEAD_WORDS)


def _is_prose(text: str) -> bool:
    """Stricter than :func:`_is_paragraph`: headlines may end with "?" or "(...?)"."""
    words = len(text.split())
    ends = text.rstrip("\"'”’»").endswith((".", "…"))
    return not is_chrome(text) and (words > _MAX_TITLE_WORDS or (ends and words >= _MIN_LEAD_WORDS))


def _body_start(lines: Sequence[_Line]) -> int:
    for i, line in enumerate(lines):
        if _is_paragraph(line.text):
            return i
    return len(lines)


def _title_index(header: Sequence[_Line]) -> int | None:
    """The headline: the longest headline-like line above the body.

    Site names, slogans, section kickers and menu items are shorter than headlines.
    """
    best: int | None = None
    for i, line in enumerate(header):
        text = line.text
        if is_chrome(text) or is_marker(text) or parse_date(text) or byline(text):
            continue
        if not heading_like(text, _MAX_TITLE_WORDS):
            continue
        if best is None or len(text) > len(header[best].text):
            best = i
    return best


def _cut_tail(body: list[_Line]) -> list[_Line]:
    """Drop the page's other content: a section marker and the headlines listed under it."""
    out: list[_Line] = []
    i = 0
    while i < len(body):
        if not is_marker(body[i].text):
            out.append(body[i])
            i += 1
            continue
        j = i + 1
        while j < len(body) and not _is_prose(body[j].text):
            j += 1
        if j == len(body):
            break
        # The marker sat inside the article: drop it and the headlines right under it.
        k = i + 1
        while k < j and (heading_like(body[k].text, _MAX_TITLE_WORDS) or is_chrome(body[k].text)):
            k += 1
        i = k
    return out


def _blocks(body: Sequence[_Line], title: str) -> list[Block]:
    blocks: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        # Three or more headline-like lines in a row are a list of links, not headings.
        if len(run) < 3:
            blocks.extend(run)
        run.clear()

    rows: list[_Line] = []
    for i, line in enumerate(body):
        text = line.text
        if line.row and (rows or (i + 1 < len(body) and body[i + 1].row)):
            rows.append(line)
            continue
        if rows:
            flush()
            blocks.append(_table_note(rows, blocks))
            rows.clear()
        if is_chrome(text) or is_marker(text) or same_text(text, title):
            continue
        if parse_date(text) or byline(text):
            continue
        bullet = _BULLET.match(text)
        if bullet:
            flush()
            blocks.append(Block(BlockKind.PARAGRAPH, as_list_item(bullet.group("item"))))
        elif heading_like(text):
            run.append(Block(BlockKind.HEADING, text))
        else:
            flush()
            blocks.append(Block(BlockKind.PARAGRAPH, text))
    if rows:
        flush()
        blocks.append(_table_note(rows, blocks))
    # Short lines at the very end head nothing: a last paragraph without a full stop.
    tail = len(run)
    flush()
    if tail < 3:
        while tail and blocks and blocks[-tail].kind is BlockKind.HEADING:
            blocks[-tail] = Block(BlockKind.PARAGRAPH, blocks[-tail].text)
            tail -= 1
    return _drop_repeated_lead(blocks)


def _table_note(rows: list[_Line], blocks: list[Block]) -> Block:
    """Rows with at least one number are a table; a "Table 2: ..." line above names it."""
    if not any(re.search(r"\d", row.text) for row in rows):
        return Block(BlockKind.PARAGRAPH, "")
    caption = _TABLE_CAPTION.match(blocks[-1].text) if blocks else None
    if caption is not None:
        blocks.pop()
        return table_note(caption.group("caption"))
    return table_note()


def _drop_repeated_lead(blocks: list[Block]) -> list[Block]:
    """A pull quote above the body repeats what the body says later: read it once."""
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
    if not blocks or blocks[0].kind is not BlockKind.PARAGRAPH or len(paragraphs) < 3:
        return blocks
    rest = " ".join(b.text for b in blocks[1:])
    return blocks[1:] if is_repeated_later(blocks[0].text, rest) else blocks


def _first(values: Iterable[_T | None]) -> _T | None:
    return next((v for v in values if v is not None), None)
