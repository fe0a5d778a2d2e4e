"""The spoken form of text: numbers, money, dates and abbreviations written out in words.

`speak` applies the rule families in a fixed order. Earlier families see the most
specific shapes first, so later, more general ones never take a piece of them:

1. URLs and e-mail addresses (their dots are not sentence stops or decimals)
1a. telephone numbers ("(202) 555-0143", "020 7946 0018"), digit by digit
2. abbreviations ("Dr.", "St.", "e.g.", "U.S.")
3. quarters and fiscal years ("Q3 2024", "2Q22", "FY2025")
3a. comparisons before an amount ("<5", "≥18")
4. money ("£2.3bn", "30p", "$20/mo", "¥30B", "CHF 20")
5. percentages ("8%")
6. durations and race times ("2:03:45", "3:43.13")
7. units ("2,700 kWh", "12KG", "20 m²", "12 kg/m²", "2x8 m", "4 1/2 lbs")
8. times ("6am", "18:30", "01:00", "10 p.m. EST")
9. dates and years ("27 Nov 2025", "JAN 15 2020", "11/17/05", "2020–21", "mid-80s", "1066")
10. fractions ("1/2", "2 1/2", "31/32", "1/4th", "½", "9/11")
11. ordinals ("21st")
12. rates after a bare number ("12/kg")
13. symbols ("&", "#1", "4.4x", "2^10")
13a. slashes with a meaning ("and/or", "n/a", "km/h" without an amount, "copy/move")
14. plain numbers ("5,385", "3.5", ".5", "−15", "3–5", "3-5 hours")
15. regnal and war numerals ("Charles III", "World War II", "PART XL")
16. acronyms, by their lexicon: "NATO" said as a word, "BBC" spelled "B-B-C"
17. marks no rule gave a meaning ("|", "*", "_", a path's "/"): dropped or made a pause,
    so that no mark is read by its name (`marks.unread` says which may not stay)

Each family module exposes a tuple `RULES`; adding a rule is adding one entry.
"""

from __future__ import annotations

import re

from narration.prepare.spoken import (
    abbreviations,
    acronyms,
    dates,
    durations,
    fractions,
    marks,
    money,
    numbers,
    ordinals,
    percent,
    phones,
    quarters,
    rates,
    roman,
    slashes,
    symbols,
    times,
    units,
    urls,
)
from narration.prepare.spoken.rules import Rule, Style, apply_rules

__all__ = ["FAMILIES", "Rule", "Style", "quiet", "speak", "unread"]

quiet = marks.quiet
unread = marks.unread

FAMILIES: tuple[tuple[Rule, ...], ...] = (
    urls.RULES,
    phones.RULES,
    abbreviations.RULES,
    quarters.RULES,
    symbols.COMPARISONS,
    money.RULES,
    percent.RULES,
    durations.RULES,
    units.RULES,
    times.RULES,
    dates.RULES,
    fractions.RULES,
    ordinals.RULES,
    rates.RULES,
    symbols.RULES,
    slashes.RULES,
    numbers.RULES,
    roman.RULES,
    acronyms.RULES,
    marks.RULES,
)

NEED_A_NUMERAL: frozenset[tuple[Rule, ...]] = frozenset({
    phones.RULES, quarters.RULES, symbols.COMPARISONS, money.RULES, percent.RULES,
    durations.RULES, units.RULES, times.RULES, fractions.RULES, ordinals.RULES, rates.RULES,
    numbers.RULES,
})  # fmt: skip
"""Families none of whose rules can match text without a numeral: skipped for such text,
which is most sentences (each family is a regular-expression pass per rule)."""
_NUMERAL = re.compile(r"[\d\u00bc-\u00be\u2150-\u215e]")

_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_STOP = re.compile(r"(?<=\w) +(?=[,.;:?!](?:\s|$))")


def speak(text: str, style: Style = "uk") -> str:
    """The spoken form of `text` in the given house style."""
    spoken = text
    for family in FAMILIES:
        if family in NEED_A_NUMERAL and not _NUMERAL.search(spoken):
            continue
        spoken = apply_rules(spoken, family, style)
    if spoken == text:
        return text
    spoken = _SPACES.sub(" ", spoken)
    return _SPACE_BEFORE_STOP.sub("", spoken).strip()
