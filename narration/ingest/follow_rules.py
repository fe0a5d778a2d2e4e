"""Which entries of a followed source are narrated, and how often it is polled.

A URL pattern is a regular expression from whoever configures the source. One that
backtracks catastrophically (nested quantifiers and the like, see
:mod:`narration.ingest.backtracking`) is refused when the source is added; rules read
back from the database are not checked again, so a source added before the check still
loads. Every match runs with the ``regex`` library under a time limit, and a poll's
matches under its budget (:mod:`narration.ingest.budget`): a pattern that slips through
costs a poll a bounded time and is reported, never a stuck poller.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from typing import Any

from narration.dates import check_date
from narration.errors import BadInput
from narration.ingest.backtracking import Unreadable, backtracking_problem
from narration.ingest.budget import PollBudget
from narration.ingest.feeds import Entry

MAX_PATTERN_CHARS = 300
MATCH_TIMEOUT_S = 0.05
MAX_FILTER_VALUES = 100


@dataclass(frozen=True)
class Rules:
    """A source's filters and limits."""

    categories: tuple[str, ...] = ()
    """Narrate only entries with one of these categories or tags (any case); all when empty."""
    authors: tuple[str, ...] = ()
    """Narrate only entries by one of these authors (any case); all when empty."""
    url_pattern: str | None = None
    """Narrate only entries whose link matches this regular expression (searched)."""
    not_before: dt.datetime | None = None
    """Leave alone entries published before this moment."""
    max_new_per_poll: int | None = None
    """Queue at most this many new entries per poll, newest first; the rest wait."""
    interval_s: float | None = None
    """Poll this often (never more often than the floor, ``follow_min_interval_s``)."""
    remove_missing: bool = False
    """Withdraw the episode of an entry gone from the source (sitemaps only)."""

    stored: InitVar[bool] = False
    """Read back from the database: the pattern is not checked for backtracking again."""

    def __post_init__(self, stored: bool) -> None:
        if self.url_pattern is not None:
            compile_pattern(self.url_pattern, check_backtracking=not stored)
        for name, values in (("categories", self.categories), ("authors", self.authors)):
            if len(values) > MAX_FILTER_VALUES:
                raise BadInput(f"{name}: at most {MAX_FILTER_VALUES} values")
        if self.max_new_per_poll is not None and self.max_new_per_poll < 1:
            raise BadInput("max_new_per_poll: must be at least 1")
        if self.interval_s is not None and self.interval_s <= 0:
            raise BadInput("interval_s: must be more than 0 seconds")
        if self.not_before is not None:
            check_date("not_before", self.not_before)

    def as_json(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "authors": list(self.authors),
            "url_pattern": self.url_pattern,
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "max_new_per_poll": self.max_new_per_poll,
            "interval_s": self.interval_s,
            "remove_missing": self.remove_missing,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Rules:
        not_before = doc.get("not_before")
        when = dt.datetime.fromisoformat(not_before) if isinstance(not_before, str) else None
        return cls(
            categories=tuple(doc.get("categories") or ()),
            authors=tuple(doc.get("authors") or ()),
            url_pattern=doc.get("url_pattern"),
            not_before=as_aware(when) if when else None,
            max_new_per_poll=doc.get("max_new_per_poll"),
            interval_s=doc.get("interval_s"),
            remove_missing=bool(doc.get("remove_missing")),
            stored=True,
        )

    def wants(self, entry: Entry, budget: PollBudget | None = None) -> bool:
        """Whether ``entry`` passes the filters and the cut-off date; the pattern's time
        is spent from ``budget`` when given."""
        if self.not_before is not None:
            when = entry.published or entry.updated
            if when is None or when < self.not_before:
                return False
        if self.categories:
            wanted = {c.casefold() for c in self.categories}
            if not any(c.casefold() in wanted for c in entry.categories):
                return False
        if self.authors:
            wanted = {a.casefold() for a in self.authors}
            if entry.author is None or entry.author.casefold() not in wanted:
                return False
        if self.url_pattern is not None:
            return entry.link is not None and url_matches(self.url_pattern, entry.link, budget)
        return True


def as_aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def compile_pattern(pattern: str, *, check_backtracking: bool = True) -> Any:
    """The compiled URL pattern; :class:`BadInput` naming what is wrong with it, a
    pattern that backtracks catastrophically included (unless ``check_backtracking`` is
    false)."""
    # Lazy: regex (~10 ms) only for a follow pattern; `prepare` and `narrate` import this module.
    import regex

    if len(pattern) > MAX_PATTERN_CHARS:
        raise BadInput(f"url_pattern: at most {MAX_PATTERN_CHARS} characters")
    try:
        compiled = _compiled(pattern)
    except regex.error as exc:
        raise BadInput(f"url_pattern: not a valid regular expression ({exc})") from exc
    if check_backtracking:
        try:
            problem = backtracking_problem(pattern)
        except Unreadable as exc:
            raise BadInput(
                f"url_pattern: cannot be checked for catastrophic backtracking ({exc}); "
                "write it in the syntax of Python's re module"
            ) from exc
        if problem is not None:
            raise BadInput(
                f"url_pattern: {problem}, so it backtracks catastrophically on some links; "
                "make each repeated part unable to match what comes after it (e.g. [^/]+ "
                "rather than .+), or use a possessive quantifier (a++) or an atomic group"
            )
    return compiled


def url_matches(pattern: str, url: str, budget: PollBudget | None = None) -> bool:
    """Whether ``pattern`` is found in ``url``; a pattern that takes longer than
    :data:`MATCH_TIMEOUT_S` (or than is left of ``budget``) does not match. Spending the
    last of ``budget`` raises :class:`~narration.ingest.budget.OverBudget`."""
    limit = MATCH_TIMEOUT_S if budget is None else min(MATCH_TIMEOUT_S, budget.regex_left_s())
    started = time.perf_counter()
    try:
        found = _compiled(pattern).search(url[:2048], timeout=max(limit, 0.001)) is not None
    except TimeoutError:
        found = False
    if budget is not None:
        budget.spend_regex(time.perf_counter() - started)
    return found


_cache: dict[str, Any] = {}


def _compiled(pattern: str) -> Any:
    # Lazy: regex (~10 ms) only for a follow pattern; `prepare` and `narrate` import this module.
    import regex

    found = _cache.get(pattern)
    if found is None:
        if len(_cache) > 256:
            _cache.clear()
        found = _cache[pattern] = regex.compile(pattern)
    return found
