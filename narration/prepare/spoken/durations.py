"""Durations and race times: "2:03:45", "1:01:01", "3:43.13", "9.58 seconds".

A colon-separated time with seconds is a duration (a marathon, a flight, a shift):
"2:03:45" -> "two hours three minutes and forty-five seconds". Minutes and seconds with
hundredths ("3:43.13") are a race time. Clock times without seconds ("18:30") are left to
the times family; a clock time with seconds and am or pm, or with a time zone ("14:30:15
GMT"), is said as the clock time.
"""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.times import ZONE
from narration.prepare.spoken.words import cardinal, digits


def _part(value: int, name: str, style: Style) -> str:
    return f"{cardinal(value, style)} {name}{'' if value == 1 else 's'}"


def _listed(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return f"{' '.join(parts[:-1])} and {parts[-1]}"


def _hours_minutes_seconds(match: re.Match[str], style: Style) -> str:
    hours, minutes, seconds = int(match["h"]), int(match["m"]), int(match["s"])
    if minutes > 59 or seconds > 59:
        return match.group(0)
    parts = [_part(hours, "hour", style), _part(minutes, "minute", style)]
    seconds_said = _part(seconds, "second", style)
    if match["f"]:
        seconds_said = f"{cardinal(seconds, style)} point {digits(match['f'])} seconds"
    return pad(match, _listed([*parts, seconds_said]))


def _minutes_seconds(match: re.Match[str], style: Style) -> str:
    minutes, seconds = int(match["m"]), int(match["s"])
    if seconds > 59:
        return match.group(0)
    seconds_said = f"{cardinal(seconds, style)} point {digits(match['f'])} seconds"
    return pad(match, _listed([_part(minutes, "minute", style), seconds_said]))


def _clock_with_seconds(match: re.Match[str], style: Style) -> str:
    # "10:00:00 p.m.", "14:30:15 GMT": the seconds of a clock time go unsaid.
    return f"{match['h']}:{match['m']}{match['rest']}"


RULES: tuple[Rule, ...] = (
    Rule(
        "clock-with-seconds",
        re.compile(
            rf"(?<![\w.,:])(?P<h>\d{{1,2}}):(?P<m>[0-5]\d):[0-5]\d(?P<rest>\s?[ap]\.?m\b|(?={ZONE}))",
            re.IGNORECASE,
        ),
        _clock_with_seconds,
    ),
    # "2:03:45", "1:01:01", "2:01:39.5".
    Rule(
        "hours-minutes-seconds",
        re.compile(
            r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<m>\d\d):(?P<s>\d\d)(?:\.(?P<f>\d{1,3}))?"
            r"(?![\d:]|[.,]\d)"
        ),
        _hours_minutes_seconds,
    ),
    # "3:43.13": a race time in minutes, seconds and hundredths.
    Rule(
        "minutes-seconds",
        re.compile(r"(?<![\w.,:])(?P<m>\d{1,2}):(?P<s>\d\d)\.(?P<f>\d{1,3})(?![\d:]|[.,]\d)"),
        _minutes_seconds,
    ),
)
