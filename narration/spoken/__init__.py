"""The spoken form of text: numbers, money, dates and abbreviations written out in words.

`speak` applies the rule families in a fixed order. Earlier families see the most
specific shapes first, so later, more general ones never take a piece of them:

1. URLs and e-mail addresses (their dots are not sentence stops or decimals)
2. abbreviations ("Dr.", "St.", "e.g.", "U.S.")
3. money ("£2.3bn", "30p")
4. percentages ("8%")
5. units ("2,700 kWh")
6. times ("6am", "18:30")
7. dates and years ("27 Nov 2025", "2020–21", "1990s", "1066")
8. ordinals ("21st")
9. symbols ("&", "24/7", "½")
10. plain numbers ("5,385", "3.5", "−15", "3–5", "3-5 hours")
11. regnal and war numerals ("Charles III", "World War II")
12. acronyms, by their lexicon: "NATO" said as a word, "BBC" spelled "B-B-C"

Each family module exposes a tuple `RULES`; adding a rule is adding one entry.
"""

from __future__ import annotations

import re

from narration.spoken import (
    abbreviations,
    acronyms,
    dates,
    money,
    numbers,
    ordinals,
    percent,
    roman,
    symbols,
    times,
    units,
    urls,
)
from narration.spoken.rules import Rule, Style, apply_rules

__all__ = ["FAMILIES", "Rule", "Style", "speak"]

FAMILIES: tuple[tuple[Rule, ...], ...] = (
    urls.RULES,
    abbreviations.RULES,
    money.RULES,
    percent.RULES,
    units.RULES,
    times.RULES,
    dates.RULES,
    ordinals.RULES,
    symbols.RULES,
    numbers.RULES,
    roman.RULES,
    acronyms.RULES,
)

_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_STOP = re.compile(r"(?<=\w) +(?=[,.;:?!](?:\s|$))")


def speak(text: str, style: Style = "uk") -> str:
    """The spoken form of `text` in the given house style."""
    spoken = text
    for family in FAMILIES:
        spoken = apply_rules(spoken, family, style)
    if spoken == text:
        return text
    spoken = _SPACES.sub(" ", spoken)
    return _SPACE_BEFORE_STOP.sub("", spoken).strip()
