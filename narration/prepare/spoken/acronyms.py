"""Acronyms: said as a word ("NATO", "Ofgem") or spelled as letters ("BBC" -> "B-B-C").

`WORDS` is the lexicon of capitalised tokens said as words; every other all-capital token
of two to five letters is spelled. Letters are joined by hyphens because the voice then
says each as a letter, even "A" (which it reads as the article when it stands alone).
"""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Rule, Style

WORDS: dict[str, str] = {
    # Organisations and programmes said as words.
    "NATO": "NATO", "NASA": "NASA", "UNESCO": "UNESCO", "UNICEF": "UNICEF", "OPEC": "OPEC",
    "FIFA": "FIFA", "UEFA": "UEFA", "ASEAN": "ASEAN", "NAFTA": "NAFTA", "ECO": "ECO",
    "OFGEM": "Ofgem", "OFSTED": "Ofsted", "OFCOM": "Ofcom", "OFWAT": "Ofwat", "DEFRA": "Defra",
    "CERN": "CERN", "IKEA": "IKEA", "ISIS": "ISIS", "SWAT": "SWAT", "NICE": "NICE",
    "ACAS": "Acas", "BAFTA": "Bafta", "SATS": "Sats", "GCSE": "G-C-S-E", "FTSE": "Footsie",
    "COVID": "COVID", "AIDS": "AIDS", "SARS": "SARS", "MERS": "MERS", "NIMBY": "nimby",
    "LASER": "laser", "RADAR": "radar", "SCUBA": "scuba", "PIN": "PIN", "SIM": "SIM",
    "GIF": "GIF", "JPEG": "J-peg", "LIV": "Liv", "WIFI": "wifi", "ISA": "ISA", "SEN": "S-E-N",
    # Ordinary words written in capitals for emphasis or in names.
    "OK": "OK", "NEW": "new", "NEWS": "news", "NOT": "not", "NO": "no", "YES": "yes",
    "ALL": "all", "NOW": "now", "WAR": "war", "MIX": "mix", "CIVIL": "civil", "LIVE": "live",
    "FREE": "free", "BIG": "big", "TOP": "top", "WATCH": "watch", "MUST": "must",
}  # fmt: skip
"""Capitalised tokens said as words, with the form the voice reads best."""

_TOKEN = re.compile(r"(?<![\w'’])(?P<word>[A-Z]{2,5})(?P<plural>s)?(?!\w)")
_CAPITAL_WORD = re.compile(r"\b[A-Z]{2,}\b")
_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def letters(token: str) -> str:
    """ "BBC" -> "B-B-C"."""
    return "-".join(token)


def shouting(text: str) -> bool:
    """Whether most words of `text` are capitals (a headline in capitals is not acronyms)."""
    capitals = len(_CAPITAL_WORD.findall(text))
    return capitals >= 3 and capitals * 2 > len(_WORD.findall(text))


def _render(match: re.Match[str], style: Style) -> str:
    word, plural = match["word"], match["plural"] or ""
    if shouting(match.string):
        return match.group(0)
    if word in WORDS:
        return WORDS[word] + plural
    # "MPs" -> "M-P's": with the apostrophe the voice says the plural and not an "S".
    return letters(word) + ("'s" if plural else "")


RULES: tuple[Rule, ...] = (Rule("acronym", _TOKEN, _render),)
