"""Rates: the "/unit" after an amount. "$20/mo", "£10/wk", "45 km/h", "12 kg/m²", "12/kg".

Money and units take an optional `PER` suffix and say it with `per_words`: money "a
month", "an hour" (as a price is said), units "per hour", "per square metre". A bare
number before a unit ("12/kg") is read here, after money and units have had their turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.words import NUMBER, number


@dataclass(frozen=True)
class Per:
    """What follows "per" or "a": the unit's name (UK, US) and its article."""

    name: str
    us_name: str | None = None
    article: str = "a"

    def said(self, style: Style) -> str:
        return self.us_name if style == "us" and self.us_name else self.name


_HOUR = Per("hour", article="an")
_METRE = Per("metre", "meter")
_SQUARE_METRE = Per("square metre", "square meter")
_LITRE = Per("litre", "liter")

PER: dict[str, Per] = {
    "yr": Per("year"),
    "year": Per("year"),
    "annum": Per("year"),
    "mo": Per("month"),
    "month": Per("month"),
    "wk": Per("week"),
    "week": Per("week"),
    "day": Per("day"),
    "d": Per("day"),
    "night": Per("night"),
    "hr": _HOUR,
    "hour": _HOUR,
    "h": _HOUR,
    "min": Per("minute"),
    "sec": Per("second"),
    "s": Per("second"),
    "person": Per("person"),
    "head": Per("head"),
    "share": Per("share"),
    "barrel": Per("barrel"),
    "bbl": Per("barrel"),
    "kg": Per("kilogram"),
    "g": Per("gram"),
    "lb": Per("pound"),
    "oz": Per("ounce"),
    "t": Per("tonne", "metric ton"),
    "tonne": Per("tonne", "metric ton"),
    "km": Per("kilometre", "kilometer"),
    "mi": Per("mile"),
    "mile": Per("mile"),
    "m": _METRE,
    "m²": _SQUARE_METRE,
    "m2": _SQUARE_METRE,
    "sq m": _SQUARE_METRE,
    "sq ft": Per("square foot"),
    "ft²": Per("square foot"),
    "l": _LITRE,
    "L": _LITRE,
    "litre": _LITRE,
    "ml": Per("millilitre", "milliliter"),
    "mL": Per("millilitre", "milliliter"),
    "dl": Per("decilitre", "deciliter"),
    "dL": Per("decilitre", "deciliter"),
    "cc": Per("cubic centimetre", "cubic centimeter"),
    "m³": Per("cubic metre", "cubic meter"),
    "m3": Per("cubic metre", "cubic meter"),
    "cm": Per("centimetre", "centimeter"),
    "km²": Per("square kilometre", "square kilometer"),
    "ha": Per("hectare"),
    "acre": Per("acre"),
    "capita": Per("capita", article="per"),
    "gal": Per("gallon"),
    "kWh": Per("kilowatt hour"),
    "MWh": Per("megawatt hour"),
    "unit": Per("unit"),
}
"""Denominators after a slash, by their written form."""

PER_NAMES = "|".join(re.escape(name) for name in sorted(PER, key=len, reverse=True))
PER_SUFFIX = rf"(?:\s?/\s?(?P<per>{PER_NAMES})(?![\w²/]))"
"""An optional "/unit" after an amount, as other families' patterns write it."""


def per_words(match: re.Match[str], style: Style, *, priced: bool) -> str:
    """ " a month" for a price, " per month" for a measure; empty without a "/unit"."""
    name = match.groupdict().get("per")
    if not name:
        return ""
    per = PER[name]
    return f" {per.article if priced else 'per'} {per.said(style)}"


def _bare(match: re.Match[str], style: Style) -> str:
    return pad(match, number(match["n"], style) + per_words(match, style, priced=False))


RULES: tuple[Rule, ...] = (
    # "12/kg": a plain number per unit. Only unit names are taken, so "1/3" and "24/7"
    # stay fractions and names.
    Rule(
        "bare-rate",
        re.compile(rf"(?<![\w.,/])(?P<n>{NUMBER})\s?/\s?(?P<per>{PER_NAMES})(?![\w²/])"),
        _bare,
    ),
)
