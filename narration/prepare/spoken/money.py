"""Money: "£2.3bn", "$3.5m", "€15", "30p", "£2.50", "£2m-£3m", "¥30B", "CHF 20", "$20/mo"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from narration.prepare.spoken.rates import PER_SUFFIX, per_words
from narration.prepare.spoken.rules import Rule, Style, pad, qualifies_noun
from narration.prepare.spoken.words import DECIMAL, NUMBER, cardinal, is_one, number


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
    "₩": Currency("won", "won", "jeon", "jeon"),
    "₹": Currency("rupee", "rupees", "paisa", "paise"),
    "₽": Currency("rouble", "roubles", "kopek", "kopeks"),
    "₺": Currency("lira", "lira", "kurus", "kurus"),
    "₦": Currency("naira", "naira", "kobo", "kobo"),
    "₱": Currency("peso", "pesos", "centavo", "centavos"),
}

US_NAMES: dict[str, str] = {"rouble": "ruble", "roubles": "rubles"}
"""US spellings of currency names."""

CODES: dict[str, Currency] = {
    "USD": Currency("US dollar", "US dollars", "cent", "cents"),
    "EUR": CURRENCIES["€"],
    "GBP": CURRENCIES["£"],
    "JPY": CURRENCIES["¥"],
    "CHF": Currency("Swiss franc", "Swiss francs", "centime", "centimes"),
    "CNY": Currency("yuan", "yuan", "fen", "fen"),
    "RMB": Currency("yuan", "yuan", "fen", "fen"),
    "INR": CURRENCIES["₹"],
    "Rs": CURRENCIES["₹"],
    "AUD": Currency("Australian dollar", "Australian dollars", "cent", "cents"),
    "CAD": Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "HKD": Currency("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "KRW": CURRENCIES["₩"],
    "SEK": Currency("Swedish krona", "Swedish kronor", "öre", "öre"),
    "NOK": Currency("Norwegian krone", "Norwegian kroner", "øre", "øre"),
    "ZAR": Currency("rand", "rand", "cent", "cents"),
}
"""Currency codes written before an amount: "CHF 20", "USD 5bn", "Rs 500"."""

SCALES: dict[str, str] = {
    "k": "thousand",
    "m": "million",
    "mn": "million",
    "bn": "billion",
    "b": "billion",
    "tn": "trillion",
    "trn": "trillion",
    "t": "trillion",
    "thousand": "thousand",
    "million": "million",
    "billion": "billion",
    "trillion": "trillion",
    "crore": "crore",
    "lakh": "lakh",
}

DOLLAR_COUNTRIES: dict[str, str] = {
    "US": "US",
    "A": "Australian",
    "C": "Canadian",
    "NZ": "New Zealand",
    "HK": "Hong Kong",
    "S": "Singapore",
}
"""Prefixes that say whose dollars: "US$5" -> "five US dollars"."""

_SYMBOL = "[" + "".join(CURRENCIES) + "]"
_CODE = "|".join(CODES)
_ABBR = r"k|mn|m|bn|b|tn|trn|t|K|M|MN|B|BN|TN|T"
_WORD = r"[Tt]housand|[Mm]illion|[Bb]illion|[Tt]rillion|crore|lakh"


def _scale(n: int) -> str:
    return rf"(?:\s?(?P<abbr{n}>{_ABBR})|\s(?P<word{n}>{_WORD}))\b"


_COUNTRY = rf"(?:(?P<country>{'|'.join(DOLLAR_COUNTRIES)})(?=\$))?"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?P<sign>[-−]?)(?:{_COUNTRY}(?P<cur>{_SYMBOL})|(?P<code>{_CODE})\.?\s?(?=[\d.]))"
    rf"\s?(?P<a>{DECIMAL})(?:{_scale(1)})?"
    rf"(?:\s?(?:[–—-]|to)\s?(?:(?P=cur)|(?P=code)\s?)?(?P<b>{DECIMAL})(?:{_scale(2)})?)?"
    rf"{PER_SUFFIX}?(?![\d]|[.,]\d)"
)


def _major(amount: str, currency: Currency) -> str:
    return currency.one if is_one(amount) else currency.many


def _cents(amount: str) -> tuple[int, int] | None:
    """Whole and minor units of an amount written with one or two decimals ("2.50", "$.01").

    Zeros after the second decimal do not count ("20.500"); other amounts are None.
    """
    found = re.fullmatch(r"([\d,]*)\.(\d{1,2})0*", amount)
    if not found:
        return None
    return int(found[1].replace(",", "") or 0), int(found[2].ljust(2, "0"))


def _with_minor(whole: int, minor: int, currency: Currency, style: Style) -> str:
    """Pounds and pence: "2.50" -> "two pounds fifty"; "0.50" -> "fifty pence"."""
    minor_words = cardinal(minor, style)
    minor_unit = currency.minor_one if minor == 1 else currency.minor_many
    if whole == 0:
        return f"{minor_words} {minor_unit}"
    major = f"{cardinal(whole, style)} {currency.one if whole == 1 else currency.many}"
    if minor == 0:
        return major
    # Minor units are left unsaid in UK speech ("two pounds fifty"); US speech says them.
    if style == "uk":
        return f"{major} {minor_words}"
    return f"{major} and {minor_words} {minor_unit}"


def _said(amount: str, currency: Currency, style: Style) -> str:
    """One amount with its currency: "2.50" -> "two pounds fifty", "5" -> "five pounds"."""
    cents = _cents(amount)
    if cents:
        return _with_minor(*cents, currency, style)
    return f"{number(amount, style)} {_major(amount, currency)}"


def _currency(match: re.Match[str], style: Style) -> Currency:
    currency = CODES[match["code"]] if match["code"] else CURRENCIES[match["cur"]]
    if match["country"]:
        country = DOLLAR_COUNTRIES[match["country"]]
        currency = Currency(f"{country} dollar", f"{country} dollars", "cent", "cents")
    if style == "us":
        currency = Currency(
            US_NAMES.get(currency.one, currency.one),
            US_NAMES.get(currency.many, currency.many),
            currency.minor_one,
            currency.minor_many,
        )
    if qualifies_noun(match):
        # Said like "a five-pound note": the unit stays singular.
        currency = Currency(currency.one, currency.one, currency.minor_one, currency.minor_many)
    return currency


def _render(match: re.Match[str], style: Style) -> str:
    currency = _currency(match, style)
    first, second = match["a"], match["b"]
    sign = "minus " if match["sign"] else ""
    per = per_words(match, style, priced=True)
    scales = [match[f"abbr{n}"] or match[f"word{n}"] for n in (1, 2)]
    if any(scales):
        first_scale, last_scale = (SCALES[s.lower()] if s else "" for s in scales)
        amount = number(first, style)
        if second:
            if first_scale and first_scale != (last_scale or first_scale):
                amount = f"{amount} {first_scale}"
            amount = f"{amount} to {number(second, style)}"
        return pad(match, f"{sign}{amount} {last_scale or first_scale} {currency.many}{per}")
    if second:
        if _cents(first) or _cents(second):
            # "$150.25-$250.67": each end said in full.
            spoken = f"{_said(first, currency, style)} to {_said(second, currency, style)}"
            return pad(match, f"{sign}{spoken}{per}")
        last = number(second, style)
        spoken = f"{number(first, style)} to {last} {_major(second, currency)}"
        return pad(match, f"{sign}{spoken}{per}")
    return pad(match, f"{sign}{_said(first, currency, style)}{per}")


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
