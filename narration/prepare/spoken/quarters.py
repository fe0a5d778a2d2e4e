"""Quarters, halves and fiscal years: "Q3 2024", "2Q22", "in Q1", "H1 2025", "FY2025", "FY24/25".

A bare "Q3" is read as a quarter only where the words before show a period ("in Q3", "the
Q3 figures"); "the Audi Q3" keeps its name. "H1" needs a year for the same reason ("H1N1",
"H1 visa").
"""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import DETERMINERS, Rule, Style, pad
from narration.prepare.spoken.words import ordinal, short_year

PERIOD_LEADS: frozenset[str] = frozenset(
    {"in", "during", "for", "by", "until", "since", "from", "through", "over", "of", "last",
     "next", "this", "each", "every", "per"}
)  # fmt: skip
"""Words before a bare "Q3" that make it a quarter."""

PARTS: dict[str, str] = {"Q": "quarter", "H": "half"}


def _lead(match: re.Match[str]) -> str:
    before = re.search(r"([A-Za-z]+)\s+$", match.string[: match.start()])
    return before[1] if before else ""


def _period(match: re.Match[str], style: Style) -> str:
    kind = PARTS[match["kind"].upper()]
    lead = _lead(match)
    written_year = match["year"] or match["yy"]
    if not written_year and lead.lower() not in PERIOD_LEADS | DETERMINERS:
        return match.group(0)
    spoken = f"{ordinal(int(match['n']), style)} {kind}"
    if written_year:
        fiscal = "fiscal " if match["fy"] or match["fy2"] else ""
        spoken = f"{spoken} of {fiscal}{short_year(written_year, style)}"
    elif lead.lower() in DETERMINERS:
        # "the Q3 figures" -> "the third-quarter figures".
        return pad(match, spoken.replace(" ", "-"))
    if lead.lower() not in DETERMINERS:
        spoken = f"the {spoken}"
    return pad(match, spoken)


def _fiscal(match: re.Match[str], style: Style) -> str:
    spoken = f"fiscal year {short_year(match['y'], style)}"
    if match["y2"]:
        spoken = f"{spoken} to {short_year(match['y2'], style)}"
    return pad(match, spoken)


# A four-digit year may stand apart ("Q3 2024"); two digits join on ("2Q22", "Q1'24", "Q3 FY25").
_YEAR = (
    r"(?:\s?(?P<fy>FY\s?)?(?P<year>(?:19|20)\d\d)"
    r"|(?:\s?(?P<fy2>FY\s?)|['’]?)(?P<yy>\d\d))"
)

RULES: tuple[Rule, ...] = (
    # "Q3 2024", "Q3 FY25", "Q1'24", "in Q3".
    Rule(
        "quarter",
        re.compile(rf"(?<![\w.,-])(?P<kind>Q)(?P<n>[1-4]){_YEAR}?(?![\w%])"),
        _period,
    ),
    # "H1 2025", "H2'24": a half needs its year.
    Rule("half", re.compile(rf"(?<![\w.,-])(?P<kind>H)(?P<n>[12]){_YEAR}(?![\w%])"), _period),
    # "2Q22", "1H 2024": the number first.
    Rule(
        "number-first-quarter",
        re.compile(rf"(?<![\w.,-])(?P<n>[1-4])(?P<kind>[QH]){_YEAR}(?![\w%])"),
        _period,
    ),
    # "FY2025", "FY25", "FY 2024/25", "FY2024-25".
    Rule(
        "fiscal-year",
        re.compile(
            r"(?<![\w.,-])FY\s?(?P<y>(?:19|20)\d\d|\d\d)(?:[/–-](?P<y2>(?:19|20)\d\d|\d\d))?(?![\w%])"
        ),
        _fiscal,
    ),
)
