"""Fractions: "1/2", "3/4 of voters", "2 1/2", "31/32", "22/3", "½", "2½".

A written fraction is also a date ("3/4"), a score or a ratio. A fraction is read where the
denominator is small enough to be one (2 to 64) and the numerator below 100; a few slashed
pairs are names of their own ("9/11", "7/7", "50/50"). A pair that can only be a date in
the house style is read as one: "22/3" is the twenty-second of March in UK style (day
first) and twenty-two thirds in US style, where no month is 22; "12/25" is December
twenty-fifth in US style. Pairs where both readings fit ("3/4") stay fractions. Dates with
a year ("22/3/2024") are read by the dates family before this.
"""

from __future__ import annotations

import re

from narration.prepare.spoken.dates import MONTH_NUMBERS, date_words, real_date
from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.words import cardinal, number, ordinal

VULGAR: dict[str, tuple[int, int]] = {
    "½": (1, 2),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "⅕": (1, 5),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
}

NAMED: dict[str, str] = {
    "9/11": "nine eleven",
    "7/7": "seven seven",
    "50/50": "fifty-fifty",
    "24/7": "twenty-four seven",
    "365/24/7": "three sixty-five twenty-four seven",
}
"""Slashed numbers that are names, not fractions."""

SIMPLE = r"(?P<top>[1-9]\d?)/(?P<bottom>[1-9]|[1-5]\d|6[0-4])"
"""A fraction as written: numerator below 100, denominator at most 64."""

MIXED = (
    r"(?P<whole>\d{1,3}(?:,\d{3})*)(?:\s|-)"
    r"(?P<mtop>[1-9]\d?)/(?P<mbottom>[1-9]|[1-5]\d|6[0-4])"
)
"""A whole number and a fraction: "2 1/2", "4-1/2"."""

AMOUNT = rf"(?:\d{{1,3}}(?:,\d{{3}})*[\s-][1-9]\d?/\d\d?|\d*[{''.join(VULGAR)}])"
"""A fractional amount other families read before a unit: "4 1/2 lbs", "2½ miles"."""


def fraction_words(top: int, bottom: int, style: Style) -> str:
    """3, 4 -> "three quarters"; 31, 32 -> "thirty-one thirty-seconds"; 2, 1 -> "two over one"."""
    if bottom == 1:
        return f"{cardinal(top, style)} over one"
    if bottom == 2:
        name = "half" if top == 1 else "halves"
    elif bottom == 4:
        name = "quarter" if top == 1 else "quarters"
    else:
        name = ordinal(bottom, style) + ("" if top == 1 else "s")
    return f"{cardinal(top, style)} {name}"


def mixed_words(whole: str, top: int, bottom: int, style: Style) -> str:
    """ "2", 1, 2 -> "two and a half"; an empty whole gives the fraction alone."""
    words = fraction_words(top, bottom, style)
    if not whole:
        return words
    return f"{number(whole, style)} and {_one_said_a(words)}"


def _one_said_a(words: str) -> str:
    """ "one half" -> "a half", "one eighth" -> "an eighth"; other numerators stay."""
    head, _, name = words.partition(" ")
    if head != "one" or name == "over one":
        return words
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def amount_words(text: str, style: Style) -> str:
    """A fractional amount matched by `AMOUNT` in words: "4 1/2" -> "four and a half"."""
    vulgar = text[-1:]
    if vulgar in VULGAR:
        return mixed_words(text[:-1], *VULGAR[vulgar], style)
    whole, top, bottom = re.split(r"[\s/-]", text)
    if int(top) >= int(bottom):
        return f"{number(whole, style)} {fraction_words(int(top), int(bottom), style)}"
    return mixed_words(whole, int(top), int(bottom), style)


def _vulgar(match: re.Match[str], style: Style) -> str:
    words = mixed_words(match["n"], *VULGAR[match["f"]], style)
    return pad(match, words if match["n"] else _one_said_a(words))


def _mixed(match: re.Match[str], style: Style) -> str:
    top, bottom = int(match["mtop"]), int(match["mbottom"])
    if top >= bottom:
        return match.group(0)
    return pad(match, mixed_words(match["whole"], top, bottom, style))


FRACTION_NOUNS: frozenset[str] = frozenset(
    {"of", "inch", "inches", "in", "mile", "miles", "cup", "cups", "teaspoon", "tablespoon",
     "pound", "pounds", "ounce", "ounces", "majority", "share", "point", "points"}
)  # fmt: skip
"""Words after "5/16" that keep it a fraction where it could be a date."""


def _date_shape(
    top: int, bottom: int, match: re.Match[str], style: Style
) -> tuple[int, int] | None:
    """The day and month of a slashed pair that can only be a date in the house style.

    UK writes day/month ("22/3"), US month/day ("12/25"); a day of 13 or more cannot be a
    month, so such a pair is a date unless a word after makes it a quantity ("5/16 inch").
    """
    day, month = (top, bottom) if style == "uk" else (bottom, top)
    after = re.match(r"\s+([a-z]+)", match.string[match.end() :])
    if after and after[1] in FRACTION_NOUNS:
        return None
    if 13 <= day <= 31 and 1 <= month <= 12 and real_date(day, month, None):
        return day, month
    return None


def _simple(match: re.Match[str], style: Style) -> str:
    top, bottom = int(match["top"]), int(match["bottom"])
    if top == bottom:
        return match.group(0)
    date = _date_shape(top, bottom, match, style)
    if date:
        day, month = date
        return pad(match, date_words(day, MONTH_NUMBERS[month - 1], None, None, style))
    return pad(match, fraction_words(top, bottom, style))


def _named(match: re.Match[str], style: Style) -> str:
    return pad(match, NAMED[match.group(0)])


_NAMES = "|".join(re.escape(name) for name in sorted(NAMED, key=len, reverse=True))
# Not part of a longer slashed run ("1/2/3") or a decimal ("1.5/2").
_ALONE_BEFORE = r"(?<![\w/.,])"
_ALONE_AFTER = r"(?![\w/]|[.,]\d)"

RULES: tuple[Rule, ...] = (
    Rule("named-pair", re.compile(rf"{_ALONE_BEFORE}(?:{_NAMES}){_ALONE_AFTER}"), _named),
    # "2 1/2", "4-1/2": only a proper fraction after a whole number.
    Rule("mixed-fraction", re.compile(rf"{_ALONE_BEFORE}{MIXED}{_ALONE_AFTER}"), _mixed),
    # "1/2", "3/4 of voters", "31/32"; an ordinal suffix is dropped ("1/4th").
    Rule(
        "fraction",
        re.compile(rf"{_ALONE_BEFORE}{SIMPLE}(?:st|nd|rd|th|ST|ND|RD|TH)?{_ALONE_AFTER}"),
        _simple,
    ),
    Rule("vulgar-fraction", re.compile(rf"(?P<n>\d*)(?P<f>[{''.join(VULGAR)}])"), _vulgar),
)
