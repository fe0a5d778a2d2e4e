"""Dates and years: "27 Nov 2025", "Nov 27, 2025", "2025-11-27", "1990s", "2020–21", "1066"."""

from __future__ import annotations

import calendar
import re

from narration.prepare.spoken.rules import Rule, Style, counts_things, keep_stop, pad
from narration.prepare.spoken.words import cardinal, number, ordinal, plural, short_year, year

MONTHS: dict[str, str] = {
    "January": "January",
    "Jan": "January",
    "February": "February",
    "Feb": "February",
    "March": "March",
    "Mar": "March",
    "April": "April",
    "Apr": "April",
    "May": "May",
    "June": "June",
    "Jun": "June",
    "July": "July",
    "Jul": "July",
    "August": "August",
    "Aug": "August",
    "September": "September",
    "Sept": "September",
    "Sep": "September",
    "October": "October",
    "Oct": "October",
    "November": "November",
    "Nov": "November",
    "December": "December",
    "Dec": "December",
}
MONTH_NUMBERS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip

WEEKDAYS: dict[str, str] = {
    "Monday": "Monday",
    "Mon": "Monday",
    "Tuesday": "Tuesday",
    "Tues": "Tuesday",
    "Tue": "Tuesday",
    "Wednesday": "Wednesday",
    "Wed": "Wednesday",
    "Thursday": "Thursday",
    "Thurs": "Thursday",
    "Thur": "Thursday",
    "Thu": "Thursday",
    "Friday": "Friday",
    "Fri": "Friday",
    "Saturday": "Saturday",
    "Sat": "Saturday",
    "Sunday": "Sunday",
    "Sun": "Sunday",
}


def _alternatives(names: dict[str, str]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))


LOWER_CASE_WORDS: frozenset[str] = frozenset({"may", "mar", "march"})
"""Months that, in lower case, are read as months only with a year ("17 may 2010")."""

_FULL_MONTHS = "|".join(name for name, full in MONTHS.items() if name == full)
_SHORT_MONTHS = "|".join(name for name, full in MONTHS.items() if name != full)
# Any case ("JAN", "jan."); only an abbreviated month takes a dot: after "February" the
# dot ends the sentence.
_MONTH = rf"(?P<month>(?i:{_FULL_MONTHS}|(?:{_SHORT_MONTHS})\b\.?))(?!\w)"
_WEEKDAY = rf"(?:(?P<weekday>{_alternatives(WEEKDAYS)})\b\.?,?\s+)?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_FIRST_DAY = r"(?:(?P<first>[0-3]?\d)(?:st|nd|rd|th)?\s?[–—-]\s?)?"
_YEAR = r"(?:(?:,?\s+|-)(?P<year>1\d\d\d|20\d\d)(?![\w%]|[.,]\d))?"
# House styles write counts from 1,000 with a comma, so a bare 1000–2099 is a year.
_YEAR_LIKE = r"(?:1\d\d\d|20\d\d)"


def date_words(
    day: int,
    month: str,
    year_written: str | None,
    weekday: str | None,
    style: Style,
    first_day: int | None = None,
) -> str:
    """A full date in the house style: UK "the first of April", US "April first".

    `first_day` makes it a range: "1–2 March" -> "the first to the second of March".
    """
    if style == "uk":
        days = f"the {ordinal(day, style)}"
        if first_day is not None:
            days = f"the {ordinal(first_day, style)} to {days}"
        spoken = f"{days} of {month}"
        if weekday:
            spoken = f"{weekday} {spoken}"
        if year_written:
            spoken = f"{spoken} {short_year(year_written, style)}"
        return spoken
    spoken = f"{month} {ordinal(day, style)}"
    if first_day is not None:
        spoken = f"{month} {ordinal(first_day, style)} to {ordinal(day, style)}"
    if weekday:
        spoken = f"{weekday}, {spoken}"
    if year_written:
        spoken = f"{spoken}, {short_year(year_written, style)}"
    return spoken


def _named_month(match: re.Match[str], style: Style) -> str:
    day = int(match["day"])
    first_day = int(match["first"]) if match.groupdict().get("first") else None
    if not 1 <= day <= 31 or (first_day is not None and not 1 <= first_day < day):
        return match.group(0)
    weekday = WEEKDAYS[match["weekday"]] if match["weekday"] else None
    written_month = match["month"].rstrip(".")
    if written_month in LOWER_CASE_WORDS and not match["year"]:
        # "may" and "march" in lower case are verbs more often than months.
        return match.group(0)
    month = MONTHS[written_month.title()]
    spoken = date_words(day, month, match["year"], weekday, style, first_day)
    return keep_stop(match, pad(match, spoken))


def real_date(day: int, month: int, written_year: str | None) -> bool:
    """Whether the day exists in the month ("30/2" does not; "29/2" does in a leap year)."""
    if not 1 <= month <= 12:
        return False
    leap_year = 2000
    days = calendar.monthrange(int(written_year) if written_year else leap_year, month)[1]
    return 1 <= day <= days


def _iso(match: re.Match[str], style: Style) -> str:
    month, day = int(match["m"]), int(match["d"])
    if not real_date(day, month, match["y"]):
        return match.group(0)
    return pad(match, date_words(day, MONTH_NUMBERS[month - 1], match["y"], None, style))


def _numeric(match: re.Match[str], style: Style) -> str:
    first, second = int(match["a"]), int(match["b1"] or match["b2"])
    # UK writes day/month, US month/day; an impossible reading falls back to the other.
    day, month = (first, second) if style == "uk" else (second, first)
    written_year = match["y1"] or match["y2"]
    if not real_date(day, month, written_year):
        day, month = month, day
    if not real_date(day, month, written_year):
        return match.group(0)
    return pad(match, date_words(day, MONTH_NUMBERS[month - 1], written_year, None, style))


def _weekday_range(match: re.Match[str], style: Style) -> str:
    return keep_stop(match, pad(match, f"{WEEKDAYS[match['a']]} to {WEEKDAYS[match['b']]}"))


def _year_range(match: re.Match[str], style: Style) -> str:
    first, second = int(match["a"]), match["b"]
    # A hyphen joins a range only when the second year follows the first ("2020-21");
    # an en dash always means "to".
    dash = match["dash"] != "-"
    if len(second) == 2:
        end = int(second)
        if end <= first % 100:
            return match.group(0)
        return pad(match, f"{year(first, style)} to {cardinal(end, style)}")
    if int(second) <= first and not dash:
        return match.group(0)
    return pad(match, f"{year(first, style)} to {year(int(second), style)}")


def _decade(match: re.Match[str], style: Style) -> str:
    return pad(match, plural(year(int(match["y"]), style)))


def _decade_range(match: re.Match[str], style: Style) -> str:
    first = plural(year(int(match["y"]), style))
    if match["y2"]:
        return pad(match, f"{first} to {plural(year(int(match['y2']), style))}")
    return pad(match, f"{first} to {plural(cardinal(int(match['yy']), style))}")


def _short_decade(match: re.Match[str], style: Style) -> str:
    # "the ’80s": the apostrophe stands for the century and is not said.
    return pad(match, plural(cardinal(int(match["y"]), style)))


YEAR_PREPOSITIONS: frozenset[str] = frozenset(
    {"in", "since", "by", "until", "till", "from", "during", "before", "after", "early",
     "late", "mid", "spring", "summer", "autumn", "fall", "winter", "year", "around"}
)  # fmt: skip
"""Words before a 4-digit number that make it a year even before a plural ("in 2024 prices")."""


def _year(match: re.Match[str], style: Style) -> str:
    before = re.search(r"([A-Za-z]+)[\s-]+$", match.string[: match.start()])
    after_preposition = before is not None and before[1].lower() in YEAR_PREPOSITIONS
    if counts_things(match) and not after_preposition:
        # "1234 votes", "1050 jobs": a count, not a year.
        return pad(match, number(match.group(0), style))
    return pad(match, year(int(match.group(0)), style))


RULES: tuple[Rule, ...] = (
    # "2025-11-27", "2016/07/03": year first.
    Rule(
        "iso-date",
        re.compile(
            r"(?<![\w./,-])(?P<y>1\d{3}|20\d\d)(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
            r"(?![\w/-])"
        ),
        _iso,
    ),
    # "27/11/2025", "11/17/05", "15.01.2020", "15-01-2020": day first in UK style, month
    # first in US style. Two-digit years only with slashes: "1.2.24" is a version.
    Rule(
        "numeric-date",
        re.compile(
            r"(?<![\w/.,-])(?P<a>\d{1,2})(?:/(?P<b1>\d{1,2})/(?P<y1>\d{4}|\d{2})"
            r"|(?P<sep>[.-])(?P<b2>\d{1,2})(?P=sep)(?P<y2>1\d{3}|20\d\d))(?![\w/]|[.,-]\d)"
        ),
        _numeric,
    ),
    # "27 Nov 2025", "Thursday 27 November", "the 25th of February".
    Rule(
        "day-month",
        re.compile(
            rf"{_WEEKDAY}(?:(?<![\w])the\s+)?(?<![\w.,]){_FIRST_DAY}{_DAY}"
            rf"(?:\s+of)?(?:\s+|-){_MONTH}{_YEAR}"
        ),
        _named_month,
    ),
    # "Nov 27, 2025", "Thursday, Nov 27, 2025", "March 3".
    Rule(
        "month-day",
        re.compile(rf"{_WEEKDAY}{_MONTH}(?:\s+|-){_DAY}(?![\w%]|[.,:]\d){_YEAR}"),
        _named_month,
    ),
    # "Mon–Fri" -> "Monday to Friday".
    Rule(
        "weekday-range",
        re.compile(
            rf"\b(?P<a>{_alternatives(WEEKDAYS)})\.?\s?[–—-]\s?"
            rf"(?P<b>{_alternatives(WEEKDAYS)})\b\.?"
        ),
        _weekday_range,
    ),
    Rule(
        "year-range",
        re.compile(
            rf"(?<![\w.,])(?P<a>{_YEAR_LIKE})\s?(?P<dash>[–—-])\s?"
            r"(?P<b>\d{4}|\d{2})(?![\w]|[.,]\d)"
        ),
        _year_range,
    ),
    # "1960s-80s", "1960s–1980s".
    Rule(
        "decade-range",
        re.compile(
            r"(?<![\w.,])(?P<y>1\d\d0|20\d0)['’]?s\s?[–—-]\s?"
            r"(?:(?P<y2>1\d\d0|20\d0)|['’]?(?P<yy>[1-9]0))['’]?s\b"
        ),
        _decade_range,
    ),
    Rule("decade", re.compile(r"(?<![\w.,])(?P<y>1\d\d0|20\d0)['’]?s\b"), _decade),
    # "the ’80s", "mid-80s", "in their 40s": a decade of years or of age.
    Rule("short-decade", re.compile(r"(?<![\w.,'’])['’]?(?P<y>[1-9]0)['’]?s\b"), _short_decade),
    # Any other lone 4-digit number in 1000–2099 is read as a year.
    Rule("year", re.compile(rf"(?<![\w.,]){_YEAR_LIKE}(?![\w]|[.,]\d)"), _year),
)
