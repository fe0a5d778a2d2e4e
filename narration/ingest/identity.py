"""What an article is known by: its canonical URL, or its source and content.

An article is never known by its title: two articles with the same title are two
episodes. The same page reached by several URLs (a tracking parameter, ``localhost`` for
``127.0.0.1``, the default port, a fragment) is one article.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
"""Host names that always mean this machine: the same article as at ``127.0.0.1``."""
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """``url`` as an article's key: scheme and host lower-case, default port, fragment and
    tracking parameters (``utm_*``, ``fbclid``, ``gclid`` and the like) dropped, the other
    query parameters sorted, and loopback names as ``127.0.0.1``.

    courlan (the URL library trafilatura uses) knows the tracking parameters; a URL it
    cannot parse is kept as given, stripped of its fragment.
    """
    from courlan import normalize_url  # imported when a URL needs it: it takes 0.2 s

    url = url.strip()
    try:
        normalised = normalize_url(url, strict=False)
    except (ValueError, AttributeError):
        normalised = url
    parts = urlsplit(normalised)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host == "::1":
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    # Credentials are not part of what the page is, and never belong in a key.
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def same_site(a: str, b: str) -> bool:
    """Whether two canonical URLs are on the same host (a page's ``rel=canonical`` is
    believed only when it names its own site)."""
    return urlsplit(a).netloc == urlsplit(b).netloc


def content_key(kind: str, text: str) -> str:
    """The key of an article that has no URL: its kind and a digest of its text (title
    and body), whitespace normalised, so the same text sent again is the same article."""
    normalised = " ".join(text.split())
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]
    return f"{kind}:{digest}"
