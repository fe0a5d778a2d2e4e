"""Following sites: each source a show follows is polled politely, and what is new or
changed in it is queued for narration.

A poll sends the validators of the last one (a 304 means nothing new), waits as long as
the feed asks (``Cache-Control: max-age``, ``Retry-After``, RSS ``ttl``,
``sy:updatePeriod``), never less than the floor, with jitter; a failure is recorded on
its source and backs off exponentially, and never stops the other sources. A few sources
are polled at once (``follow_threads``), each within its budget of time, entries and
bytes (:mod:`narration.ingest.budget`), so a slow one holds up none of the others. An entry is
queued once (see :mod:`narration.store.sources`) under an article key fixed when it is
first seen, so an edited entry is a new version of the same episode (same guid, new
audio file) when, and only when, its prepared text changed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import re
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape

from narration.config import Settings
from narration.errors import BadInput, NarrationError, SourceError
from narration.ingest.budget import OverBudget, PollBudget, Stopped
from narration.ingest.feeds import Entry, ParsedFeed, parse_document
from narration.ingest.fetch import FeedResponse, fetch_feed
from narration.ingest.identity import canonical_url
from narration.publish.feed import publish_feed
from narration.publish.shows import followed, settings_for
from narration.service.follow_pool import Polls
from narration.service.websub import WebSub
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore, Submission
from narration.store.removals import Removals
from narration.store.sources import SeenEntry, Source, SourceStore

log = logging.getLogger(__name__)

Submit = Callable[[Submission], str | None]
"""Takes an entry's submission: its job id, or None when the caller narrates it itself
(and marks the entry done)."""
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d+)", re.I)
_SITEMAPS = ("sitemap", "sitemapindex")


@dataclass
class PollResult:
    """What one poll of one source did."""

    source: Source
    result: str
    """``new entries``, ``no changes``, ``not modified``, ``throttled``, ``over budget``,
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


class Follower:
    """Polls the sources in the database and submits what they publish."""

    def __init__(self, settings: Settings, db: Database, submit: Submit) -> None:
        self.settings = settings
        self.db = db
        self.submit = submit
        self.store = SourceStore(db)
        self._stop: threading.Event | None = None

    def sync(self) -> None:
        """Follow what the shows file lists (and only that, of what it listed)."""
        self.store.sync_config(followed(self.settings))

    def poll_due(self, only: Collection[str] | None = None, limit: int = 50) -> list[PollResult]:
        """Poll each source whose time has come, once (at most ``limit``): of ``only``
        when given, else those of the shows file and the API (the command line follows
        its own). ``follow_threads`` at a time, in the order they end."""
        results: list[PollResult] = []
        threads = self.settings.follow_threads
        with ThreadPoolExecutor(threads, thread_name_prefix="follow") as pool:
            polls = Polls(pool, threads, self._claimer(only), self.poll, once=True)
            while polls.take(limit - polls.taken) or polls.running:
                results.extend(polls.finished(block=True))
        return results

    def run(self, stop: threading.Event) -> None:
        """Poll due sources until ``stop`` is set: each tick, as many as there are free
        threads, without waiting for the polls under way."""
        self._stop = stop
        threads = self.settings.follow_threads
        with ThreadPoolExecutor(threads, thread_name_prefix="follow") as pool:
            polls = Polls(pool, threads, self._claimer(None), self.poll, once=False)
            while not stop.is_set():
                try:
                    self.sync()
                except BadInput as exc:
                    # A shows file that cannot be read leaves the sources as they were.
                    log.warning("follower: the shows file's sources are not updated: %s", exc)
                try:
                    polls.finished(block=False)
                    polls.take(threads)
                except (NarrationError, OSError) as exc:
                    log.warning("follower: %s", exc)
                except Exception:
                    # A fault in this code must not stop following for the life of the
                    # process: it is logged with its traceback, and the next round runs.
                    log.exception("follower: unexpected error; polling goes on")
                stop.wait(self.settings.follow_tick_s)
            # The polls under way see ``stop`` at their next step and end there.

    def _claimer(
        self, only: Collection[str] | None
    ) -> Callable[[int, Collection[str]], list[Source]]:
        origins = None if only is not None else ("config", "api")

        def claim(most: int, exclude: Collection[str]) -> list[Source]:
            lease = self.settings.follow_lease_s
            return self.store.claim_due(lease, most, only=only, origins=origins, exclude=exclude)

        return claim

    def _budget(self, source: Source) -> PollBudget:
        def renew() -> None:
            self.store.renew_lease(source.id, self.settings.follow_lease_s)

        return PollBudget.of(self.settings, self._stop, renew)

    def poll(self, source: Source) -> PollResult:
        """Fetch the source, queue what is new or changed, and record the outcome."""
        now = dt.datetime.now(dt.UTC)
        budget = self._budget(source)
        try:
            # Entries left pending by a poll that stopped are in the document, which a
            # conditional GET would not send again.
            fresh = self.store.has_pending(source.id)
            response = fetch_feed(
                source.url,
                self.settings,
                etag=None if fresh else source.etag,
                last_modified=None if fresh else source.last_modified,
            )
            if response.status == 304:
                return self._done(source, PollResult(source, "not modified"), response, None)
            if response.status in (429, 503):
                return self._throttled(source, response)
            budget.read(len(response.data))
            doc = self._read(response, budget)
            result = self._entries(source, doc, budget)
            done = self._done(source, result, response, doc)
            if doc.hub is not None:
                WebSub(self.settings, self.store).subscribe(source, doc.hub)
            return done
        except Stopped:
            return PollResult(source, "stopped")  # taken again once its lease runs out
        except (NarrationError, OSError) as exc:
            failures = source.failures + 1
            wait = min(self._interval(source) * 2**failures, self.settings.follow_max_backoff_s)
            outcome = "over budget" if isinstance(exc, OverBudget) else "failed"
            self.store.record(
                source.id,
                last_poll_at=now,
                last_result=outcome,
                last_error=shown_error(exc),
                failures=failures,
                next_poll_at=now + dt.timedelta(seconds=self._jittered(wait)),
            )
            log.warning("source %s: %s", source.url, exc)
            return PollResult(source, outcome, error=shown_error(exc))

    def accept_push(self, source: Source, data: bytes) -> PollResult:
        """Take the content a WebSub hub pushed (its signature checked) as a poll's."""
        try:
            budget = PollBudget.of(self.settings)
            budget.read(len(data))
            doc = parse_document(data, source.url)
            if doc.kind == "sitemapindex":
                raise SourceError(f"{source.url}: a pushed sitemap index is not read")
            budget.parsed(len(doc.entries) + doc.skipped)
            result = self._entries(source, doc, budget)
        except NarrationError as exc:
            log.warning("source %s: push: %s", source.url, exc)
            self.store.record(source.id, last_result="push failed", last_error=shown_error(exc))
            return PollResult(source, "failed", error=shown_error(exc))
        result.result = "pushed" if not result.queued else "new entries (pushed)"
        self.store.record(source.id, last_result=result.result, last_error=result.error)
        return result

    def _read(self, response: FeedResponse, budget: PollBudget) -> ParsedFeed:
        doc = parse_document(response.data, response.url)
        budget.parsed(len(doc.entries) + doc.skipped)
        if doc.kind != "sitemapindex":
            return doc
        # One level of sitemaps, fetched by the same rules, within the poll's budget.
        entries: list[Entry] = []
        skipped = doc.skipped
        for url in doc.sitemaps[: self.settings.follow_max_sitemaps]:
            budget.check()
            child = fetch_feed(url, self.settings)
            if child.status != 200:
                raise SourceError(f"{url}: the server answered HTTP {child.status}")
            budget.read(len(child.data))
            part = parse_document(child.data, child.url)
            if part.kind != "sitemap":
                raise SourceError(f"{url}: a sitemap index may list only sitemaps")
            budget.parsed(len(part.entries) + part.skipped)
            entries.extend(part.entries)
            skipped += part.skipped
        return ParsedFeed("sitemapindex", tuple(entries), skipped, sitemaps=doc.sitemaps)

    def _entries(self, source: Source, doc: ParsedFeed, budget: PollBudget) -> PollResult:
        settings_for(self.settings, source.show)  # a show gone from the shows file fails
        result = PollResult(source, "no changes", malformed=doc.skipped)
        seen = self.store.entries(source.id)
        rules = source.rules
        unique: dict[str, Entry] = {}
        for entry in doc.entries:
            if entry.key in unique:
                result.duplicates += 1
            else:
                unique[entry.key] = entry
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        wanted = sorted(
            (e for e in unique.values() if rules.wants(e, budget)),
            key=lambda e: e.published or e.updated or oldest,
            reverse=True,
        )
        result.filtered = len(unique) - len(wanted)
        most_new = rules.max_new_per_poll
        new = 0
        for entry in wanted:
            budget.check()
            row = seen.get(entry.key)
            fingerprint = entry.fingerprint()
            if row is None:
                if most_new is not None and new >= most_new:
                    result.waiting += 1
                    continue
                key = canonical_url(entry.link) if entry.link else f"{source.url}#{entry.key}"
                if not self.store.insert_entry(source.id, entry.key, key, fingerprint):
                    continue  # another worker saw it first and queues it
                new += 1
                self._queue(source, entry, key, fingerprint, result)
            elif row.fingerprint != fingerprint or row.state == "removed":
                if self.store.change_entry(source.id, entry.key, row.fingerprint, fingerprint):
                    result.changed += 1
                    self._queue(source, entry, row.article_key, fingerprint, result)
            elif row.state == "pending":
                # Seen by a poll that stopped before queueing it: the job, if it was
                # made, is found again by its content, so nothing is queued twice.
                self._queue(source, entry, row.article_key, fingerprint, result)
        if rules.remove_missing and doc.kind in _SITEMAPS:
            for key, row in seen.items():
                if key not in unique and row.state in ("queued", "done"):
                    result.removed += self._withdraw(source, row)
        if result.queued:
            result.result = "new entries"
        return result

    def _queue(
        self, source: Source, entry: Entry, article_key: str, revision: str, result: PollResult
    ) -> None:
        try:
            sub = submission_of(source, entry, article_key, revision, self.settings)
            job_id = self.submit(sub)
        except BadInput as exc:
            # A refused entry (a URL the fetch rules refuse, say) is its source's error.
            self.store.set_entry(source.id, entry.key, "failed", error=str(exc))
            result.failed += 1
            result.error = f"{entry.link or entry.key}: {exc}"
            return
        if job_id is not None:
            self.store.set_entry(source.id, entry.key, "queued", job_id=job_id)
        result.queued.append((entry.key, sub))

    def _withdraw(self, source: Source, row: SeenEntry) -> int:
        """Take the episode of an entry gone from a sitemap out of the feed, as DELETE
        does (its files go after the grace period). 1 when withdrawn."""
        show = settings_for(self.settings, source.show)
        catalog = Catalog(self.db)
        ep = catalog.find(source.show, row.article_key)
        if ep is None:
            job = JobStore(self.db).get(row.job_id) if row.job_id else None
            if job is not None and job.status in ("queued", "running"):
                return 0  # not narrated yet: withdrawn once it is
        else:
            removals = Removals(self.db, show)
            removals.delete_episode(ep, row.job_id or "")
            publish_feed(catalog, show)
            removals.sweep()
        self.store.set_entry(source.id, row.entry_key, "removed")
        return 1

    def _throttled(self, source: Source, response: FeedResponse) -> PollResult:
        now = dt.datetime.now(dt.UTC)
        asked = retry_after_s(response.retry_after, now)
        failures = source.failures + 1
        backoff = self._interval(source) * 2 ** (failures - 1)
        wait = min(max(asked or 0.0, backoff), self.settings.follow_max_backoff_s)
        error = f"the server answered HTTP {response.status}; polled again in {wait:.0f} s"
        self.store.record(
            source.id,
            last_poll_at=now,
            last_result="throttled",
            last_error=error,
            failures=failures,
            next_poll_at=now + dt.timedelta(seconds=wait),
        )
        return PollResult(source, "throttled", error=error)

    def _done(
        self, source: Source, result: PollResult, response: FeedResponse, doc: ParsedFeed | None
    ) -> PollResult:
        now = dt.datetime.now(dt.UTC)
        wait = self._interval(source, doc.ttl_s if doc else None, max_age_s(response))
        values: dict[str, object] = {
            "last_poll_at": now,
            "last_result": result.result,
            "last_error": result.error,
            "failures": 0,
            "next_poll_at": now + dt.timedelta(seconds=self._jittered(wait)),
        }
        if response.status == 200:
            values.update(etag=response.etag, last_modified=response.last_modified)
        if doc is not None:
            values.update(kind=doc.kind, hub=doc.hub)
        self.store.record(source.id, **values)
        return result

    def _interval(self, source: Source, *asked: float | None) -> float:
        s = self.settings
        own = source.rules.interval_s or s.follow_interval_s
        return max(own, s.follow_min_interval_s, *(a for a in asked if a is not None))

    def _jittered(self, wait_s: float) -> float:
        return wait_s * (1 + random.uniform(0, self.settings.follow_jitter))


def shown_error(exc: BaseException) -> str:
    """What a source's state says of a failure: what was wrong with the source or its
    entries, never a database statement or a path of this machine (those are logged)."""
    if isinstance(exc, BadInput):
        return str(exc)
    if isinstance(exc, OSError):
        return "a file of the output directory could not be written (see the service's log)"
    return f"{type(exc).__name__}: the details are in the service's log"


def submission_of(
    source: Source, entry: Entry, article_key: str, revision: str, settings: Settings
) -> Submission:
    """The job of an entry: its full content when it carries it, else its page."""
    published = entry.published
    limit = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.future_tolerance_s)
    when = published.isoformat() if published is not None and published <= limit else None
    if entry.content_html is not None:
        title = escape(entry.title or "")
        canonical = f'<link rel="canonical" href="{escape(entry.link)}">' if entry.link else ""
        page = (
            f"<!doctype html><html><head><title>{title}</title>{canonical}</head>"
            f"<body><article><h1>{title}</h1>{entry.content_html}</article></body></html>"
        )
        kind, value = "html", page
    elif entry.link is not None:
        kind, value = "url", entry.link
    else:
        raise BadInput(f"entry {entry.key}: has neither a link nor its content")
    return Submission(
        kind=kind,  # type: ignore[arg-type]
        value=value,
        show=source.show,
        title=entry.title,
        author=entry.author,
        published=when,
        article_key=article_key,
        key_id=source.owner,
        revision=revision,
    )


def max_age_s(response: FeedResponse) -> float | None:
    """How long the server says the feed stays fresh (RFC 9111 4.2.1): ``Cache-Control:
    max-age``, else ``Expires`` less the response's ``Date``. ``s-maxage`` is for shared
    caches, not this client; ``no-cache`` asks to revalidate, which every poll does."""
    found = _MAX_AGE.search(response.cache_control or "")
    if found:
        return float(found.group(1))
    expires = _http_date(response.expires)
    if expires is None:
        return None  # none, or invalid (already expired): the usual interval
    sent = _http_date(response.date) or dt.datetime.now(dt.UTC)
    return max(0.0, (expires - sent).total_seconds())


def retry_after_s(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    when = _http_date(text)
    return None if when is None else max(0.0, (when - now).total_seconds())


def _http_date(value: str | None) -> dt.datetime | None:
    """An HTTP date (always GMT, RFC 9110 5.6.7); None when absent or not one."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def source_state(store: SourceStore, source: Source) -> dict[str, object]:
    """What is known of a source: its rules, its last poll and its result, its next
    poll, the entries seen, queued and failed, and its last error."""
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
        "last_error": fresh.last_error,
        "rules": fresh.rules.as_json(),
    }
