"""Plain numbers: ranges, negatives, decimals and cardinals with thousands separators."""

from __future__ import annotations

import re

from narration.spoken.rules import Rule, Style, pad
from narration.spoken.words import NUMBER, number

# A number must not continue a longer token of digits, dots or commas.
_START = r"(?<![\d.,])"
_END = r"(?![\d]|[.,]\d)"


def _range(match: re.Match[str], style: Style) -> str:
    return pad(match, f"{number(match['a'], style)} to {number(match['b'], style)}")


def _negative(match: re.Match[str], style: Style) -> str:
    return pad(match, f"minus {number(match['n'], style)}")


def _dotted(match: re.Match[str], style: Style) -> str:
    return pad(match, number(match.group(0), style))


def _plain(match: re.Match[str], style: Style) -> str:
    return pad(match, number(match.group(0), style))


RULES: tuple[Rule, ...] = (
    # "3–5" -> "three to five"; only en and em dashes, since "3-2" is as often a score.
    Rule(
        "range",
        re.compile(rf"{_START}(?P<a>{NUMBER})\s?[–—]\s?(?P<b>{NUMBER}){_END}"),
        _range,
    ),
    # A minus sign counts only where it cannot be a hyphen joining words ("COVID-19").
    Rule("negative", re.compile(rf"(?<![\w.,])[-−](?P<n>{NUMBER}){_END}"), _negative),
    # Version-like "1.2.3" is read part by part.
    Rule("dotted", re.compile(rf"{_START}\d+(?:\.\d+){{2,}}{_END}"), _dotted),
    Rule("plain", re.compile(rf"{_START}{NUMBER}{_END}"), _plain),
)
