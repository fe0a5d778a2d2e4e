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
import logging
import random
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor

from narration.config import Settings
from narration.errors import BadInput, NarrationError, SourceError
from narration.ingest.budget import OverBudget, PollBudget, Stopped
from narration.ingest.feeds import Entry, ParsedFeed, parse_document
from narration.ingest.fetch import FeedResponse, fetch_feed
from narration.publish.feed import publish_feed
from narration.publish.shows import followed, settings_for
from narration.service.follow_entries import (
    UNREADABLE_SITEMAP,
    ArticleKeys,
    known_entries,
    read_document,
    submission_of,
    why_nothing,
)
from narration.service.follow_http import max_age_s, retry_after_s
from narration.service.follow_pool import Polls
from narration.service.follow_state import PollResult, shown_error, source_state
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
_SITEMAPS = ("sitemap", "sitemapindex")
DUPLICATE = "the same guid (or link) listed again"
__all__ = [
    "Follower",
    "PollResult",
    "max_age_s",
    "retry_after_s",
    "shown_error",
    "source_state",
    "submission_of",
]


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
        threads = self.settings.follow.threads
        with ThreadPoolExecutor(threads, thread_name_prefix="follow") as pool:
            polls = Polls(pool, threads, self._claimer(only), self.poll, once=True)
            while polls.take(limit - polls.taken) or polls.running:
                results.extend(polls.finished(block=True))
        return results

    def run(self, stop: threading.Event) -> None:
        """Poll due sources until ``stop`` is set: each tick, as many as there are free
        threads, without waiting for the polls under way."""
        self._stop = stop
        threads = self.settings.follow.threads
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
                stop.wait(self.settings.follow.tick_s)
            # The polls under way see ``stop`` at their next step and end there.

    def _claimer(
        self, only: Collection[str] | None
    ) -> Callable[[int, Collection[str]], list[Source]]:
        origins = None if only is not None else ("config", "api")

        def claim(most: int, exclude: Collection[str]) -> list[Source]:
            lease = self.settings.follow.lease_s
            return self.store.claim_due(lease, most, only=only, origins=origins, exclude=exclude)

        return claim

    def _budget(self, source: Source) -> PollBudget:
        def renew() -> None:
            self.store.renew_lease(source.id, self.settings.follow.lease_s)

        return PollBudget.of(self.settings.follow, self._stop, renew)

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
                self.settings.fetch,
                etag=None if fresh else source.etag,
                last_modified=None if fresh else source.last_modified,
            )
            if response.status == 304:
                return self._done(source, PollResult(source, "not modified"), response, None)
            if response.status in (429, 503):
                return self._throttled(source, response)
            budget.read(len(response.data))
            doc = read_document(response, budget, self.settings)
            result = self._entries(source, doc, budget)
            done = self._done(source, result, response, doc)
            if doc.hub is not None:
                WebSub(self.settings, self.store).subscribe(source, doc.hub)
            return done
        except Stopped:
            return PollResult(source, "stopped")  # taken again once its lease runs out
        except (NarrationError, OSError) as exc:
            failures = source.failures + 1
            wait = min(self._interval(source) * 2**failures, self.settings.follow.max_backoff_s)
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
            budget = PollBudget.of(self.settings.follow)
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
        self.store.record(
            source.id,
            last_result=result.result,
            last_error=result.error,
            skipped=result.skipped,
            skipped_reasons=result.reasons,
        )
        return result

    def _entries(self, source: Source, doc: ParsedFeed, budget: PollBudget) -> PollResult:
        settings_for(self.settings, source.show)  # a show gone from the shows file fails
        reasons = dict(doc.reasons)
        result = PollResult(
            source, "no changes", malformed=doc.skipped, skipped=doc.skipped, reasons=reasons
        )
        seen = self.store.entries(source.id)
        rules = source.rules
        unique: dict[str, Entry] = {}
        listed = known_entries(doc.entries, seen)
        keys = ArticleKeys(source, listed, seen)
        for entry in listed:
            if entry.key in unique:
                result.duplicates += 1
            else:
                unique[entry.key] = entry
        if result.duplicates:
            reasons[DUPLICATE] = reasons.get(DUPLICATE, 0) + result.duplicates
            result.skipped += result.duplicates
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
                key = keys.of(entry)
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
        elif not doc.entries:
            result.result = "no entries"
        if result.error is None:
            result.error = why_nothing(doc, len(wanted))
        unread = [why for why in reasons if why.startswith(UNREADABLE_SITEMAP)]
        if result.error is None and unread:
            result.error = f"{len(unread)} of the index's sitemaps could not be read: {unread[0]}"
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
        wait = min(max(asked or 0.0, backoff), self.settings.follow.max_backoff_s)
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
        if result.waiting:
            # Entries held back by max_new_per_poll are in this document; a conditional
            # GET would not send it again until the feed changed.
            values.update(etag=None, last_modified=None)
        elif response.status == 200:
            values.update(etag=response.etag, last_modified=response.last_modified)
        if doc is not None:
            values.update(
                kind=doc.kind, hub=doc.hub, skipped=result.skipped, skipped_reasons=result.reasons
            )
        self.store.record(source.id, **values)
        return result

    def _interval(self, source: Source, *asked: float | None) -> float:
        s = self.settings
        own = source.rules.interval_s or s.follow.interval_s
        return max(own, s.follow.min_interval_s, *(a for a in asked if a is not None))

    def _jittered(self, wait_s: float) -> float:
        return wait_s * (1 + random.uniform(0, self.settings.follow.jitter))
