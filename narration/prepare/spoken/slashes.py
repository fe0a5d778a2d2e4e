"""Slashes with a meaning: "and/or", "w/o", "n/a", "km/h" and "mg/l" without an amount,
"copy/move" ("copy or move").

Slashes after an amount ("$20/mo", "3 cc/s") were read by money, units and rates before;
dates, fractions and "24/7" by theirs. A slash no rule here reads is left to the marks
family, which makes a spaced slash a pause and any other a space ("TCP/IP", a path).
"""

from __future__ import annotations

import re

from narration.prepare.spoken.rates import PER, PER_NAMES
from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.units import NAMES, unit_named

SAID: dict[str, str] = {
    "and/or": "and or",
    "either/or": "either or",
    "s/he": "she or he",
    "w/o": "without",
    "w/": "with",
    "c/o": "care of",
    "n/a": "not applicable",
    "a/k/a": "also known as",
    "b/c": "because",
    "p/e": "price to earnings",
    "y/o": "year old",
}
"""Slashed shorthand said as words, in any case ("N/A")."""


def _said(match: re.Match[str], style: Style) -> str:
    return pad(match, SAID[match.group(0).lower()])


def _shorthand(written: str) -> str:
    # "w/" ends at its slash ("w/ cheese", "w/cheese"); the others end a word.
    ending = "(?!/)" if written.endswith("/") else r"(?![\w/])"
    return re.escape(written) + ending


_SHORTHAND = re.compile(
    r"(?<![\w/])(?i:" + "|".join(_shorthand(w) for w in sorted(SAID, key=len, reverse=True)) + ")"
)


def _unit_rate(match: re.Match[str], style: Style) -> str:
    unit = unit_named(match["unit"]).name(False, style)
    return pad(match, f"{unit} per {PER[match['per']].said(style)}")


def _either(match: re.Match[str], style: Style) -> str:
    return f"{match['a']} or {match['b']}"


_WORD = r"[a-z][a-z'’-]*[a-z]"
_FIRST_WORD = r"[A-Za-z][a-z'’-]*[a-z]"

RULES: tuple[Rule, ...] = (
    Rule("shorthand", _SHORTHAND, _said),
    # "in km/h", "levels in mg/l": a unit rate without an amount, said in full.
    Rule(
        "unit-rate",
        re.compile(rf"(?<![\w/.])(?P<unit>{NAMES})\s?/\s?(?P<per>{PER_NAMES})(?![\w²³/])"),
        _unit_rate,
    ),
    # "copy/move", "Increases/decreases", "prams / pushchairs": words, one or the other.
    # A name pair ("Israel/Gaza", "TCP/IP") and a path ("usr/local/bin") are not read so.
    Rule(
        "either-word",
        re.compile(rf"(?<![\w/.@-])(?P<a>{_FIRST_WORD})\s?/\s?(?P<b>{_WORD})(?![\w/])"),
        _either,
    ),
)
