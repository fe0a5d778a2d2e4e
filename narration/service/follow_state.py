"""What is shown of a followed source: its state, and its errors in words fit for it."""

from __future__ import annotations

from narration.errors import BadInput
from narration.store.sources import Source, SourceStore


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
