"""Telephone numbers, read digit by digit in their groups: "(202) 555-0143", "020 7946 0018".

Without this, "555-0143" would be a range and "7946" a year. Zero is "oh" in UK speech and
"zero" in US speech; the groups are kept apart with commas, which the voice pauses on.
"""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.words import num2words

ZERO: dict[Style, str] = {"uk": "oh", "us": "zero"}


def _digits(group: str, style: Style) -> str:
    return " ".join(ZERO[style] if d == "0" else str(num2words(int(d))) for d in group)


def _render(match: re.Match[str], style: Style) -> str:
    groups = re.findall(r"\d+", match.group(0))
    plus = "plus " if match.group(0).startswith("+") else ""
    return pad(match, plus + ", ".join(_digits(group, style) for group in groups))


_AFTER = r"(?![\w-]|[.,]\d)"

RULES: tuple[Rule, ...] = (
    # North American: "(202) 555-0143", "202-555-0143", "+1 202 555 0143", "1-800-555-0199".
    Rule(
        "north-american",
        re.compile(
            r"(?<![\w.,+/-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?-?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
            rf"(?:-\d{{1,4}})?{_AFTER}"
        ),
        _render,
    ),
    # International with a country code: "+44 20 7946 0958", "+33 1 23 45 67 89".
    Rule(
        "international",
        re.compile(rf"(?<![\w.,+/-])\+\d{{1,3}}(?:[\s-]\(?\d{{1,4}}\)?){{3,5}}{_AFTER}"),
        _render,
    ),
    # UK numbers start with a zero: "020 7946 0018", "0800 123 4567", "01632 960123".
    Rule(
        "uk",
        re.compile(rf"(?<![\w.,+/-])0\d{{2,4}}\s\d{{3,4}}\s?\d{{3,4}}{_AFTER}"),
        _render,
    ),
)
