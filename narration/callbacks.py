"""Telling a submitter that its article was narrated (or failed): callbacks.

When a job ends and its submission named a ``callback_url``, the episode's JSON (the
shape ``GET /v1/episodes/{id}`` answers) is POSTed there, signed with the secret of the
API key that submitted it::

    X-Narration-Signature: sha256=<hex HMAC-SHA256 of the body bytes>

Deliveries run in a background thread, so a slow receiver never holds up a worker, and
are retried with exponential backoff (``callback_backoff_s``, doubled each time, at most
``callback_attempts`` tries). The URL passes the fetch rules again before every try (its
DNS may have changed since it was submitted) and the request goes to the address checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from narration.catalog import Catalog
from narration.config import Settings
from narration.errors import NarrationError, SourceError
from narration.fetch import check_url, post_json
from narration.jobs import Job, JobStore, Status
from narration.keys import key_fingerprint, submitting_keys
from narration.model import Episode
from narration.removal import Removals
from narration.views import episode_view

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Narration-Signature"
JOB_HEADER = "X-Narration-Job"


def encode(view: Mapping[str, Any]) -> bytes:
    """The body of a callback: compact JSON, times in ISO 8601."""
    return json.dumps(view, default=_iso, ensure_ascii=False, separators=(",", ":")).encode()


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


def deliver(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    settings: Settings,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """POST ``body`` to ``url`` until it answers 2xx or the attempts run out; whether it
    was delivered. A URL the fetch rules refuse is not contacted at all."""
    delay = settings.callback_backoff_s
    job = headers.get(JOB_HEADER, "?")
    for attempt in range(1, settings.callback_attempts + 1):
        try:
            check_url(url, settings)
        except SourceError as exc:
            log.warning("callback for job %s not sent: %s", job, exc)
            return False
        try:
            status = post_json(url, body, headers, settings)
        except SourceError as exc:
            problem = str(exc)
        else:
            if 200 <= status < 300:
                return True
            problem = f"the receiver answered HTTP {status}"
        log.info("callback for job %s, attempt %d: %s", job, attempt, problem)
        if attempt < settings.callback_attempts:
            sleep(delay)
            delay *= 2
    log.warning("callback for job %s given up after %d attempts", job, settings.callback_attempts)
    return False


def send(job: Job, ep: Episode | None, settings: Settings) -> threading.Thread | None:
    """Start delivering the callback of ``job``, if it has one; the delivering thread."""
    url = job.submission.callback_url
    if not url:
        return None
    secret = secret_for(job.submission.key_id, settings)
    if secret is None:
        # Unsigned, a receiver could not tell it from a forgery.
        log.warning("callback for job %s not sent: its API key is no longer configured", job.id)
        return None
    body = encode(episode_view(job, ep, settings))
    headers = {SIGNATURE_HEADER: sign(body, secret), JOB_HEADER: job.id}
    thread = threading.Thread(
        target=deliver, args=(url, body, headers, settings), name="callback", daemon=True
    )
    thread.start()
    return thread


def after_job(
    store: JobStore, catalog: Catalog, settings: Settings, job_id: str, status: Status | None
) -> threading.Thread | None:
    """What a worker does when a job has ended (``done`` or ``failed``): remove the files
    of deleted episodes whose grace period ran out, and start the job's callback (the
    delivering thread, or None). Problems are logged: the job itself is settled."""
    if status not in ("done", "failed"):
        return None
    try:
        Removals(catalog, settings).sweep()
    except NarrationError as exc:
        log.warning("removing the files of deleted episodes: %s", exc)
    try:
        job = store.get(job_id)
        if job is None or not job.submission.callback_url:
            return None
        ep = catalog.get(job.episode_id) if job.episode_id else None
    except NarrationError as exc:
        log.warning("callback for job %s not sent: %s", job_id, exc)
        return None
    return send(job, ep, settings)


def _iso(value: object) -> str:
    if isinstance(value, dt.datetime):
        stamp = value.isoformat()
        return stamp.removesuffix("+00:00") + "Z" if stamp.endswith("+00:00") else stamp
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
