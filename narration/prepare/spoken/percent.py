"""Percentages: "8%", "0.5%", "1,400 %", "5–10%", "+3%"."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.words import DECIMAL, NUMBER, number

WORD: dict[Style, str] = {"uk": "per cent", "us": "percent"}


def _render(match: re.Match[str], style: Style) -> str:
    spoken = number(match["sign"] + match["a"], style)
    if match["b"]:
        spoken = f"{spoken} to {number(match['b'], style)}"
    return pad(match, f"{spoken} {WORD[style]}")


RULES: tuple[Rule, ...] = (
    Rule(
        "percent",
        re.compile(
            rf"(?<![\w.,])(?P<sign>[-−+]?)(?P<a>{DECIMAL})"
            rf"(?:\s?%?\s?[–—-]\s?(?P<b>{NUMBER}))?\s?%"
        ),
        _render,
    ),
)
