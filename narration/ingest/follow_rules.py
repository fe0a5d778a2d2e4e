"""Which entries of a followed source are narrated, and how often it is polled.

A URL pattern is a regular expression from whoever configures the source; it is matched
with the ``regex`` library under a time limit, so a pattern that backtracks without end
costs one entry a few milliseconds and is reported, never a stuck poller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from narration.errors import BadInput
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

    def __post_init__(self) -> None:
        if self.url_pattern is not None:
            compile_pattern(self.url_pattern)
        for name, values in (("categories", self.categories), ("authors", self.authors)):
            if len(values) > MAX_FILTER_VALUES:
                raise BadInput(f"{name}: at most {MAX_FILTER_VALUES} values")
        if self.max_new_per_poll is not None and self.max_new_per_poll < 1:
            raise BadInput("max_new_per_poll: must be at least 1")
        if self.interval_s is not None and self.interval_s <= 0:
            raise BadInput("interval_s: must be more than 0 seconds")

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
        )

    def wants(self, entry: Entry) -> bool:
        """Whether ``entry`` passes the filters and the cut-off date."""
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
            return entry.link is not None and url_matches(self.url_pattern, entry.link)
        return True


def as_aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def compile_pattern(pattern: str) -> Any:
    """The compiled URL pattern; :class:`BadInput` naming what is wrong with it."""
    import regex

    if len(pattern) > MAX_PATTERN_CHARS:
        raise BadInput(f"url_pattern: at most {MAX_PATTERN_CHARS} characters")
    try:
        return _compiled(pattern)
    except regex.error as exc:
        raise BadInput(f"url_pattern: not a valid regular expression ({exc})") from exc


def url_matches(pattern: str, url: str) -> bool:
    """Whether ``pattern`` is found in ``url``; a pattern that takes longer than
    :data:`MATCH_TIMEOUT_S` does not match."""
    try:
        return _compiled(pattern).search(url[:2048], timeout=MATCH_TIMEOUT_S) is not None
    except TimeoutError:
        return False


_cache: dict[str, Any] = {}


def _compiled(pattern: str) -> Any:
    import regex

    found = _cache.get(pattern)
    if found is None:
        if len(_cache) > 256:
            _cache.clear()
        found = _cache[pattern] = regex.compile(pattern)
    return found
