"""WebSub (W3C Recommendation): a followed feed that names a hub is subscribed to, so the
hub pushes new content at once; polling goes on as the fallback.

A subscription is asked for only when the service's base URL is public (the hub must be
able to reach our callback, ``/v1/websub/<source id>``). Each subscription has its own
secret; a push is taken only with a valid ``X-Hub-Signature`` (HMAC of the body with that
secret), and the hub's verification or denial only for the topic and as the answer to a
subscription request of ours still pending (within the hour after it was sent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from narration.config import Settings
from narration.errors import SourceError
from narration.ingest.identity import LOOPBACK_NAMES
from narration.net.client import Client
from narration.store.sources import Source, SourceStore

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

LEASE_S = 7 * 86400
"""The lease asked of hubs (they may grant another)."""
MAX_LEASE_S = 2**31 - 1
"""The longest lease a hub's answer may grant (a larger one is not a lease)."""
RENEW_BEFORE_S = 86400
"""A verified subscription is renewed when less than this is left of its lease."""
RETRY_AFTER_S = 3600
"""A subscription requested but not verified is asked for again after this."""
_PRIVATE_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa", ".test")
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384}
_DIGESTS["sha512"] = hashlib.sha512
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def public_base(settings: Settings) -> bool:
    """Whether a hub on the internet can reach the service's base URL."""
    host = (urlsplit(settings.base_url).hostname or "").rstrip(".").lower()
    if not host or host in LOOPBACK_NAMES:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host and not host.endswith(_PRIVATE_SUFFIXES)


def callback_url(settings: Settings, source_id: str) -> str:
    return settings.url_for(f"v1/websub/{source_id}")


class WebSub:
    def __init__(
        self,
        settings: Settings,
        store: SourceStore,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.transport = transport

    def subscribe(self, source: Source, hub: str) -> bool:
        """Ask ``hub`` for pushes of ``source`` when due (never asked, the lease ending,
        another hub, or an unanswered request an hour old); whether it was asked.

        The request is recorded as pending (its secret, and until when the hub's answer
        is taken) before it is sent, as the hub may check it before answering; a
        subscription in force with the same hub stays in force meanwhile."""
        if not public_base(self.settings):
            return False
        now = dt.datetime.now(dt.UTC)
        if source.hub == hub:
            if source.websub_request_until is not None and now < source.websub_request_until:
                return False  # asked within the hour: the hub's check may still come
            expires = source.websub_expires_at
            left = expires - now if expires is not None else None
            verified = source.websub_state == "verified"
            if verified and left is not None and left > dt.timedelta(seconds=RENEW_BEFORE_S):
                return False  # the lease has more than a day left
        secret = secrets.token_hex(32)
        renewal = source.hub == hub and source.websub_state == "verified"
        in_force: dict[str, object] = {}
        if not renewal:
            in_force = {
                "websub_state": "requested",
                "websub_secret": None,
                "websub_expires_at": None,
            }
        self.store.record(
            source.id,
            hub=hub,
            websub_request_secret=secret,
            websub_request_until=now + dt.timedelta(seconds=RETRY_AFTER_S),
            **in_force,
        )
        fields = {
            "hub.mode": "subscribe",
            "hub.topic": source.url,
            "hub.callback": callback_url(self.settings, source.id),
            "hub.secret": secret,
            "hub.lease_seconds": str(LEASE_S),
        }
        try:
            form = urlencode(fields).encode("ascii")
            status = Client(self.settings.fetch, self.transport).post(hub, form, _FORM)
        except SourceError as exc:
            log.warning("source %s: WebSub hub refused: %s", source.url, exc)
            return False
        if status not in (202, 204):
            log.warning("source %s: WebSub hub %s answered HTTP %d", source.url, hub, status)
            return False
        return True

    def verify(
        self, source_id: str, mode: str, topic: str, challenge: str, lease_s: int | None
    ) -> str | None:
        """The hub's answer to our pending subscription request (its topic our source's
        URL): ``subscribe`` puts the request's subscription in force for the lease
        granted and gets its challenge back; ``denied`` drops the request (and a
        subscription never verified) and gets an empty answer. None to refuse anything
        else, which changes nothing: a check or denial that answers no request of ours
        (one made up by anyone who knows the source's id and URL) is not taken."""
        source = self.store.get(source_id[:64])
        if source is None or topic != source.url:
            return None
        now = dt.datetime.now(dt.UTC)
        until = source.websub_request_until
        if until is None or now >= until or source.websub_request_secret is None:
            return None
        if mode == "subscribe" and challenge:
            granted = LEASE_S if lease_s is None else lease_s
            self.store.record(
                source.id,
                websub_state="verified",
                websub_secret=source.websub_request_secret,
                websub_expires_at=now + dt.timedelta(seconds=granted),
                websub_request_secret=None,
                websub_request_until=None,
            )
            return challenge
        if mode == "denied":
            dropped = {} if source.websub_state == "verified" else {"websub_state": None}
            self.store.record(
                source.id, websub_request_secret=None, websub_request_until=None, **dropped
            )
            return ""
        return None

    def signed(self, source: Source, body: bytes, signature: str | None) -> bool:
        """Whether ``signature`` (``X-Hub-Signature: sha256=<hex>``) is the HMAC of
        ``body`` with the source's subscription secret."""
        if not signature or not source.websub_secret or source.websub_state != "verified":
            return False
        method, _, given = signature.strip().partition("=")
        digest = _DIGESTS.get(method.lower())
        if digest is None or not given:
            return False
        expected = hmac.new(source.websub_secret.encode(), body, digest).hexdigest()
        return hmac.compare_digest(expected, given.strip().lower())
