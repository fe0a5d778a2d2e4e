"""One written form for what was heard and what was written, before they are compared.

A number, a date or a fraction can be said and written many ways, and a voice reading
"from 1 March" correctly is heard as "from the first of March" or "from March 1st".
English text on both sides is first given its spoken form by the project's own rules
(:func:`narration.prepare.spoken.speak`: "1 March", "March 1st" and "1/3" become "the
first of March" and "one third"), then Whisper's English normaliser writes the numbers in
digits again ("the 1st of march", "£3000000000"), and the few shapes both leave written
two ways are made one: "March the first" and "the first of March", "a hundred" and "one
hundred".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from narration.prepare.spoken import speak

Normaliser = Callable[[str], str]

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTH_FIRST = re.compile(rf"\b({_MONTHS}) (?:the )?(\d{{1,2}}(?:st|nd|rd|th))\b")
"""A day after its month, as the normaliser writes it: "march the 1st", "march 1st"."""
_ONE = re.compile(r"\ba (hundred|thousand|million|billion|trillion|third|quarter)\b", re.IGNORECASE)
""""a hundred", "a third": said as often as "one hundred", "one third"."""

_APOSTROPHE_S = re.compile(r"(?<=\w)['’]s\b")
"""A possessive or a contraction ("Ryker's", "it's"): heard as often without its apostrophe,
which the normaliser would otherwise write as "ryker is"."""

_PENCE = re.compile(r"([£$€]\d+)\.(\d\d)\b")
_SCALED = re.compile(r"([£$€]\d+(?:\.\d+)?)(bn|m|k)\b")
_SCALES = {"bn": " billion", "m": " million", "k": " thousand"}
_TIMES = re.compile(r"\b([ap]) m\b")


def english(normalise: Normaliser, spoken: Normaliser | None = None) -> Normaliser:
    """Whisper's English normaliser ``normalise`` after ``spoken`` (the spoken-form rules),
    with what they leave written two ways made one: "£1.7bn" as "£1.7 billion" (as it
    writes "1.7 billion pounds"), "£6.50" as "£6 50" (as it writes "six pounds fifty"),
    "6 a.m." as "6 am", "March 1st" as "the 1st of march", "a third" as "one third",
    "Ryker's" as "Rykers"."""

    def both(text: str) -> str:
        if spoken is not None:
            text = spoken(text)
        text = _ONE.sub(r"one \1", _APOSTROPHE_S.sub("s", text))
        text = _SCALED.sub(lambda m: m.group(1) + _SCALES[m.group(2)], text)
        found = _PENCE.sub(r"\1 \2", normalise(text))
        found = _TIMES.sub(r"\1m", found)
        return _MONTH_FIRST.sub(r"the \2 of \1", found)

    return both


def spoken_form(text: str) -> str:
    """``text`` as the voice is given it: numbers, dates, money and fractions in words."""
    return speak(text)
