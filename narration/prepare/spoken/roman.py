"""Regnal and war numerals: "Charles III", "Henry VIII", "Pope Leo XIV", "World War II"."""

from __future__ import annotations

import re

from narration.prepare.spoken.acronyms import shouting
from narration.prepare.spoken.rules import Rule, Style, pad
from narration.prepare.spoken.words import cardinal, ordinal

VALUES: dict[str, int] = {"I": 1, "V": 5, "X": 10, "L": 50}
"""Only I, V, X and L: with C, D and M, "DC", "MIX" or "CD" would pass for numerals."""

COUNTED: frozenset[str] = frozenset(
    {
        "War", "Part", "Chapter", "Act", "Phase", "Type", "Article", "Grade", "Class", "Stage",
        "Volume", "Book", "Schedule", "Title", "Episode", "Apollo", "Vatican", "Tier",
        "Category", "Level", "Section", "Bowl", "Mark", "Mk",
    }
)  # fmt: skip
"""Words after which a numeral is a cardinal: "World War two", "Part three"."""

MONARCHS: frozenset[str] = frozenset(
    {
        "Charles", "Elizabeth", "Henry", "George", "Edward", "James", "William", "Mary",
        "Richard", "John", "Louis", "Anne", "Victoria", "Leo", "Pius", "Benedict", "Gregory",
        "Paul", "Innocent", "Clement", "Urban", "Boniface", "Felipe", "Philip", "Frederick",
        "Napoleon", "Alexander", "Nicholas", "Peter", "Catherine", "Ivan", "Juan", "Carlos",
        "Harald", "Olaf", "Gustaf", "Willem", "Albert", "Rainier", "Constantine", "Akihito",
    }
)  # fmt: skip
"""Names after which even "I" is a numeral ("Elizabeth I"); the pronoun never follows them."""

NOT_NAMES: frozenset[str] = frozenset(
    {"The", "A", "An", "In", "On", "At", "Of", "And", "For", "To", "By", "With", "From", "Is",
     "Its", "This", "That", "Their", "Our", "His", "Her", "New", "Old", "Says", "Said"}
)  # fmt: skip
"""Capitalised words that are no names: "The LIV Golf tour" keeps its letters."""

_NUMERAL = re.compile(r"^(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")


def value(numeral: str) -> int:
    """The value of a well-formed numeral of I, V, X and L: "XIV" -> 14."""
    total = 0
    for letter, following in zip(numeral, [*numeral[1:], ""], strict=True):
        amount = VALUES[letter]
        total += -amount if following and VALUES[following] > amount else amount
    return total


def _render(match: re.Match[str], style: Style) -> str:
    name, numeral = match["name"], match["numeral"]
    if name in NOT_NAMES or not _NUMERAL.match(numeral):
        return match.group(0)
    if numeral.startswith("XL") and name not in COUNTED:
        # "Size XL" is a size; "Super Bowl XL" is counted.
        return match.group(0)
    if numeral == "I":
        # The pronoun is far commoner: "I" is a numeral only after a monarch or "War",
        # and not before a lower-case word ("Then Henry I think left").
        rest = match.string[match.end() :]
        if name not in MONARCHS | {"War"} or re.match(r"\s+[a-z]", rest):
            return match.group(0)
    count = value(numeral)
    if name in COUNTED:
        return pad(match, f"{name} {cardinal(count, style)}")
    return pad(match, f"{name} the {ordinal(count, style)}")


def _heading(match: re.Match[str], style: Style) -> str:
    # "PART XL", "CHAPTER IV": a counted word in capitals, said as a word.
    name, numeral = match["name"], match["numeral"]
    if name.title() not in COUNTED or not _NUMERAL.match(numeral):
        return match.group(0)
    # A heading in capitals keeps them ("WORLD WAR two ENDS"); a lone "PART" is a word.
    if not shouting(match.string):
        name = name.title()
    return pad(match, f"{name} {cardinal(value(numeral), style)}")


RULES: tuple[Rule, ...] = (
    Rule(
        "heading",
        re.compile(r"\b(?P<name>[A-Z]{2,})\s+(?P<numeral>[IVXL]+)(?![\w-])"),
        _heading,
    ),
    # A capitalised name, then the numeral as a word of its own ("Charles III's reign").
    Rule(
        "regnal",
        re.compile(r"\b(?P<name>[A-Z][a-z]+)\s+(?P<numeral>[IVXL]+)(?![\w-])"),
        _render,
    ),
)
