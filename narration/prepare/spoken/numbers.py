"""Plain numbers: ranges, negatives, decimals and cardinals with thousands separators."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, counts_things, pad
from narration.prepare.spoken.words import NUMBER, number

# A number must not continue a longer token of digits, dots or commas.
# An ellipsis before a number is no decimal point: "so...5 more".
_START = r"(?<![\d,])(?<!(?<!\.)\.)"
_END = r"(?![\d]|[.,]\d)"


def _range(match: re.Match[str], style: Style) -> str:
    # "between 3 and 5", not "between 3 to 5".
    between = re.search(r"\bbetween\s+$", match.string[: match.start()], re.IGNORECASE)
    joiner = "and" if between else "to"
    return pad(match, f"{number(match['a'], style)} {joiner} {number(match['b'], style)}")


RANGE_LEADS: frozenset[str] = frozenset({"aged", "ages", "between", "from", "for", "of", "about"})
"""Words before "18-24" that make a hyphenated pair a range."""

SCORE_WORDS: frozenset[str] = frozenset(
    {"win", "won", "wins", "lost", "lose", "loss", "defeat", "defeated", "beat", "beating",
     "draw", "drew", "score", "scored", "victory", "lead", "led", "trail", "trailed", "final"}
)  # fmt: skip
"""Words near "3-2" that make it a score, said "three-two"."""


def _hyphen_range(match: re.Match[str], style: Style) -> str:
    """ "3-5 hours" is a range; "a 3-2 win" is a score and keeps its hyphen."""
    first, second = match["a"], match["b"]
    text = match.string
    near = re.findall(r"[a-z]+", text[max(0, match.start() - 30) : match.end() + 30].lower())
    before = re.search(r"([a-z]+)\s+$", text[: match.start()].lower())
    ascending = float(first.replace(",", "")) < float(second.replace(",", ""))
    lead = before is not None and before[1] in RANGE_LEADS
    if ascending and (counts_things(match) or lead) and not SCORE_WORDS.intersection(near):
        return _range(match, style)
    return pad(match, f"{number(first, style)}-{number(second, style)}")


def _negative(match: re.Match[str], style: Style) -> str:
    return pad(match, f"minus {number(match['n'], style)}")


def _dotted(match: re.Match[str], style: Style) -> str:
    return pad(match, number(match.group(0), style))


def _plain(match: re.Match[str], style: Style) -> str:
    return pad(match, number(match.group(0), style))


RULES: tuple[Rule, ...] = (
    # "3–5" -> "three to five" with en and em dashes; a hyphen only where the words
    # around show a range ("3-5 hours"), since "3-2" is as often a score.
    Rule(
        "range",
        re.compile(rf"{_START}(?P<a>{NUMBER})\s?[–—]\s?(?P<b>{NUMBER}){_END}"),
        _range,
    ),
    Rule(
        "hyphen-range",
        re.compile(rf"(?<![\w.,-])(?P<a>{NUMBER})-(?P<b>{NUMBER})(?![\w-]|[.,]\d)"),
        _hyphen_range,
    ),
    # A minus sign counts only where it cannot be a hyphen joining words ("COVID-19").
    Rule("negative", re.compile(rf"(?<![\w.,])[-−](?P<n>{NUMBER}){_END}"), _negative),
    # Version-like "1.2.3" is read part by part.
    Rule("dotted", re.compile(rf"{_START}\d+(?:\.\d+){{2,}}{_END}"), _dotted),
    Rule("plain", re.compile(rf"{_START}{NUMBER}{_END}"), _plain),
    # ".5", "a .45 calibre": a decimal without its leading zero.
    Rule("bare-decimal", re.compile(rf"(?<![\w.,])\.\d+{_END}"), _plain),
)
