"""Plain text, typically the text of a whole web page copied with its chrome."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from narration.extract import (
    MONTHS,
    heading_like,
    is_repeated_later,
    normalise_space,
    same_text,
)
from narration.model import Block, BlockKind, Document, RawSource


def _patterns(*sources: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"(?:{s})", re.I) for s in sources)


# Lines that are never part of an article, whole-line matches. Kept as data so that a
# new kind of furniture is one more entry rather than one more branch.
CHROME_LINES = _patterns(
    r"advertisement|advert|ad|ads|sponsored(?: content)?|promoted|paid (?:post|content)",
    r"listen(?: to (?:this|the) (?:article|story))?(?: \d+ min(?:ute)?s?)?",
    r"close|dismiss|cancel|ok|accept(?: all)?(?: cookies)?|reject all|manage (?:settings|cookies)",
    r"[\W_]{1,3}",
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?",
    r"play|pause|mute|unmute|[012](?:\.\d+)?x",
    r"(?:reading time:?\s*)?\d+\s*(?:min|mins|minute|minutes)(?:\s*(?:read|listen))?",
    r"(?:\d+\s*)?comments?(?:\s*\(\d+\))?|(?:view|show|load) comments"
    r"|join the (?:conversation|discussion)",
    r"share(?: this(?: article| story| page)?)?(?: on \w+)?|copy(?: link)?|link copied"
    r"|email|print|save|bookmark|gift(?: this)? article",
    r"newsletters?|sign (?:up|in)|log ?in|register|subscribe(?: now| today)?|enter your email.*"
    r"|(?:sign up|subscribe)(?: now)? (?:for|to) .{0,80}|get (?:the|our) .{0,60} in your inbox.*",
    r"skip to (?:main )?content|back to top|(?:open )?menu|search|home",
    r"(?:©|\(c\)|copyright\b).*|.*\ball rights reserved\.?|privacy(?: policy)?"
    r"|terms(?: of (?:use|service)| (?:and|&) conditions)?|cookie (?:policy|settings)|contact us",
    r"we use cookies\b.*",
    r"(?:photograph|photo|picture|image|illustration|credit)s?(?: by)?:\s.{0,100}",
    r"follow (?:us )?on .{0,60}",
)
# A line made only of these words ("Facebook | X | LinkedIn | Copy link") is a share row.
SHARE_WORDS = frozenset((
    "share", "facebook", "twitter", "x", "linkedin", "whatsapp", "telegram", "reddit",
    "pinterest", "email", "e-mail", "mail", "print", "copy", "link", "messenger", "bluesky",
    "threads", "flipboard", "sms",
))  # fmt: skip
# Where the article ends and the page's other content (other headlines, sign-up boxes)
# begins. A marker followed only by headline-like lines ends the article there.
SECTION_MARKERS = _patterns(
    r"related(?: articles| stories| content| posts| reading| coverage| topics)?",
    r"most (?:read|popular|viewed|shared)(?: stories| articles)?|trending(?: now| stories)?"
    r"|popular(?: now| stories)?",
    r"more (?:from|on|in|stories|news|to read)\b.{0,40}",
    r"(?:read|see) (?:more|also|next)\b.{0,120}|also read\b.{0,120}",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in|have missed)",
    r"recommended(?: for you| reading| stories)?|editor'?s picks|further reading",
    r"(?:latest|top) (?:news|stories|headlines)",
    r"newsletters?|sign up\b.{0,80}",
    r"comments|leave a (?:comment|reply)",
    r"(?:tags|topics|filed under):?.{0,80}",
)
_MAX_CHROME_WORDS = 25
_BULLET = re.compile(r"^(?:[-*•▪◦·–]|\d{1,2}[.)])\s+(?P<item>\S.*)$")
_BYLINE = re.compile(
    r"^(?:by|written by|words by)\s+(?P<name>[^\W\d][\w.'’-]*(?:\s+[^\W\d][\w.'’-]*){0,4})"
    r"(?:\s*(?:,|\||·|—|-|\band\b).*)?$",
    re.I,
)
_DATE_LABEL = re.compile(r"\b(?:published|updated|last updated|posted|on|at)\b:?", re.I)
_WEEKDAY = re.compile(r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:[a-z]*day)?\b\.?", re.I)
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d{2})+\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b", re.I)
_ZONE = re.compile(r"\b(?:gmt|bst|utc|cet|cest|est|edt|pst|pdt|et|pt)(?:[+-]\d{1,2})?\b", re.I)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DATES = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
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
    published = _first(_parse_date(line.text) for line in header)
    author = _first(_byline(line.text) for line in header)
    blocks = _blocks(_cut_tail(body), title)
    if published is None:
        published = _first(_parse_date(line.text) for line in body[:3])
    return Document(title=title, blocks=tuple(blocks), author=author, published=published)


def is_chrome(text: str) -> bool:
    """True when a whole line (or block) is page furniture rather than article text."""
    text = text.strip()
    if len(text.split()) > _MAX_CHROME_WORDS:
        return False
    if any(p.fullmatch(text) for p in CHROME_LINES):
        return True
    words = [w for w in re.split(r"[\s|·•/,]+", text.lower()) if w]
    return len(words) >= 2 and all(w in SHARE_WORDS for w in words)


def _is_marker(text: str) -> bool:
    return len(text.split()) <= _MAX_CHROME_WORDS and any(
        p.fullmatch(text.strip()) for p in SECTION_MARKERS
    )


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    gap = True
    for raw in text.split("\n"):
        line = normalise_space(raw)
        if not line:
            gap = True
            continue
        out.append(_Line(line, gap))
        gap = False
    return out


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
    if is_chrome(text) or _parse_date(text) or _byline(text):
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
        if is_chrome(text) or _is_marker(text) or _parse_date(text) or _byline(text):
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
        if not _is_marker(body[i].text):
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

    for line in body:
        text = line.text
        if is_chrome(text) or _is_marker(text) or same_text(text, title):
            continue
        if _parse_date(text) or _byline(text):
            continue
        bullet = _BULLET.match(text)
        if bullet:
            flush()
            blocks.append(Block(BlockKind.PARAGRAPH, bullet.group("item")))
        elif heading_like(text):
            run.append(Block(BlockKind.HEADING, text))
        else:
            flush()
            blocks.append(Block(BlockKind.PARAGRAPH, text))
    flush()
    return _drop_repeated_lead(blocks)


def _drop_repeated_lead(blocks: list[Block]) -> list[Block]:
    """A pull quote above the body repeats what the body says later: read it once."""
    paragraphs = [b for b in blocks if b.kind is BlockKind.PARAGRAPH]
    if not blocks or blocks[0].kind is not BlockKind.PARAGRAPH or len(paragraphs) < 3:
        return blocks
    rest = " ".join(b.text for b in blocks[1:])
    return blocks[1:] if is_repeated_later(blocks[0].text, rest) else blocks


def _byline(text: str) -> str | None:
    match = _BYLINE.match(text)
    if match is None or len(text.split()) > 12:
        return None
    return match.group("name").strip()


def _parse_date(text: str) -> dt.date | None:
    """The date of a dateline such as "Thursday, Nov 27, 2025"; None for any other line."""
    if len(text.split()) > 12:
        return None
    for pattern in _DATES:
        match = pattern.search(text)
        if match is None:
            continue
        rest = text[: match.start()] + " " + text[match.end() :]
        for noise in (_DATE_LABEL, _WEEKDAY, _CLOCK, _ZONE):
            rest = noise.sub(" ", rest)
        if re.search(r"\w", rest):
            continue
        month_text = match.group("month").lower()
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text[:3])
        if month is None:
            continue
        try:
            return dt.date(int(match.group("year")), month, int(match.group("day")))
        except ValueError:
            continue
    return None


def _first(values: Iterable[_T | None]) -> _T | None:
    return next((v for v in values if v is not None), None)
