"""Ordinals: "1st", "3rd", "21st", "100th"."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.words import ordinal


def _render(match: re.Match[str], style: Style) -> str:
    return pad(match, ordinal(int(match["n"].replace(",", "")), style))


RULES: tuple[Rule, ...] = (
    Rule(
        "ordinal",
        re.compile(r"(?<![\w.,])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th|ST|ND|RD|TH)\b"),
        _render,
    ),
)
