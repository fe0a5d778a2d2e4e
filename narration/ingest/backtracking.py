"""Whether a regular expression backtracks catastrophically, read from its structure.

A backtracking matcher is slow when, inside a part it repeats, it has a choice whose
options can both go on with the same character: ``(a+)+`` may end the inner ``a+`` or
start another round with the next ``a``, ``(a|aa)+`` may take either alternative, and a
string of ``a`` then splits in exponentially many ways that are all tried before the
match fails. The check walks the parsed pattern, knows for each choice which characters
each option can start with (a choice to stop repeating goes on with what follows the
repetition), and reports a choice whose options overlap inside a repetition of three or
more rounds; and three or more repetitions in a row that can all match one character
(``\\w*_\\w*_\\w*``: polynomial, but on a 2 KB link as slow). A possessive quantifier or
an atomic group never goes back into what it matched, so its own choices are not
counted. Characters are compared on a sample: ASCII, a few other letters, digits and
spaces, and every character the pattern names.

Python's own parser reads the pattern (``re._parser``: the standard library has no
public one); the ``regex`` library that matches it accepts more, and what the parser
cannot read is refused as not checkable.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

_parser: Any = importlib.import_module("re._parser")

CharSet = frozenset[str]
Items = Sequence[tuple[Any, Any]]

LOOP_ROUNDS = 3
"""A repetition of at least this many rounds repeats an ambiguity enough to hurt: with
``{3}`` already a 2 KB link has billions of ways to split."""
CHAIN = 3
"""Repetitions in a row that may all take one character before the pattern is refused."""
_SAMPLE = frozenset([chr(c) for c in range(128)] + list("éßЖ中\u00a0\u2028\u0663\u00b2_"))
_CATEGORIES = {
    "CATEGORY_DIGIT": re.compile(r"\d"),
    "CATEGORY_NOT_DIGIT": re.compile(r"\D"),
    "CATEGORY_SPACE": re.compile(r"\s"),
    "CATEGORY_NOT_SPACE": re.compile(r"\S"),
    "CATEGORY_WORD": re.compile(r"\w"),
    "CATEGORY_NOT_WORD": re.compile(r"\W"),
}
_NONE: CharSet = frozenset()

NESTED = (
    "a quantifier inside a repeated group can match the same text as the repetition "
    "around it (nested quantifiers, as in (a+)+ or (.*a){20})"
)
ALTERNATIVES = "alternatives inside a repeated group can match the same text (as in (a|aa)+)"
EMPTY = "a repeated group can match the empty string (as in (a*)*)"
IN_A_ROW = (
    f"{CHAIN} or more quantifiers in a row can match the same characters "
    r"(as in \w*_\w*_\w*)"
)


class Unreadable(ValueError):
    """The pattern uses syntax the check cannot read."""


def backtracking_problem(pattern: str) -> str | None:
    """What makes ``pattern`` backtrack catastrophically, or None when nothing does.
    :class:`Unreadable` when the pattern cannot be read for the check."""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError) as exc:
        raise Unreadable(str(exc)) from exc
    walk = _Walk(pattern, bool(parsed.state.flags & re.IGNORECASE))
    walk.sequence(list(parsed), _NONE, loop=False)
    if walk.problem is None and _longest_chain(walk, list(parsed)) >= CHAIN:
        return IN_A_ROW
    return walk.problem


class _Walk:
    def __init__(self, pattern: str, ignore_case: bool) -> None:
        self.sample = _SAMPLE | frozenset(pattern)
        self.ignore_case = ignore_case
        self.problem: str | None = None
        self._starts: dict[int, tuple[CharSet, bool]] = {}

    def report(self, problem: str, loop: bool) -> None:
        # Outside a repetition a choice is tried a bounded number of times: no problem.
        if loop and self.problem is None:
            self.problem = problem

    def sequence(self, items: Items, follow: CharSet, loop: bool) -> tuple[CharSet, bool]:
        """Check ``items`` (what may come after them: ``follow``); their first
        characters, and whether they can match nothing."""
        first, nullable = _NONE, True
        after = follow
        for op, av in reversed(items):
            head, empty = self.node(op.name, av, after, loop)
            after = head | after if empty else head
            first = head | first if empty else head
            nullable = nullable and empty
        return first, nullable

    def start(self, items: Items) -> tuple[CharSet, bool]:
        """The first characters of ``items`` and whether they can match nothing, with
        nothing reported; kept by item list, so nested groups are read once each."""
        found = self._starts.get(id(items))
        if found is None:
            quiet = _Walk("", self.ignore_case)
            quiet.sample, quiet._starts = self.sample, self._starts
            found = self._starts[id(items)] = quiet.sequence(items, _NONE, loop=False)
        return found

    def node(self, name: str, av: Any, follow: CharSet, loop: bool) -> tuple[CharSet, bool]:
        chars = self.chars(name, av)
        if chars is not None:
            return chars, False
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self.repeat(name, av, follow, loop)
        if name == "SUBPATTERN":
            return self.sequence(av[3], follow, loop)
        if name == "ATOMIC_GROUP":
            # Never gone back into once matched: only its own repetitions count.
            return self.sequence(av, _NONE, loop=False)
        if name == "BRANCH":
            return self.branch(av[1], follow, loop)
        if name == "GROUPREF_EXISTS":
            return self.branch([av[1], av[2] or []], follow, loop)
        if name in ("ASSERT", "ASSERT_NOT"):
            self.sequence(av[1], _NONE, loop)
            return _NONE, True
        if name == "GROUPREF":
            return self.sample, True  # whatever the group matched, or nothing
        return _NONE, True  # AT (anchors, \b), zero-width

    def repeat(self, name: str, av: Any, follow: CharSet, loop: bool) -> tuple[CharSet, bool]:
        low, high, body = av
        first, empty = self.start(body)
        rounds = high if high != _parser.MAXREPEAT else None
        again = rounds is None or rounds > 1
        if name == "POSSESSIVE_REPEAT":
            # Gives nothing back: its choices inside are made once.
            self.sequence(body, first if again else _NONE, loop=False)
            return first, empty or low == 0
        if low != high or rounds is None:
            if again and empty:
                self.report(EMPTY, loop)
            elif first & follow:
                self.report(NESTED, loop)
        inner_loop = loop or rounds is None or rounds >= LOOP_ROUNDS
        self.sequence(body, (first | follow) if again else follow, inner_loop)
        return first, empty or low == 0

    def branch(
        self, alternatives: Iterable[Items], follow: CharSet, loop: bool
    ) -> tuple[CharSet, bool]:
        first, seen, nullable, overlap = _NONE, _NONE, False, False
        for alternative in alternatives:
            head, empty = self.sequence(alternative, follow, loop)
            # An alternative that can match nothing goes on with what follows.
            starts = head | follow if empty else head
            overlap = overlap or bool(starts & seen) or (empty and nullable)
            first, seen, nullable = first | head, seen | starts, nullable or empty
        if overlap:
            self.report(ALTERNATIVES, loop)
        return first, nullable

    def chars(self, name: str, av: Any) -> CharSet | None:
        """The characters a one-character item matches; None for anything else."""
        if name == "LITERAL":
            found = frozenset({chr(av)})
        elif name == "NOT_LITERAL":
            found = self.sample - {chr(av)}
        elif name == "ANY":
            found = self.sample - {"\n"}
        elif name == "IN":
            found = self._in(av)
        else:
            return None
        if self.ignore_case:
            found |= {c.swapcase() for c in found}
        return found

    def _in(self, items: Items) -> CharSet:
        found: set[str] = set()
        negate = False
        for op, av in items:
            kind = op.name
            if kind == "NEGATE":
                negate = True
            elif kind == "LITERAL":
                found.add(chr(av))
            elif kind == "RANGE":
                found |= {c for c in self.sample if av[0] <= ord(c) <= av[1]}
            elif kind == "CATEGORY":
                test = _CATEGORIES.get(av.name)
                found |= {c for c in self.sample if test is None or test.match(c)}
        return self.sample - found if negate else frozenset(found)


def _longest_chain(walk: _Walk, items: Items) -> int:
    """The most unbounded one-character repetitions in a row at the top level that can
    all take one same character (single characters between them allowed)."""
    longest = count = 0
    common: CharSet | None = None
    for op, av in items:
        name = op.name
        if name in ("MAX_REPEAT", "MIN_REPEAT") and av[1] == _parser.MAXREPEAT:
            body = list(av[2])
            chars = walk.chars(body[0][0].name, body[0][1]) if len(body) == 1 else None
            if chars is None:
                common, count = None, 0
                continue
            shared = chars if common is None else common & chars
            common, count = (shared, count + 1) if shared else (chars, 1)
            longest = max(longest, count)
        elif (chars := walk.chars(name, av)) is not None:
            if common is not None:
                shared = common & chars
                common, count = (shared, count) if shared else (None, 0)
        elif name != "AT":
            common, count = None, 0
    return longest
