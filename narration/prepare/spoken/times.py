"""Clock times: "6am", "10:45 p.m.", "6.30pm", "18:30", "01:00" (one o'clock), "00:00".

A time zone after a time is read with it: "10 p.m. e.s.t" -> "ten P-M Eastern Standard
Time", "14:30 GMT" -> "fourteen thirty G-M-T". `ZONES` holds the zones by their letters."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, keep_stop, pad
from narration.prepare.spoken.words import cardinal, digits

# espeak reads "a m" with a schwa ("uh em") but "A-M" as the two letters.
MERIDIEM: dict[str, str] = {"a": "A-M", "p": "P-M"}

ZONES: dict[str, str] = {
    # North American zones are said by name, as their broadcasters say them.
    "EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time", "ET": "Eastern Time",
    "CST": "Central Standard Time", "CDT": "Central Daylight Time", "CT": "Central Time",
    "MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time", "MT": "Mountain Time",
    "PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time", "PT": "Pacific Time",
    "AKST": "Alaska Standard Time", "HST": "Hawaii Standard Time",
    "BST": "British Summer Time", "CET": "Central European Time",
    "CEST": "Central European Summer Time", "EET": "Eastern European Time",
    "AEST": "Australian Eastern Standard Time", "AEDT": "Australian Eastern Daylight Time",
    "JST": "Japan Standard Time", "HKT": "Hong Kong Time", "SGT": "Singapore Time",
    # Said as letters.
    "GMT": "G-M-T", "UTC": "U-T-C",
}  # fmt: skip
"""Time zones after a time, by their letters; written in any case, with or without dots
("EST", "e.s.t", "E.S.T.", or "E-S-T" as the abbreviations family leaves "E.S.T.")."""


def _zone_pattern(letters: str) -> str:
    pattern = r"[.-]?".join(letters) + r"\.?"
    # "ET", "PT": two letters only in capitals ("et al." is no zone).
    return f"(?-i:{pattern})" if len(letters) == 2 else f"(?i:{pattern})"


_ZONE_NAMES = "|".join(_zone_pattern(z) for z in sorted(ZONES, key=len, reverse=True))
ZONE = rf"\s(?:{_ZONE_NAMES})(?![\w-])"
"""A time zone after a time, as another family's lookahead writes it: " GMT", " e.s.t"."""
_ZONE = rf"(?:\s(?P<zone>{_ZONE_NAMES})(?![\w-]))?"


def _with_zone(match: re.Match[str], spoken: str) -> str:
    """ "ten P-M" and the match's time zone, if it has one: "ten P-M Eastern Standard Time"."""
    zone = match["zone"]
    if not zone:
        return spoken
    return f"{spoken} {ZONES[re.sub(r'[.-]', '', zone).upper()]}"


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
    return keep_stop(match, pad(match, _with_zone(match, spoken)))


def _twelve_hour_range(match: re.Match[str], style: Style) -> str:
    # "3-5pm": the first time takes the second's meridiem unless it has its own.
    first = _clock(match["h1"], match["m1"], match["ap1"], style)
    second = _clock(match["h"], match["m"], match["ap"], style)
    if not (first and second):
        return match.group(0)
    return keep_stop(match, pad(match, _with_zone(match, f"{first} to {second}")))


def _twenty_four_hour_range(match: re.Match[str], style: Style) -> str:
    first = _twenty_four_hour_words(match["h1"], match["m1"], style)
    second = _twenty_four_hour_words(match["h"], match["m"], style)
    if not (first and second):
        return match.group(0)
    return keep_stop(match, pad(match, _with_zone(match, f"{first} to {second}")))


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
        spoken = "midnight"
    elif minutes == 0 and hour <= 12:
        # "01:00", "9:00": on the hour, said as a clock reads ("eighteen hundred" stays).
        spoken = f"{cardinal(hour, style)} o'clock"
    else:
        spoken = _twenty_four_hour_words(match["h"], match["m"], style)
    if not spoken:
        return match.group(0)
    return keep_stop(match, pad(match, _with_zone(match, spoken)))


_MERIDIEM = r"(?P<ap{n}>[ap])(?:\.m\.|m\b\.?|\.m\b)"
_TWELVE = r"(?P<h{n}>\d{{1,2}})(?:[:.](?P<m{n}>\d{{2}}))?"
_TWENTY_FOUR = r"(?P<h{n}>[01]?\d|2[0-4]):(?P<m{n}>\d{{2}})"


RULES: tuple[Rule, ...] = (
    # "3 p.m.-5 p.m.", "10am–2pm", "3-5pm".
    Rule(
        "twelve-hour-range",
        re.compile(
            rf"(?<![\w.,:]){_TWELVE.format(n=1)}(?:\s?{_MERIDIEM.format(n=1)})?"
            rf"\s?[-–—]\s?{_TWELVE.format(n='')}\s?{_MERIDIEM.format(n='')}{_ZONE}",
            re.IGNORECASE,
        ),
        _twelve_hour_range,
    ),
    Rule(
        "twelve-hour",
        re.compile(
            rf"(?<![\w.,:]){_TWELVE.format(n='')}\s?{_MERIDIEM.format(n='')}{_ZONE}",
            re.IGNORECASE,
        ),
        _twelve_hour,
    ),
    # "09:00–17:30".
    Rule(
        "twenty-four-hour-range",
        re.compile(
            rf"(?<![\w.,:]){_TWENTY_FOUR.format(n=1)}\s?[-–—]\s?"
            rf"{_TWENTY_FOUR.format(n='')}(?![\d:]){_ZONE}"
        ),
        _twenty_four_hour_range,
    ),
    Rule(
        "twenty-four-hour",
        re.compile(rf"(?<![\w.,:])(?P<h>[01]?\d|2[0-4]):(?P<m>\d{{2}})(?![\d:]){_ZONE}"),
        _twenty_four_hour,
    ),
)
