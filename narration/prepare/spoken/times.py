"""Clock times: "6am", "10:45 p.m.", "6.30pm", "18:30", "01:00" (one o'clock), "00:00"."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, keep_stop, pad
from narration.prepare.spoken.words import cardinal, digits

# espeak reads "a m" with a schwa ("uh em") but "A-M" as the two letters.
MERIDIEM: dict[str, str] = {"a": "A-M", "p": "P-M"}


def _minutes(minutes: int, style: Style) -> str:
    if minutes < 10:
        return f"oh {digits(str(minutes))}"
    return cardinal(minutes, style)


def _clock(hour_text: str, minutes_text: str | None, meridiem: str | None, style: Style) -> str:
    """ "10", "45", "p" -> "ten forty-five P-M"; empty when it is no time of day."""
    hour = int(hour_text)
    minutes = int(minutes_text) if minutes_text else 0
    if not 1 <= hour <= 12 or minutes > 59:
        return ""
    spoken = cardinal(hour, style)
    if minutes:
        spoken = f"{spoken} {_minutes(minutes, style)}"
    if meridiem:
        spoken = f"{spoken} {MERIDIEM[meridiem.lower()]}"
    return spoken


def _twelve_hour(match: re.Match[str], style: Style) -> str:
    spoken = _clock(match["h"], match["m"], match["ap"], style)
    if not spoken:
        return match.group(0)
    return keep_stop(match, pad(match, spoken))


def _twelve_hour_range(match: re.Match[str], style: Style) -> str:
    # "3-5pm": the first time takes the second's meridiem unless it has its own.
    first = _clock(match["h1"], match["m1"], match["ap1"], style)
    second = _clock(match["h"], match["m"], match["ap"], style)
    if not (first and second):
        return match.group(0)
    return keep_stop(match, pad(match, f"{first} to {second}"))


def _twenty_four_hour_range(match: re.Match[str], style: Style) -> str:
    first = _twenty_four_hour_words(match["h1"], match["m1"], style)
    second = _twenty_four_hour_words(match["h"], match["m"], style)
    if not (first and second):
        return match.group(0)
    return pad(match, f"{first} to {second}")


def _twenty_four_hour_words(hour_text: str, minutes_text: str, style: Style) -> str:
    hour, minutes = int(hour_text), int(minutes_text)
    if hour > 24 or minutes > 59:
        return ""
    spoken = "zero" if hour == 0 else cardinal(hour, style)
    if hour_text.startswith("0") and hour:
        spoken = f"oh {spoken}"
    tail = "hundred" if minutes == 0 else _minutes(minutes, style)
    return f"{spoken} {tail}"


def _twenty_four_hour(match: re.Match[str], style: Style) -> str:
    hour, minutes = int(match["h"]), int(match["m"])
    if minutes == 0 and hour in (0, 24):
        return pad(match, "midnight")
    if minutes == 0 and hour <= 12:
        # "01:00", "9:00": on the hour, said as a clock reads ("eighteen hundred" stays).
        return pad(match, f"{cardinal(hour, style)} o'clock")
    spoken = _twenty_four_hour_words(match["h"], match["m"], style)
    return pad(match, spoken) if spoken else match.group(0)


_MERIDIEM = r"(?P<ap{n}>[ap])(?:\.m\.|m\b\.?|\.m\b)"
_TWELVE = r"(?P<h{n}>\d{{1,2}})(?:[:.](?P<m{n}>\d{{2}}))?"
_TWENTY_FOUR = r"(?P<h{n}>[01]?\d|2[0-4]):(?P<m{n}>\d{{2}})"


RULES: tuple[Rule, ...] = (
    # "3 p.m.-5 p.m.", "10am–2pm", "3-5pm".
    Rule(
        "twelve-hour-range",
        re.compile(
            rf"(?<![\w.,:]){_TWELVE.format(n=1)}(?:\s?{_MERIDIEM.format(n=1)})?"
            rf"\s?[-–—]\s?{_TWELVE.format(n='')}\s?{_MERIDIEM.format(n='')}",
            re.IGNORECASE,
        ),
        _twelve_hour_range,
    ),
    Rule(
        "twelve-hour",
        re.compile(
            rf"(?<![\w.,:]){_TWELVE.format(n='')}\s?{_MERIDIEM.format(n='')}", re.IGNORECASE
        ),
        _twelve_hour,
    ),
    # "09:00–17:30".
    Rule(
        "twenty-four-hour-range",
        re.compile(
            rf"(?<![\w.,:]){_TWENTY_FOUR.format(n=1)}\s?[-–—]\s?"
            rf"{_TWENTY_FOUR.format(n='')}(?![\d:])"
        ),
        _twenty_four_hour_range,
    ),
    Rule(
        "twenty-four-hour",
        re.compile(r"(?<![\w.,:])(?P<h>[01]?\d|2[0-4]):(?P<m>\d{2})(?![\d:])"),
        _twenty_four_hour,
    ),
)
