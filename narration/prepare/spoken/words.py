"""Number words shared by the rule families (all spelling is done by num2words)."""

from __future__ import annotations

import re
from typing import Any

from narration.prepare.spoken.rules import Style


def num2words(value: Any, **options: str) -> Any:
    """num2words' spelling, the library imported on first use: it takes a while to load,
    and many articles have no number to spell."""
    # Lazy: num2words (~20 ms) only when a number is spelt out.
    from num2words import num2words as spell

    return spell(value, **options)


NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
"""A written number: optional thousands commas, optional decimals."""

DECIMAL = rf"(?:{NUMBER}|\.\d+)"
"""A written number that may also lack its leading zero: ".5", ".45 calibre"."""

_MINUS = "-−–"


def _tidy(words: str, style: Style) -> str:
    # num2words writes "five thousand, three hundred"; the commas would make the voice pause.
    words = words.replace(",", "")
    if style == "us":
        words = words.replace(" and ", " ")
    return words


def cardinal(value: int, style: Style) -> str:
    """Whole number in words: 105 -> "one hundred and five" (UK), "one hundred five" (US)."""
    return _tidy(str(num2words(value)), style)


def ordinal(value: int, style: Style) -> str:
    """21 -> "twenty-first"."""
    return _tidy(str(num2words(value, to="ordinal")), style)


def digits(text: str) -> str:
    """Digit by digit: "05" -> "zero five"."""
    return " ".join(str(num2words(int(d))) for d in text if d.isdigit())


def number(text: str, style: Style) -> str:
    """A written number in words: "5,385", "3.5", "-15", "007", "1.2.3"."""
    text = text.strip()
    sign = ""
    if text and text[0] in _MINUS:
        sign, text = "minus ", text[1:]
    elif text.startswith("+"):
        sign, text = "plus ", text[1:]
    whole, *decimals = text.replace(",", "").split(".")
    if len(whole) > 1 and whole.startswith("0"):
        spoken = digits(whole)
    elif whole:
        spoken = cardinal(int(whole), style)
    else:
        spoken = ""
    for part in decimals:
        spoken = f"{spoken} point {digits(part)}".strip()
    return sign + spoken


def year(value: int, style: Style) -> str:
    """1066 -> "ten sixty-six", 2005 -> "two thousand and five", 2025 -> "twenty twenty-five"."""
    words = str(num2words(value, to="year"))
    # "nineteen oh-five" is read as one run-on word; keep "oh" apart.
    words = words.replace("oh-", "oh ")
    return _tidy(words, style)


def short_year(written: str, style: Style) -> str:
    """A year as written: "'24" -> "twenty-four", "05" -> "oh five"."""
    written = written.lstrip("'’")
    if len(written) == 4:
        return year(int(written), style)
    if written.startswith("0"):
        return f"oh {digits(written[1])}"
    return cardinal(int(written), style)


def plural(words: str) -> str:
    """Pluralise the last word of a number: "nineteen ninety" -> "nineteen nineties"."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}" if head else last


def is_one(text: str) -> bool:
    """Whether a written amount is exactly one (for singular units)."""
    return re.fullmatch(r"0*1", text.replace(",", "")) is not None
