"""Clock times: "6am", "10:45 p.m.", "6.30pm", "18:30"."""

from __future__ import annotations

import re

from narration.spoken.rules import Rule, Style, keep_stop, pad
from narration.spoken.words import cardinal, digits

# espeak reads "a m" with a schwa ("uh em") but "A-M" as the two letters.
MERIDIEM: dict[str, str] = {"a": "A-M", "p": "P-M"}


def _minutes(minutes: int, style: Style) -> str:
    if minutes < 10:
        return f"oh {digits(str(minutes))}"
    return cardinal(minutes, style)


def _twelve_hour(match: re.Match[str], style: Style) -> str:
    hour = int(match["h"])
    minutes = int(match["m"]) if match["m"] else 0
    if not 1 <= hour <= 12 or minutes > 59:
        return match.group(0)
    spoken = cardinal(hour, style)
    if minutes:
        spoken = f"{spoken} {_minutes(minutes, style)}"
    spoken = f"{spoken} {MERIDIEM[match['ap'].lower()]}"
    return keep_stop(match, pad(match, spoken))


def _twenty_four_hour(match: re.Match[str], style: Style) -> str:
    hour, minutes = int(match["h"]), int(match["m"])
    if hour > 24 or minutes > 59:
        return match.group(0)
    spoken = "zero" if hour == 0 else cardinal(hour, style)
    if match["h"].startswith("0") and hour:
        spoken = f"oh {spoken}"
    tail = "hundred" if minutes == 0 else _minutes(minutes, style)
    return pad(match, f"{spoken} {tail}")


RULES: tuple[Rule, ...] = (
    Rule(
        "twelve-hour",
        re.compile(
            r"(?<![\w.,:])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s?"
            r"(?P<ap>[ap])(?:\.m\.|m\b\.?|\.m\b)",
            re.IGNORECASE,
        ),
        _twelve_hour,
    ),
    Rule(
        "twenty-four-hour",
        re.compile(r"(?<![\w.,:])(?P<h>[01]?\d|2[0-4]):(?P<m>\d{2})(?![\d:])"),
        _twenty_four_hour,
    ),
)
