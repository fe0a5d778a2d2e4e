"""What is shown of a followed source: what a poll came to, its state, and its errors in
words fit for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from narration.errors import BadInput
from narration.store.jobs import Submission
from narration.store.sources import Source, SourceStore


@dataclass
class PollResult:
    """What one poll of one source did."""

    source: Source
    result: str
    """``new entries``, ``no changes``, ``no entries`` (the document lists none that can
    be used; ``error`` says why), ``not modified``, ``throttled``, ``over budget``,
    ``failed``, or ``stopped`` (the follower stopped mid-poll; nothing recorded)."""
    queued: list[tuple[str, Submission]] = field(default_factory=list)
    """Entries (by key) submitted, new or changed."""
    changed: int = 0
    malformed: int = 0
    duplicates: int = 0
    filtered: int = 0
    waiting: int = 0
    """New entries left for later polls by ``max_new_per_poll``."""
    removed: int = 0
    failed: int = 0
    error: str | None = None
    skipped: int = 0
    """Entries of the document that could not be used."""
    reasons: dict[str, int] = field(default_factory=dict)
    """Why, with how many for each reason."""


def shown_error(exc: BaseException) -> str:
    """What a source's state says of a failure: what was wrong with the source or its
    entries, never a database statement or a path of this machine (those are logged)."""
    if isinstance(exc, BadInput):
        return str(exc)
    if isinstance(exc, OSError):
        return "a file of the output directory could not be written (see the service's log)"
    return f"{type(exc).__name__}: the details are in the service's log"


def source_state(store: SourceStore, source: Source) -> dict[str, object]:
    """What is known of a source: its rules, its last poll and its result, its next
    poll, the entries seen, queued and failed, those the last poll skipped (and why),
    and its last error."""
    fresh = store.get(source.id) or source
    counts = store.counts(source.id)
    return {
        "id": fresh.id,
        "show": fresh.show,
        "url": fresh.url,
        "origin": fresh.origin,
        "kind": fresh.kind,
        "last_poll": fresh.last_poll_at.isoformat() if fresh.last_poll_at else None,
        "last_result": fresh.last_result,
        "next_poll": fresh.next_poll_at.isoformat(),
        "entries_seen": counts.seen,
        "queued": counts.queued,
        "failed": counts.failed,
        "skipped": fresh.skipped,
        "skipped_reasons": dict(fresh.skipped_reasons or {}),
        "last_error": fresh.last_error,
        "rules": fresh.rules.as_json(),
    }
