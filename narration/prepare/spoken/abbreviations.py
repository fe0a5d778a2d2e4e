"""Abbreviations: titles (Dr. Mr. Mrs.), St., No., Latin shorthands and dotted initials."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, keep_stop

TITLES: dict[str, str] = {
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Prof": "Professor",
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Gen": "General",
    "Lt": "Lieutenant",
    "Col": "Colonel",
    "Capt": "Captain",
    "Sgt": "Sergeant",
    "Rev": "Reverend",
    "Mt": "Mount",
    "Ft": "Fort",
}
"""Said as a word only before a capitalised name ("Gen. Smith", not "Gen Z")."""

PHRASES: dict[str, str] = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "etc": "et cetera",
    "vs.": "versus",
    "vs": "versus",
    "approx.": "approximately",
    "approx": "approximately",
    "a.k.a.": "also known as",
    "aka": "also known as",
    "Jr.": "Junior",
    "Sr.": "Senior",
}
"""Said as words wherever they stand."""

MID_SENTENCE: frozenset[str] = frozenset({"e.g.", "i.e.", "vs.", "approx.", "a.k.a."})
"""Phrases whose dot never doubles as a full stop ("Arsenal vs. Chelsea")."""

# A capitalised word straight before the abbreviation, and the text before that word.
_NAME_BEFORE = re.compile(r"(?P<lead>.*?)(?P<name>\b[A-Z][\w'’-]*)\s+$", re.DOTALL)
_NAME_AFTER = re.compile(r"\s+[A-Z]")


def _after_name(match: re.Match[str]) -> bool:
    """Whether a capitalised word that does not open the sentence comes just before."""
    found = _NAME_BEFORE.match(match.string[: match.start()])
    if not found:
        return False
    lead = found["lead"].rstrip(" \t“\"‘'(")
    return bool(lead) and lead[-1] not in ".!?:\n"


def _place_or_title(short: str, title: str, place: str) -> Rule:
    """The title before a name ("St. Paul's"), the place after one ("Downing St.")."""

    def render(match: re.Match[str], style: Style) -> str:
        before_name = _NAME_AFTER.match(match.string, match.end()) is not None
        if _after_name(match) or not before_name:
            return keep_stop(match, place)
        return title

    return Rule(short, re.compile(rf"\b{short}\b\.?"), render)


def _title(match: re.Match[str], style: Style) -> str:
    return TITLES[match["t"]]


def _number(match: re.Match[str], style: Style) -> str:
    return ("Number" if match.group(0).startswith("N") else "number") + " "


def _phrase(match: re.Match[str], style: Style) -> str:
    written = match.group(0)
    if written in MID_SENTENCE:
        return PHRASES[written]
    return keep_stop(match, PHRASES[written])


def _initials(match: re.Match[str], style: Style) -> str:
    letters = "-".join(match.group(0).replace(".", ""))
    return keep_stop(match, letters, before_capital=False)


def _alternatives(names: dict[str, str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


RULES: tuple[Rule, ...] = (
    Rule("phrase", re.compile(rf"(?<![\w.])(?:{_alternatives(PHRASES)})(?![\w])"), _phrase),
    Rule("title", re.compile(rf"\b(?P<t>{_alternatives(TITLES)})\.?(?=\s+[A-Z][a-z])"), _title),
    _place_or_title("St", "Saint", "Street"),
    _place_or_title("Dr", "Doctor", "Drive"),
    # "No. 10", "No 10 Downing Street"; lower case only with the dot ("no 5-star reviews").
    Rule("number-sign", re.compile(r"\b(?:No\.?|no\.)\s?(?=\d)"), _number),
    Rule("number-of", re.compile(r"\bno\.\s?(?=of\b)"), _number),
    # "U.S." -> "U-S", "U.K." -> "U-K": joined, the voice says each as a letter.
    Rule("initials", re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}(?![\w])"), _initials),
)
