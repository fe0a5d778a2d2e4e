"""Split a paragraph into sentences as written.

A regular-expression splitter with its abbreviation lists kept as data. A sentence
ends at ".", "!", "?", an ellipsis, a danda ("।") or an Arabic question mark ("؟")
(with any closing quotes or brackets) before whitespace and a capital letter, digit,
letter of a script without capitals (Arabic, Hebrew, Devanagari...) or opening quote;
and at a Chinese or Japanese full stop, exclamation or question mark ("。", "！", "？",
full-width "．"; or ".", "!", "?" right after a Han, kana or Hangul letter), with or
without a space after it and with any closing quotes, unless a comma-like mark follows
or the quotation goes on with a Japanese "と" ("「行きます。」と言った"). Except:

- inside a quotation or bracket that closes within the paragraph (“No. Never.”);
- after an abbreviation that never ends a sentence ("Dr.", "e.g.", "Nov."), or
  an initial ("J. K. Rowling");
- after an abbreviation that may end one ("U.S.", "etc.", "St.") unless the next
  word is one that commonly opens a sentence ("in the U.S. The ...");
- after the initials of a place ("U.S.", "U.K.") before a word that continues a name
  ("the U.S. Army"), but not before any other capitalised word ("in the U.S. Concern is");
- after "a.m."/"p.m." before a time zone or a day ("10 a.m. GMT").
"""

from __future__ import annotations

import re
from bisect import bisect_left

NEVER_FINAL: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "mx", "prof", "gen", "gov", "sen", "rep", "lt", "col", "capt",
        "sgt", "rev", "hon", "mt", "ft", "no", "nos", "vs", "v", "e.g", "i.e", "cf", "viz",
        "approx", "fig", "vol", "pp", "ch", "dept", "est", "ca", "c",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
"""Abbreviations (lower case, without the last dot) after which a sentence never ends."""

MAY_BE_FINAL: frozenset[str] = frozenset(
    {"st", "dr", "jr", "sr", "etc", "inc", "ltd", "co", "corp", "plc", "bros"}
)
"""Abbreviations that end a sentence only before a common sentence opener."""

TIME_SUFFIXES: frozenset[str] = frozenset({"a.m", "p.m"})
"""End a sentence before a capital, unless it is a time zone or a day ("10 a.m. GMT")."""

TIME_WORDS: frozenset[str] = frozenset(
    {
        "GMT", "BST", "UTC", "CET", "ET", "EST", "EDT", "PT", "PST", "PDT", "CT", "CST",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    }
)  # fmt: skip

OPENERS: frozenset[str] = frozenset(
    {
        "A", "After", "Also", "An", "And", "As", "At", "Before", "But", "By", "Despite",
        "During", "Even", "Few", "For", "From", "He", "Her", "Here", "His", "How", "However",
        "I", "If", "In", "It", "Its", "Many", "Meanwhile", "More", "Most", "No", "Now", "On",
        "One", "Only", "Our", "Over", "She", "Since", "So", "Some", "Still", "That", "The",
        "Their", "Then", "There", "These", "They", "This", "Those", "Under", "We", "What",
        "When", "Where", "While", "Who", "Why", "With", "Yet", "You",
    }
)  # fmt: skip
"""Words that commonly open a sentence, for the "U.S. The" cases."""

PLACE_INITIALS: frozenset[str] = frozenset({"u.s", "u.k", "u.n", "e.u", "u.s.a", "u.a.e", "d.c"})
"""Initials of places that often end a sentence ("extradited to the U.S. Concern is ...")."""

NAME_AFTER_PLACE: frozenset[str] = frozenset(
    {
        "Army", "Navy", "Air", "Marine", "Marines", "Coast", "Senate", "Congress", "House",
        "Government", "President", "Vice", "Department", "Treasury", "Embassy", "Ambassador",
        "Open", "Supreme", "Court", "Federal", "State", "Secretary", "Attorney", "Forces",
        "Military", "Capitol", "Customs", "Border", "Census", "Postal", "Geological", "Food",
        "Centers", "Trade", "Justice", "Defense", "Defence", "Special", "Envoy", "Mission",
        "Security", "General", "Representative", "Steel", "Bank", "Navy's", "Parliament",
        "Prime", "Minister", "Foreign", "Home", "High", "Commission", "Council", "Peacekeeping",
        "Olympic", "Chamber", "Dollar", "Highway", "Route", "Interstate", "Mint", "Office",
        "Senator", "Sen", "Rep", "Gen", "Congressman", "Congresswoman", "Space", "National",
        "Central", "Command", "Agency", "Bureau", "Institute", "Intelligence", "Women's",
    }
)  # fmt: skip
"""Capitalised words that continue a name after "U.S." or "U.K." ("the U.S. Army")."""

_PAIRS: tuple[tuple[str, str], ...] = (
    ("“", "”"), ("(", ")"), ("[", "]"), ("「", "」"), ("『", "』"), ("（", "）"), ("【", "】"),
)  # fmt: skip
_BOUNDARY = re.compile(
    r"(?P<stop>[.!?…‼⁇⁈⁉।॥؟۔]+)(?P<close>[”\"’')\]]*)\s+"
    r"(?=[“\"‘'(\[]*(?P<next>[^\W_][\w’'-]*))"
)
"""A stop before a space and a word; :func:`_may_open` judges the word's first letter."""
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
"""Kana, Han and Hangul: letters after which an ASCII stop ends a sentence without a space
(the full-width "！", "？" and "．" become "!", "?" and "." when text is repaired)."""
_FULL_STOP = re.compile(
    r"(?P<stop>(?:[。｡！？﹗﹖]|[．﹒](?!\d)|(?<=[" + _CJK + r"])(?:[!?]|\.(?![\dA-Za-z]))+)+)"
    r"(?P<close>[”’」』）)\]】〕〉》»\"']*+)"
    r"(?![，、,：:；;]|(?<=[」』])と)"
    r"\s*(?=\S)"
)
"""A Chinese or Japanese stop, which needs no space after it: not before a comma-like
mark, nor a quotation that goes on with a Japanese "と" ("「行きます。」と言った")."""
_TOKEN = re.compile(r"(?P<token>[^\s“\"‘'(\[]+)$")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_MAX_TOKEN = 200
_OPENING = {closing: opening for opening, closing in _PAIRS}
_ENCLOSERS = re.compile("[" + re.escape("".join(a + b for a, b in _PAIRS) + '"') + "]")


class _Enclosed:
    """Whether a position lies strictly inside a quotation or bracket that closes within
    the text: the spans merged once, each position looked up by bisection."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for first, last in sorted(_enclosed_spans(text)):
            if self.ends and first < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], last)
            else:
                self.starts.append(first)
                self.ends.append(last)

    def __contains__(self, position: int) -> bool:
        i = bisect_left(self.starts, position) - 1
        return i >= 0 and position < self.ends[i]


def _enclosed_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation or bracket that closes within `text`."""
    spans: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {opening: [] for opening, _ in _PAIRS}
    marks: list[int] = []
    for match in _ENCLOSERS.finditer(text):
        char, index = match.group(), match.start()
        if char == '"':
            marks.append(index)
        elif char in stacks:
            stacks[char].append(index)
        elif stacks[_OPENING[char]]:
            spans.append((stacks[_OPENING[char]].pop(), index + 1))
    # Straight double quotes open and close alternately.
    spans.extend((marks[i], marks[i + 1] + 1) for i in range(0, len(marks) - 1, 2))
    return spans


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    """Whether the stop in `match` ends a sentence, judged by the word before it."""
    if match["stop"] != ".":
        return True
    # The word before the stop; looking back a bounded way keeps a long paragraph linear.
    found = _TOKEN.search(text, max(0, match.start() - _MAX_TOKEN), match.start())
    if not found:
        return True
    token = found["token"]
    key = token.lower()
    if key in NEVER_FINAL or re.fullmatch(r"[A-Z]", token):
        return False
    if key in TIME_SUFFIXES:
        return match["next"] not in TIME_WORDS
    if key.rstrip(".") in PLACE_INITIALS:
        # "in the U.S. Concern is" ends; "the U.S. Army" goes on.
        following = match["next"].split("-")[0]
        return following in OPENERS or following not in NAME_AFTER_PLACE
    if key in MAY_BE_FINAL or _DOTTED.fullmatch(token):
        return match["next"] in OPENERS
    return True


def _may_open(word: str) -> bool:
    """Whether a sentence may begin with ``word``: a capital (A to Z), a digit, or a
    letter of a script that has no capitals."""
    first = word[0]
    return ("A" <= first <= "Z") or first.isdigit() or not (first.isupper() or first.islower())


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of `paragraph`, as written, with whitespace normalised."""
    text = " ".join(paragraph.split())
    if not text:
        return []
    inside = _Enclosed(text)
    # (end of a sentence, start of the next), in the order of the text.
    breaks = [
        (match.end("close"), match.end())
        for match in _BOUNDARY.finditer(text)
        if _may_open(match["next"]) and _ends_sentence(text, match)
    ]
    breaks += [(match.end("close"), match.end()) for match in _FULL_STOP.finditer(text)]
    sentences: list[str] = []
    start = 0
    for end, after in sorted(breaks):
        if end <= start or end in inside:
            continue
        sentences.append(text[start:end])
        start = after
    sentences.append(text[start:])
    return [sentence for sentence in sentences if sentence]


_QUOTATIONS: dict[str, str] = {
    "“": "”",
    '"': '"',
    "「": "」",
    "『": "』",
    "«": "»",
    "„": "“",
    "‘": "’",
}
"""Opening quotation marks and the mark that closes each."""
_TRAILING = ".,;:!?…‼⁇⁈⁉।॥؟۔。！？ "


def is_quotation(sentence: str) -> bool:
    """Whether ``sentence`` is all inside one quotation (“No. Never.”, «Jamais.»), with
    at most a stop after it: a quotation with words of the writer's around it ("“No,”
    she said.") is not one."""
    text = sentence.strip()
    opening = text[:1]
    closing = _QUOTATIONS.get(opening)
    if closing is None:
        return False
    body = text.rstrip(_TRAILING)
    if len(body) < 3 or not body.endswith(closing):
        return False
    inner = body[1:-1]
    if closing == "’":
        # An apostrophe between letters ("don’t") is not the closing mark.
        inner = re.sub(r"(?<=\w)’(?=\w)", "", inner)
    if opening == closing:
        return opening not in inner
    # The opening mark must be the one the last mark closes: no mark closes before it.
    depth = 0
    for char in inner:
        if char == opening:
            depth += 1
        elif char == closing:
            if depth == 0:
                return False
            depth -= 1
    return depth == 0
