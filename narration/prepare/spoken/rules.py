"""Rule machinery: a rule is data (a name, a pattern and a render function)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

Style = Literal["uk", "us"]
"""House style: UK ("one hundred and five", "per cent") or US ("one hundred five", "percent")."""

Render = Callable[[re.Match[str], Style], str]


@dataclass(frozen=True)
class Rule:
    """One rewrite: every match of `pattern` is replaced by `render(match, style)`."""

    name: str
    pattern: re.Pattern[str]
    render: Render

    def apply(self, text: str, style: Style) -> str:
        """Rewrite every match of this rule in `text`."""
        return self.pattern.sub(lambda m: self.render(m, style), text)


def apply_rules(text: str, rules: Iterable[Rule], style: Style) -> str:
    """Apply `rules` in order, each to the output of the one before."""
    for rule in rules:
        text = rule.apply(text, style)
    return text


_CLOSING = "”\"’')]"


def keep_stop(match: re.Match[str], spoken: str, *, before_capital: bool = True) -> str:
    """Give back the full stop a match swallowed when it also ended the sentence.

    "etc." or "p.m." at the end of a sentence carry the sentence's full stop too. The
    stop is kept at the end of the text, before a closing quote or bracket, and (when
    `before_capital`) before a capitalised word; "U.S. Army" passes False.
    """
    if not match.group(0).endswith("."):
        return spoken
    rest = match.string[match.end() :]
    if not rest.strip() or rest[0] in _CLOSING:
        return spoken + "."
    if before_capital and re.match(r"\s+[A-Z“\"‘(]", rest):
        return spoken + "."
    return spoken


def pad(match: re.Match[str], spoken: str) -> str:
    """Put spaces around `spoken` where the match touched a letter or digit ("5G" -> "five G")."""
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else " "
    if before.isalnum():
        spoken = " " + spoken
    if after.isalnum():
        spoken = spoken + " "
    return spoken


DETERMINERS: frozenset[str] = frozenset({"a", "an", "the", "this", "that", "its", "their"})
NOT_NOUNS: frozenset[str] = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "of", "in", "on", "to", "for", "from", "by",
        "with", "at", "per", "each", "is", "was", "are", "were", "will", "would", "has",
        "had", "have", "that", "which", "who", "less", "more", "off", "back", "extra",
    }
)  # fmt: skip
"""Words after an amount that show it is not an adjective ("the £150 is paid")."""


def qualifies_noun(match: re.Match[str]) -> bool:
    """Whether an amount is used as an adjective: "the £150 cut", "a 4.5 km tunnel".

    Such amounts keep their unit singular ("a hundred and fifty pound cut"). The test is
    a determiner just before and a word just after that is not a function word.
    """
    text = match.string[: match.start()]
    before = re.search(r"(\w+)\s+$", text)
    if not (before and before[1].lower() in DETERMINERS):
        # One adjective may stand between: "its original £2.3bn budget".
        before = re.search(r"(\w+)\s+([a-z]+)\s+$", text)
        if not before or before[1].lower() not in DETERMINERS or before[2] in NOT_NOUNS:
            return False
    after = re.match(r"\s+([A-Za-z]+)", match.string[match.end() :])
    return after is not None and after[1].lower() not in NOT_NOUNS


COUNT_NOUNS: frozenset[str] = frozenset(
    {
        "people", "staff", "children", "men", "women", "police", "cattle", "sheep", "fish",
        "deer", "personnel", "aircraft", "feet", "teeth", "mice", "geese", "crew", "troops",
    }
)  # fmt: skip
"""Plural nouns that do not end in "s"."""

NOT_PLURALS: frozenset[str] = frozenset(
    {
        "is", "was", "has", "as", "this", "his", "its", "us", "yes", "thus", "plus", "minus",
        "always", "less", "unless", "news", "does", "goes", "across", "towards", "whereas",
        "besides", "perhaps", "sees", "marks", "brings", "promises", "looks", "proves",
        "begins", "ends", "starts", "becomes", "remains", "seems", "represents", "means",
        "gives", "saw", "onwards", "afterwards", "nevertheless",
    }
)  # fmt: skip
"""Words ending in "s" that are not plural nouns, or that often follow a year as its verb."""


def counts_things(match: re.Match[str]) -> bool:
    """Whether the word after a number is a plural noun: "1234 votes", "1050 jobs", "3 people"."""
    found = re.match(r"\s+([a-z]+)\b", match.string[match.end() :])
    if not found:
        return False
    word = found[1]
    if word in COUNT_NOUNS:
        return True
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in NOT_PLURALS
    )
