"""Units after numbers: "2,700 kWh", "50 km/h", "70mph", "−5°C", "64GB", "3 tonnes"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narration.spoken.rules import Rule, Style, counts_things, pad, qualifies_noun
from narration.spoken.words import NUMBER, is_one, number


@dataclass(frozen=True)
class Unit:
    """A unit's spoken name, singular and plural, with a US spelling where it differs."""

    one: str
    many: str
    us_one: str | None = None
    us_many: str | None = None

    def name(self, singular: bool, style: Style) -> str:
        """The name to say after an amount."""
        if style == "us" and self.us_one and self.us_many:
            return self.us_one if singular else self.us_many
        return self.one if singular else self.many


def _metric(prefix: str, base: str, us_base: str) -> Unit:
    return Unit(f"{prefix}{base}", f"{prefix}{base}s", f"{prefix}{us_base}", f"{prefix}{us_base}s")


UNITS: dict[str, Unit] = {
    "kWh": Unit("kilowatt hour", "kilowatt hours"),
    "MWh": Unit("megawatt hour", "megawatt hours"),
    "GWh": Unit("gigawatt hour", "gigawatt hours"),
    "TWh": Unit("terawatt hour", "terawatt hours"),
    "kW": Unit("kilowatt", "kilowatts"),
    "MW": Unit("megawatt", "megawatts"),
    "GW": Unit("gigawatt", "gigawatts"),
    "km/h": Unit(
        "kilometre per hour", "kilometres per hour", "kilometer per hour", "kilometers per hour"
    ),
    "kph": Unit(
        "kilometre per hour", "kilometres per hour", "kilometer per hour", "kilometers per hour"
    ),
    "mph": Unit("mile per hour", "miles per hour"),
    "km²": _metric("square kilo", "metre", "meter"),
    "sq km": _metric("square kilo", "metre", "meter"),
    "km": _metric("kilo", "metre", "meter"),
    "cm": _metric("centi", "metre", "meter"),
    "mm": _metric("milli", "metre", "meter"),
    "kg": Unit("kilogram", "kilograms"),
    "mg": Unit("milligram", "milligrams"),
    "g": Unit("gram", "grams"),
    "ml": _metric("milli", "litre", "liter"),
    "lb": Unit("pound", "pounds"),
    "lbs": Unit("pound", "pounds"),
    "oz": Unit("ounce", "ounces"),
    "ft": Unit("foot", "feet"),
    "°C": Unit("degree Celsius", "degrees Celsius"),
    "°F": Unit("degree Fahrenheit", "degrees Fahrenheit"),
    "°": Unit("degree", "degrees"),
    "TB": Unit("terabyte", "terabytes"),
    "GB": Unit("gigabyte", "gigabytes"),
    "MB": Unit("megabyte", "megabytes"),
    "GHz": Unit("gigahertz", "gigahertz"),
    "MHz": Unit("megahertz", "megahertz"),
    "t": Unit("tonne", "tonnes", "metric ton", "metric tons"),
    "tonnes": Unit("tonne", "tonnes", "metric ton", "metric tons"),
}

# Longest first, so "km/h" wins over "km" and "°C" over "°".
_NAMES = "|".join(re.escape(name) for name in sorted(UNITS, key=len, reverse=True))
_PATTERN = re.compile(
    rf"(?<![\w.,])(?P<sign>[-−]?)(?P<a>{NUMBER})(?:\s?[–—-]\s?(?P<b>{NUMBER}))?"
    rf"\s?(?P<unit>{_NAMES})(?![\w²/])"
)


def _render(match: re.Match[str], style: Style) -> str:
    amount = match["b"] or match["a"]
    spoken = number(match["sign"] + match["a"], style)
    if match["b"]:
        spoken = f"{spoken} to {number(match['b'], style)}"
    singular = (is_one(amount) and not match["sign"]) or qualifies_noun(match)
    unit = UNITS[match["unit"]].name(singular, style)
    return pad(match, f"{spoken} {unit}")


MILLION_WORDS: frozenset[str] = frozenset(
    {"pounds", "dollars", "euros", "barrels", "tonnes", "a", "per", "in", "of", "from", "on",
     "more", "extra", "worth", "year", "each"}
)  # fmt: skip
"""Words after "100m" that make it a count of millions ("100m a year")."""

METRE_WORDS: frozenset[str] = frozenset(
    {"sprint", "race", "dash", "hurdles", "freestyle", "butterfly", "backstroke",
     "breaststroke", "relay", "medley", "final", "finals", "title", "record", "deep", "high",
     "long", "tall", "wide", "away", "below", "above", "under", "metres", "meters"}
)  # fmt: skip
"""Words after "100m" that make it a length ("the 100m sprint", "30m tall")."""

_METRE = Unit("metre", "metres", "meter", "meters")


def _metres_or_millions(match: re.Match[str], style: Style) -> str:
    amount = match["a"]
    spoken = number(match["sign"] + amount, style)
    after = re.match(r"\s+([a-z]+)", match.string[match.end() :])
    word = after[1] if after else ""
    decimal = "." in amount
    if word not in METRE_WORDS and (counts_things(match) or word in MILLION_WORDS or decimal):
        return pad(match, f"{spoken} million")
    # "the 100m sprint", "a 30m-long wall": an adjective keeps the unit singular.
    singular = is_one(amount) or qualifies_noun(match) or match.string[match.end() :][:1] == "-"
    return pad(match, f"{spoken} {_METRE.name(singular, style)}")


RULES: tuple[Rule, ...] = (
    Rule("unit", _PATTERN, _render),
    # "100m": millions before people or pounds, metres in a race or a height.
    Rule(
        "metres-or-millions",
        re.compile(rf"(?<![\w.,])(?P<sign>[-−]?)(?P<a>{NUMBER})\s?m(?![\w²/])"),
        _metres_or_millions,
    ),
)
