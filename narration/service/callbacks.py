"""Telling a submitter that its article was narrated (or failed): callbacks.

When a job ends and its submission named a ``callback_url``, the episode's JSON (the
shape ``GET /v1/episodes/{id}`` answers) is POSTed there, signed with the secret of the
API key that submitted it::

    X-Narration-Signature: sha256=<hex HMAC-SHA256 of the body bytes>

Each delivery attempt is a task on the queue, and a failed one schedules the next with
exponential backoff (``callback_backoff_s``, doubled each time, at most
``callback_attempts`` tries): the schedule lives in the queue's storage, so a callback
due when the service stops is delivered after it starts again. The URL passes the fetch
rules again before every try (its DNS may have changed since it was submitted) and the
request goes to the address checked.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from narration.config import CallbackSettings, Settings
from narration.errors import NarrationError, SourceError
from narration.keys import key_fingerprint, submitting_keys
from narration.model import Episode
from narration.net.address import check_url
from narration.net.client import Client
from narration.service.views import EpisodeView, episode_view
from narration.store.catalog import Catalog
from narration.store.checks import CheckStore
from narration.store.jobs import Job, JobStore, Status
from narration.store.removals import Removals

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Narration-Signature"
JOB_HEADER = "X-Narration-Job"


def encode(view: EpisodeView) -> bytes:
    """The body of a callback: the episode's view as the API answers it (compact JSON,
    times in ISO 8601)."""
    return view.model_dump_json().encode()


def sign(body: bytes, secret: str) -> str:
    """The ``X-Narration-Signature`` value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def secret_for(key_id: str | None, settings: Settings) -> str | None:
    """The configured API key with the fingerprint ``key_id``, if it is still configured."""
    if key_id is None:
        return None
    found = None
    for key in submitting_keys(settings):
        # Every key is compared, in constant time, like the check of a request's key.
        if hmac.compare_digest(key_fingerprint(key), key_id):
            found = key
    return found


Attempt = Literal["delivered", "again", "dropped"]
"""What one delivery attempt came to: delivered, to be tried again later, or dropped for
good (the URL is refused by the fetch rules)."""


def attempt(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    settings: Settings,
    transport: httpx.BaseTransport | None = None,
) -> Attempt:
    """POST ``body`` to ``url`` once. A URL the fetch rules refuse is not contacted."""
    job = headers.get(JOB_HEADER, "?")
    try:
        check_url(url, settings.fetch)
    except SourceError as exc:
        log.warning("callback for job %s not sent: %s", job, exc)
        return "dropped"
    try:
        sent = {**headers, "Content-Type": "application/json"}
        client = Client(settings.fetch, transport, post_timeout_s=settings.callback.timeout_s)
        status = client.post(url, body, sent)
    except SourceError as exc:
        problem = str(exc)
    else:
        if 200 <= status < 300:
            return "delivered"
        problem = f"the receiver answered HTTP {status}"
    log.info("callback for job %s: %s", job, problem)
    return "again"


def backoff_s(attempt_number: int, callbacks: CallbackSettings) -> float:
    """The wait before attempt ``attempt_number + 1``: ``callback_backoff_s``, doubled
    after each attempt."""
    return float(callbacks.backoff_s * 2 ** (attempt_number - 1))


def prepared(
    job: Job, ep: Episode | None, settings: Settings, catalog: Catalog | None = None
) -> tuple[bytes, dict[str, str]] | None:
    """The body and headers of ``job``'s callback; None when it has none, or its API key
    is no longer configured (unsigned, a receiver could not tell it from a forgery)."""
    if not job.submission.callback_url:
        return None
    secret = secret_for(job.submission.key_id, settings)
    if secret is None:
        log.warning("callback for job %s not sent: its API key is no longer configured", job.id)
        return None
    stored = None
    if catalog is not None and ep is not None:
        stored = CheckStore(catalog.db).get(ep.id, ep.content_hash)
    body = encode(episode_view(job, ep, settings, stored.result if stored else None))
    return body, {SIGNATURE_HEADER: sign(body, secret), JOB_HEADER: job.id}


def attempt_for_job(
    store: JobStore, catalog: Catalog, settings: Settings, job_id: str, number: int
) -> Attempt:
    """Attempt ``number`` of ``job_id``'s callback, with the job as it is now. The queue
    schedules the next attempt after :func:`backoff_s` when this one answers ``again``."""
    try:
        job = store.get(job_id)
        if job is None:
            return "dropped"
        ep = catalog.get(job.episode_id) if job.episode_id else None
    except NarrationError as exc:
        log.warning("callback for job %s, attempt %d: %s", job_id, number, exc)
        return "again"
    ready = prepared(job, ep, settings, catalog)
    url = job.submission.callback_url
    if ready is None or not url:
        return "dropped"
    outcome = attempt(url, *ready, settings)
    if outcome == "again" and number >= settings.callback.attempts:
        log.warning("callback for job %s given up after %d attempts", job_id, number)
        return "dropped"
    return outcome


def after_job(
    store: JobStore, catalog: Catalog, settings: Settings, job_id: str, status: Status | None
) -> bool:
    """What a worker does when a job has ended (``done`` or ``failed``): remove the files
    of deleted episodes whose grace period ran out; whether the job has a callback to
    deliver. Problems are logged: the job itself is settled."""
    if status not in ("done", "failed"):
        return False
    try:
        Removals(catalog.db, settings).sweep()
    except NarrationError as exc:
        log.warning("removing the files of deleted episodes: %s", exc)
    try:
        job = store.get(job_id)
    except NarrationError as exc:
        log.warning("callback for job %s not sent: %s", job_id, exc)
        return False
    return job is not None and bool(job.submission.callback_url)
