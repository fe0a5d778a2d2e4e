"""Units after numbers: "2,700 kWh", "50 km/h", "70MPH", "−5°C", "64GB", "20 m²", "2x8 m".

A "/unit" makes a rate ("12 kg/m²"); a mixed fraction an amount ("4 1/2 lbs")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narration.prepare.spoken.fractions import AMOUNT as FRACTION_AMOUNT
from narration.prepare.spoken.fractions import amount_words
from narration.prepare.spoken.rates import PER_SUFFIX, per_words
from narration.prepare.spoken.rules import Rule, Style, counts_things, pad, qualifies_noun
from narration.prepare.spoken.words import DECIMAL, NUMBER, is_one, number


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


_HOURLY = Unit(
    "kilometre per hour", "kilometres per hour", "kilometer per hour", "kilometers per hour"
)
_METRE = _metric("", "metre", "meter")
_SQUARE_METRE = _metric("square ", "metre", "meter")
_CUBIC_METRE = _metric("cubic ", "metre", "meter")
_SQUARE_FOOT = Unit("square foot", "square feet")
_SQUARE_KILOMETRE = _metric("square kilo", "metre", "meter")
_LITRE = _metric("", "litre", "liter")
_CUBIC_CENTIMETRE = _metric("cubic centi", "metre", "meter")
_MILLILITRE = _metric("milli", "litre", "liter")

UNITS: dict[str, Unit] = {
    "kWh": Unit("kilowatt hour", "kilowatt hours"),
    "MWh": Unit("megawatt hour", "megawatt hours"),
    "GWh": Unit("gigawatt hour", "gigawatt hours"),
    "TWh": Unit("terawatt hour", "terawatt hours"),
    "kW": Unit("kilowatt", "kilowatts"),
    "MW": Unit("megawatt", "megawatts"),
    "GW": Unit("gigawatt", "gigawatts"),
    "kV": Unit("kilovolt", "kilovolts"),
    "km/h": _HOURLY,
    "kph": _HOURLY,
    "kmh": _HOURLY,
    "mph": Unit("mile per hour", "miles per hour"),
    "km²": _SQUARE_KILOMETRE,
    "km2": _SQUARE_KILOMETRE,
    "sq km": _SQUARE_KILOMETRE,
    "km³": _metric("cubic kilo", "metre", "meter"),
    "m²": _SQUARE_METRE,
    "m2": _SQUARE_METRE,
    "sq m": _SQUARE_METRE,
    "m³": _CUBIC_METRE,
    "m3": _CUBIC_METRE,
    "cm²": _metric("square centi", "metre", "meter"),
    "cm³": _CUBIC_CENTIMETRE,
    "cc": _CUBIC_CENTIMETRE,
    "ft²": _SQUARE_FOOT,
    "sq ft": _SQUARE_FOOT,
    "sq mi": Unit("square mile", "square miles"),
    "ha": Unit("hectare", "hectares"),
    "km": _metric("kilo", "metre", "meter"),
    "cm": _metric("centi", "metre", "meter"),
    "mm": _metric("milli", "metre", "meter"),
    "mi": Unit("mile", "miles"),
    "yd": Unit("yard", "yards"),
    "yds": Unit("yard", "yards"),
    "kg": Unit("kilogram", "kilograms"),
    "kgs": Unit("kilogram", "kilograms"),
    "mg": Unit("milligram", "milligrams"),
    "mcg": Unit("microgram", "micrograms"),
    "µg": Unit("microgram", "micrograms"),
    "g": Unit("gram", "grams"),
    "ml": _MILLILITRE,
    "mL": _MILLILITRE,
    "dL": _metric("deci", "litre", "liter"),
    "mmol": Unit("millimole", "millimoles"),
    "l": _LITRE,
    "L": _LITRE,
    "gal": Unit("gallon", "gallons"),
    "lb": Unit("pound", "pounds"),
    "lbs": Unit("pound", "pounds"),
    "oz": Unit("ounce", "ounces"),
    "ft": Unit("foot", "feet"),
    "°C": Unit("degree Celsius", "degrees Celsius"),
    "°F": Unit("degree Fahrenheit", "degrees Fahrenheit"),
    "°": Unit("degree", "degrees"),
    "º": Unit("degree", "degrees"),
    "TB": Unit("terabyte", "terabytes"),
    "GB": Unit("gigabyte", "gigabytes"),
    "MB": Unit("megabyte", "megabytes"),
    "kB": Unit("kilobyte", "kilobytes"),
    "Gbps": Unit("gigabit per second", "gigabits per second"),
    "Mbps": Unit("megabit per second", "megabits per second"),
    "kbps": Unit("kilobit per second", "kilobits per second"),
    "GHz": Unit("gigahertz", "gigahertz"),
    "MHz": Unit("megahertz", "megahertz"),
    "kHz": Unit("kilohertz", "kilohertz"),
    "Hz": Unit("hertz", "hertz"),
    "ppm": Unit("part per million", "parts per million"),
    "t": Unit("tonne", "tonnes", "metric ton", "metric tons"),
    "tonnes": Unit("tonne", "tonnes", "metric ton", "metric tons"),
    "ms": Unit("millisecond", "milliseconds"),
    "sec": Unit("second", "seconds"),
    "secs": Unit("second", "seconds"),
    "min": Unit("minute", "minutes"),
    "mins": Unit("minute", "minutes"),
    "hr": Unit("hour", "hours"),
    "hrs": Unit("hour", "hours"),
    "wk": Unit("week", "weeks"),
    "wks": Unit("week", "weeks"),
    "mo": Unit("month", "months"),
    "mos": Unit("month", "months"),
    "yr": Unit("year", "years"),
    "yrs": Unit("year", "years"),
}

UNCASED: frozenset[str] = frozenset(
    {"km/h", "kph", "kmh", "mph", "km", "cm", "mm", "kg", "kgs", "mg", "ml", "lb", "lbs",
     "oz", "ft", "kWh", "Gbps", "Mbps", "kbps", "sq ft", "sq km", "sq m", "sq mi", "yd", "yds"}
)  # fmt: skip
"""Units read in any case ("12KG", "3 mbps", "70 MPH"); the others differ by case ("MW", "mW")."""

_BY_LOWER: dict[str, str] = {name.lower(): name for name in UNCASED}


def unit_named(written: str) -> Unit:
    """The unit written as `written`, in its own case or, for `UNCASED` units, any case."""
    return UNITS.get(written) or UNITS[_BY_LOWER[written.lower()]]


def _alternative(name: str) -> str:
    name_pattern = re.escape(name).replace(r"\ ", r"\s?")
    return f"(?i:{name_pattern})" if name in UNCASED else name_pattern


# Longest first, so "km/h" wins over "km" and "°C" over "°".
NAMES = "|".join(_alternative(name) for name in sorted(UNITS, key=len, reverse=True))
_AFTER = r"(?![\w²³/])"
_AMOUNT = rf"(?:{FRACTION_AMOUNT}|{DECIMAL})"
_PATTERN = re.compile(
    rf"(?<![\w.,/])(?P<sign>[-−]?)(?P<a>{_AMOUNT})(?:\s?[–—-]\s?(?P<b>{_AMOUNT}))?"
    rf"(?:\s(?P<scale>thousand|million|billion))?\s?(?P<unit>{NAMES}){PER_SUFFIX}?{_AFTER}"
)
_DIMENSIONS = re.compile(
    rf"(?<![\w.,/])(?P<dims>{DECIMAL}(?:\s?[x×]\s?{DECIMAL})+)"
    rf"(?:\s?(?P<unit>{NAMES}|m){PER_SUFFIX}?)?{_AFTER}"
)


def _amount(text: str, style: Style) -> str:
    if re.search(r"[/½¼¾⅓⅔⅕⅛⅜⅝⅞]", text):
        return amount_words(text, style)
    return number(text, style)


def _render(match: re.Match[str], style: Style) -> str:
    amount = match["b"] or match["a"]
    spoken = _amount(match["a"], style)
    if match["sign"]:
        spoken = f"minus {spoken}"
    if match["b"]:
        spoken = f"{spoken} to {_amount(match['b'], style)}"
    if match["scale"]:
        spoken = f"{spoken} {match['scale']}"
    fraction_only = re.fullmatch(r"[½¼¾⅓⅔⅕⅛⅜⅝⅞]", amount) is not None
    singular = (
        (is_one(amount) and not match["sign"] and not match["scale"])
        or fraction_only
        or qualifies_noun(match)
    )
    unit = unit_named(match["unit"]).name(singular, style)
    return pad(match, f"{spoken} {unit}{per_words(match, style, priced=False)}")


def _dimensions(match: re.Match[str], style: Style) -> str:
    """ "2x8 m" -> "two by eight metres", "4x4" -> "four by four"."""
    sides = re.split(r"\s?[x×]\s?", match["dims"])
    spoken = " by ".join(number(side, style) for side in sides)
    if match["unit"]:
        unit = _METRE if match["unit"] == "m" else unit_named(match["unit"])
        spoken = f"{spoken} {unit.name(qualifies_noun(match), style)}"
    return pad(match, spoken + per_words(match, style, priced=False))


def _seconds(match: re.Match[str], style: Style) -> str:
    return pad(match, f"{number(match['a'], style)} seconds")


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


def _metres_or_millions(match: re.Match[str], style: Style) -> str:
    amount = match["a"]
    spoken = number(match["sign"] + amount, style)
    after = re.match(r"\s+([a-z]+)", match.string[match.end() :])
    word = after[1] if after else ""
    decimal = "." in amount
    if match["per"]:
        # "3 m/s": a rate is in metres.
        return pad(
            match,
            f"{spoken} {_METRE.name(is_one(amount), style)}{per_words(match, style, priced=False)}",
        )
    if word not in METRE_WORDS and (counts_things(match) or word in MILLION_WORDS or decimal):
        return pad(match, f"{spoken} million")
    # "the 100m sprint", "a 30m-long wall": an adjective keeps the unit singular.
    singular = is_one(amount) or qualifies_noun(match) or match.string[match.end() :][:1] == "-"
    return pad(match, f"{spoken} {_METRE.name(singular, style)}")


RULES: tuple[Rule, ...] = (
    # "2x8 m", "25 x 7 m", "4x4": sides of a dimension.
    Rule("dimensions", _DIMENSIONS, _dimensions),
    Rule("unit", _PATTERN, _render),
    # "9.58s": a decimal before "s" is a time in seconds; "1990s" is a decade.
    Rule("decimal-seconds", re.compile(r"(?<![\w.,])(?P<a>\d+\.\d+)s\b"), _seconds),
    # "100m": millions before people or pounds, metres in a race or a height.
    Rule(
        "metres-or-millions",
        re.compile(rf"(?<![\w.,])(?P<sign>[-−]?)(?P<a>{NUMBER})\s?m{PER_SUFFIX}?(?![\w²/])"),
        _metres_or_millions,
    ),
)
