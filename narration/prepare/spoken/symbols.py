"""Symbols: "&", "R&D", "+", "C++", "#1", "@handle", "~5", "=", "2^10", "3*4", "f*ck".

Fractions and "24/7" are read by the fractions family."""

from __future__ import annotations

import re

from narration.prepare.spoken.rules import Render, Rule, Style, pad


def said(spoken: str) -> Render:
    """A render function that says `spoken` in place of the match."""

    def render(match: re.Match[str], style: Style) -> str:
        return pad(match, spoken)

    return render


def _letter_pair(match: re.Match[str], style: Style) -> str:
    # "A&E" -> "A-and-E": joined, the voice says each capital as a letter, even "A".
    return pad(match, "-and-".join("-".join(side) for side in (match["a"], match["b"])))


def _plus_plus(match: re.Match[str], style: Style) -> str:
    return pad(match, f"{match['l']} plus plus")


RULES: tuple[Rule, ...] = (
    Rule(
        "letter-pair",
        re.compile(r"(?<![\w&])(?P<a>[A-Z]{1,3})\s?&\s?(?P<b>[A-Z]{1,3})(?![\w&])"),
        _letter_pair,
    ),
    Rule("ampersand", re.compile(r"\s*&\s*"), said(" and ")),
    # "18+" and "+5"; a "+" away from digits is left for the voice.
    Rule("c-plus-plus", re.compile(r"\b(?P<l>[CG])\+\+(?!\w)"), _plus_plus),
    Rule("plus", re.compile(r"(?<=\d)\s?\+|\+(?=\d)"), said(" plus ")),
    Rule("number-sign", re.compile(r"#(?=\d)"), said("number ")),
    Rule("hashtag", re.compile(r"(?<![\w&#])#(?=[A-Za-z])"), said("hashtag ")),
    # A handle: "@bbcnews" -> "at bbcnews" (e-mail addresses were read before).
    Rule("handle", re.compile(r"(?<![\w.])@(?=\w)"), said("at ")),
    Rule("about", re.compile(r"(?<![\w~])~\s?(?=\d)"), said("about ")),
    # "4.4x earnings", "a 10x return": a multiple. "2x8" was read by the units before.
    Rule("times", re.compile(r"(?<=\d)\s?[x×](?![\w\d])"), said(" times")),
    Rule("plus-or-minus", re.compile(r"\s?±\s?"), said(" plus or minus ")),
    Rule("equals", re.compile(r"(?<=\s)=(?=\s)"), said("equals")),
    # A word bleeped in print is bleeped aloud: "f*ck", "sh*t", "f**k".
    Rule("bleeped", re.compile(r"(?<![\w*])[A-Za-z]+\*+[a-z]+\b"), said("bleep")),
    # Arithmetic between numbers: "2^10", "3*4", "3 * 4".
    Rule("power", re.compile(r"(?<=\d)\s?\^\s?(?=[-−]?\d)"), said(" to the power of ")),
    Rule("star-times", re.compile(r"(?<=\d)\s?\*\s?(?=\d)"), said(" times ")),
)

_AMOUNT_AHEAD = r"(?=[-−]?(?:[$£€¥]|\.?\d))"

COMPARISONS: tuple[Rule, ...] = (
    Rule("less-than", re.compile(rf"(?<![\w<>=-])<\s?{_AMOUNT_AHEAD}"), said("less than ")),
    Rule("more-than", re.compile(rf"(?<![\w<>=-])>\s?{_AMOUNT_AHEAD}"), said("more than ")),
    Rule("at-least", re.compile(rf"≥\s?{_AMOUNT_AHEAD}"), said("at least ")),
    Rule("at-most", re.compile(rf"≤\s?{_AMOUNT_AHEAD}"), said("at most ")),
)
"""Comparisons before an amount: "<5", "> 100 km", "≥18", "≤ £5". They are read before
money and units, which would leave no digit after them."""
