"""Symbols: "&", "R&D", "+", "C++", "24/7", "#1", "@handle", "~5", "½" and simple fractions."""

from __future__ import annotations

import re

from narration.spoken.rules import Render, Rule, Style, pad
from narration.spoken.words import cardinal, ordinal

VULGAR: dict[str, tuple[int, int]] = {
    "½": (1, 2),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅓": (1, 3),
    "⅔": (2, 3),
}


def _fraction_words(top: int, bottom: int, style: Style) -> str:
    if bottom == 2:
        name = "half" if top == 1 else "halves"
    elif bottom == 4:
        name = "quarter" if top == 1 else "quarters"
    else:
        name = ordinal(bottom, style) + ("" if top == 1 else "s")
    return f"{cardinal(top, style)} {name}"


def _vulgar(match: re.Match[str], style: Style) -> str:
    top, bottom = VULGAR[match["f"]]
    words = _fraction_words(top, bottom, style)
    if top == 1:
        words = "a " + words.split(" ", 1)[1]
    if match["n"]:
        return pad(match, f"{match['n']} and {words}")
    return pad(match, words)


def _fraction(match: re.Match[str], style: Style) -> str:
    return pad(match, _fraction_words(int(match["a"]), int(match["b"]), style))


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
    Rule("around-the-clock", re.compile(r"(?<![\w/])24/7(?![\w/])"), said("twenty-four seven")),
    # "1/2", "3/4"; bigger ones are more often dates or scores than fractions.
    Rule(
        "fraction",
        re.compile(r"(?<![\w/.,])(?P<a>[1-9])/(?P<b>[2-9]|10)(?![\w/]|[.,]\d)"),
        _fraction,
    ),
    Rule("vulgar-fraction", re.compile(rf"(?P<n>\d*)(?P<f>[{''.join(VULGAR)}])"), _vulgar),
    Rule("ampersand", re.compile(r"\s*&\s*"), said(" and ")),
    # "18+" and "+5"; a "+" away from digits is left for the voice.
    Rule("c-plus-plus", re.compile(r"\b(?P<l>[CG])\+\+(?!\w)"), _plus_plus),
    Rule("plus", re.compile(r"(?<=\d)\s?\+|\+(?=\d)"), said(" plus ")),
    Rule("number-sign", re.compile(r"#(?=\d)"), said("number ")),
    Rule("hashtag", re.compile(r"(?<![\w&#])#(?=[A-Za-z])"), said("hashtag ")),
    # A handle: "@bbcnews" -> "at bbcnews" (e-mail addresses were read before).
    Rule("handle", re.compile(r"(?<![\w.])@(?=\w)"), said("at ")),
    Rule("about", re.compile(r"(?<![\w~])~\s?(?=\d)"), said("about ")),
    Rule("equals", re.compile(r"(?<=\s)=(?=\s)"), said("equals")),
)
