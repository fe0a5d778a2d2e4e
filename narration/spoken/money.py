"""Money: "£2.3bn", "$3.5m", "€15", "30p", "£2.50", "£1.1 billion", "£2–3bn"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narration.spoken.rules import Rule, Style, pad, qualifies_noun
from narration.spoken.words import NUMBER, cardinal, is_one, number


@dataclass(frozen=True)
class Currency:
    """How a currency is named: major unit (one, many) and minor unit (one, many)."""

    one: str
    many: str
    minor_one: str
    minor_many: str


CURRENCIES: dict[str, Currency] = {
    "£": Currency("pound", "pounds", "penny", "pence"),
    "$": Currency("dollar", "dollars", "cent", "cents"),
    "€": Currency("euro", "euros", "cent", "cents"),
    "¥": Currency("yen", "yen", "sen", "sen"),
}

SCALES: dict[str, str] = {
    "k": "thousand",
    "m": "million",
    "mn": "million",
    "bn": "billion",
    "b": "billion",
    "tn": "trillion",
    "trn": "trillion",
    "thousand": "thousand",
    "million": "million",
    "billion": "billion",
    "trillion": "trillion",
}

DOLLAR_COUNTRIES: dict[str, str] = {
    "US": "US",
    "A": "Australian",
    "C": "Canadian",
    "NZ": "New Zealand",
    "HK": "Hong Kong",
}
"""Prefixes that say whose dollars: "US$5" -> "five US dollars"."""

_SYMBOL = "[" + "".join(CURRENCIES) + "]"
_SCALE = r"(?:\s?(?P<abbr>k|mn|m|bn|b|tn|trn)|\s(?P<word>thousand|million|billion|trillion))\b"
_COUNTRY = rf"(?:(?P<country>{'|'.join(DOLLAR_COUNTRIES)})(?=\$))?"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?P<sign>[-−]?){_COUNTRY}(?P<cur>{_SYMBOL})\s?(?P<a>{NUMBER})"
    rf"(?:\s?(?:[–—-]|to)\s?(?P=cur)?(?P<b>{NUMBER}))?"
    rf"(?:{_SCALE})?(?![\d]|[.,]\d)"
)


def _major(amount: str, currency: Currency) -> str:
    return currency.one if is_one(amount) else currency.many


def _with_minor(amount: str, currency: Currency, style: Style) -> str:
    """Pounds and pence: "2.50" -> "two pounds fifty"; "0.50" -> "fifty pence"."""
    whole_text, minor_text = amount.replace(",", "").split(".")
    whole, minor = int(whole_text), int(minor_text.ljust(2, "0"))
    minor_words = cardinal(minor, style)
    minor_unit = currency.minor_one if minor == 1 else currency.minor_many
    if whole == 0:
        return f"{minor_words} {minor_unit}"
    major = f"{cardinal(whole, style)} {currency.one if whole == 1 else currency.many}"
    if minor == 0:
        return major
    # Pence are left unsaid in UK speech ("two pounds fifty"); cents are said in US speech.
    if currency.minor_many == "pence" or style == "uk":
        return f"{major} {minor_words}"
    return f"{major} and {minor_words} {minor_unit}"


def _render(match: re.Match[str], style: Style) -> str:
    currency = CURRENCIES[match["cur"]]
    if match["country"]:
        country = DOLLAR_COUNTRIES[match["country"]]
        currency = Currency(f"{country} dollar", f"{country} dollars", "cent", "cents")
    if qualifies_noun(match):
        # Said like "a five-pound note": the unit stays singular.
        currency = Currency(currency.one, currency.one, currency.minor_one, currency.minor_many)
    first, second = match["a"], match["b"]
    sign = "minus " if match["sign"] else ""
    scale_key = match["abbr"] or match["word"]
    if scale_key:
        scale = SCALES[scale_key]
        amount = number(first, style)
        if second:
            amount = f"{amount} to {number(second, style)}"
        return pad(match, f"{sign}{amount} {scale} {currency.many}")
    if second:
        last = number(second, style)
        return pad(match, f"{sign}{number(first, style)} to {last} {_major(second, currency)}")
    if re.fullmatch(r"[\d,]+\.\d{1,2}", first):
        return pad(match, sign + _with_minor(first, currency, style))
    return pad(match, f"{sign}{number(first, style)} {_major(first, currency)}")


def _pence(match: re.Match[str], style: Style) -> str:
    amount = match["n"]
    if match["unit"] == "¢":
        unit = "cent" if is_one(amount) else "cents"
    else:
        unit = "penny" if is_one(amount) else "pence"
    return pad(match, f"{number(amount, style)} {unit}")


def _count(match: re.Match[str], style: Style) -> str:
    return pad(match, f"{number(match['n'], style)} {SCALES[match['scale']]}")


RULES: tuple[Rule, ...] = (
    Rule("amount", _AMOUNT, _render),
    # Counts without a currency: "2bn", "1tn". "1.5m" and "100m" are left to the units,
    # which tell millions from metres by the word after.
    Rule("count", re.compile(rf"(?<![\w.,])(?P<n>{NUMBER})(?P<scale>bn|tn)(?!\w)"), _count),
    # "30p", "6p a day"; "50¢". A bare "50c" is left alone: it is as often a temperature.
    Rule("minor", re.compile(rf"(?<![\w.,])(?P<n>{NUMBER})(?P<unit>p|¢)(?!\w)"), _pence),
)
