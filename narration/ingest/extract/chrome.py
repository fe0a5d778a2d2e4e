"""Lines of a page that are furniture, not article: chrome, section markers, datelines, bylines."""

from __future__ import annotations

import datetime as dt
import re

from narration.ingest.extract import MONTHS


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
    r"(?:\d+\s*)?comments?(?:\s*\(\d+\))?|(?:view|show|load|read)(?: all)?(?: \d+)? comments"
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
# Short paragraphs that speak to the reader about the site rather than tell the story:
# affiliate disclosures, newsletter sign-ups, requests for letters, page stamps.
NOTICES = _patterns(
    r"\bwe (?:may )?(?:receive|earn|get|make) (?:a )?(?:small )?(?:compensation|commission)",
    r"\b(?:to|for) our (?:\w+ )?newsletters?\b|\bsign ?up (?:here|now|today|for free)\b"
    r"|\bfree sign ?up\b|\bsign(?:ing)? up (?:to|for) our\b",
    r"\bletters? to the editor\b"
    r"|\bwe(?:'d| would)? (?:want|love|like) to hear (?:what you think|from you)",
    r"\blast (?:modified|updated)\b:?.{0,40}\d",
)
_MAX_NOTICE_WORDS = 60
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


def is_chrome(text: str) -> bool:
    """True when a whole line (or block) is page furniture rather than article text."""
    text = text.strip()
    if len(text.split()) > _MAX_CHROME_WORDS:
        return False
    if any(p.fullmatch(text) for p in CHROME_LINES):
        return True
    words = [w for w in re.split(r"[\s|·•/,]+", text.lower()) if w]
    return len(words) >= 2 and all(w in SHARE_WORDS for w in words)


def is_notice(text: str) -> bool:
    """A short paragraph addressed to the reader about the site, not part of the story."""
    return len(text.split()) <= _MAX_NOTICE_WORDS and any(p.search(text) for p in NOTICES)


def is_marker(text: str) -> bool:
    return len(text.split()) <= _MAX_CHROME_WORDS and any(
        p.fullmatch(text.strip()) for p in SECTION_MARKERS
    )


def byline(text: str) -> str | None:
    match = _BYLINE.match(text)
    if match is None or len(text.split()) > 12:
        return None
    return match.group("name").strip()


def parse_date(text: str) -> dt.date | None:
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
