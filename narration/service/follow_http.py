"""How long a server asks a follower to wait: ``Cache-Control: max-age``, ``Expires``,
``Retry-After``."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from narration.ingest.fetch import FeedResponse

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d+)", re.I)


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
