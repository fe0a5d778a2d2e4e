"""Fetch an article page or its lead image over HTTP(S) without reaching inside our network.

A URL comes from whoever submits an article, so fetching it must not become a way to reach
loopback services, cloud metadata endpoints or the intranet (SSRF). Every hop of a redirect
chain is checked from scratch, the host is resolved once per hop, and the request is sent
to exactly the address that was checked, so a second DNS answer cannot redirect it.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from narration.config import Settings
from narration.errors import SourceError
from narration.ingest.charset import by_bom, declared_charset

USER_AGENT = "Narration/0.1 (+article fetcher)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
    }
)
"""What feeds and sitemaps are meant to be served as. Any other type, or none, is taken
too: servers call feeds ``text/plain``, ``application/octet-stream``, ``text/rss+xml``
and the like, and the parser reads the body to tell what it is."""
_FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/feed+json,"
    "application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,*/*;q=0.1"
)
_FEED_PASSED = frozenset({304, 429, 503})
_PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"
_IMAGE_ACCEPT = "image/jpeg,image/png;q=0.9"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# RFC 8215 local-use NAT64 prefix: translated by a private gateway, so never public.
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_FAMILIES = (socket.AF_INET, socket.AF_INET6)
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_ALLOW_HINT = "add the host or network to NARRATION_FETCH_ALLOW to allow it"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """A fetched page, decoded."""

    url: str
    """The final URL, after redirects."""
    content_type: str
    """The media type the server declared, lower-case, without parameters."""
    text: str
    """The decoded body."""
    charset: str
    """The encoding the body was decoded with."""
    status: int
    """The HTTP status of the final response."""


@dataclass(frozen=True)
class _Body:
    url: str
    status: int
    content_type: str
    charset: str | None
    data: bytes
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class FeedResponse:
    """A feed or sitemap as fetched: its bytes, or a status that says to wait."""

    url: str
    """The final URL, after redirects."""
    status: int
    """200; 304 (not modified since the validators sent); 429 or 503 (come back later)."""
    data: bytes
    """The body (empty unless 200)."""
    etag: str | None
    last_modified: str | None
    cache_control: str | None
    retry_after: str | None
    expires: str | None = None
    date: str | None = None
    """The server's ``Date``, which ``Expires`` is read against (RFC 9111 4.2.1)."""
    content_type: str | None = None
    """The media type the server declared, lower-case, without parameters."""


def fetch(url: str, settings: Settings) -> Fetched:
    """Fetch an HTML or plain-text page; raises :class:`SourceError` saying why it refused."""
    body = _get(
        url, settings, PAGE_TYPES, {"Accept": _PAGE_ACCEPT}, "a web page (HTML or plain text)"
    )
    text, charset = _decode(body.data, body.charset, body.url)
    return Fetched(body.url, body.content_type, text, charset, body.status)


def fetch_image(url: str, settings: Settings) -> bytes:
    """Fetch a JPEG or PNG image under the same rules as :func:`fetch`."""
    body = _get(url, settings, IMAGE_TYPES, {"Accept": _IMAGE_ACCEPT}, "a JPEG or PNG image")
    if not body.data.startswith(_IMAGE_MAGIC):
        raise SourceError(f"{body.url}: declared {body.content_type} but is not a JPEG or PNG")
    return body.data


def fetch_feed(
    url: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None
) -> FeedResponse:
    """Fetch a feed or sitemap under the rules of :func:`fetch`, conditionally when
    validators from the last fetch are given. A 304, 429 or 503 is answered, not raised."""
    headers = {"Accept": _FEED_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    body = _get(url, settings, None, headers, "a feed or sitemap", passed=_FEED_PASSED)
    h = body.headers
    return FeedResponse(
        body.url,
        body.status,
        body.data,
        h.get("etag"),
        h.get("last-modified"),
        h.get("cache-control"),
        h.get("retry-after"),
        h.get("expires"),
        h.get("date"),
        body.content_type or None,
    )


def post_json(url: str, body: bytes, headers: Mapping[str, str], settings: Settings) -> int:
    """POST a JSON ``body`` to ``url`` under the rules of :func:`fetch`: the host's
    addresses checked after DNS and the request sent to the address that was checked.
    Redirects are not followed. The status the server answered; :class:`SourceError`
    when the URL is refused or the server cannot be reached."""
    return _post(url, body, {**headers, "Content-Type": "application/json"}, settings)


def post_form(url: str, fields: Mapping[str, str], settings: Settings) -> int:
    """POST ``fields`` form-encoded (a WebSub hub's request) under the rules of
    :func:`post_json`; the status the server answered."""
    body = urlencode(fields).encode("ascii")
    return _post(url, body, {"Content-Type": "application/x-www-form-urlencoded"}, settings)


def _post(url: str, body: bytes, sent: Mapping[str, str], settings: Settings) -> int:
    parsed, label = _parse(url)
    ip = _target(parsed, settings.fetch_allow, label)
    with (
        httpx.Client(trust_env=False, follow_redirects=False, verify=_tls()) as client,
        _http_errors(label, settings.callback_timeout_s, "could not send"),
    ):
        request = _pinned_request(
            client, "POST", parsed, ip, sent, settings.callback_timeout_s, content=body
        )
        # Only the status matters: the answer's body is never read.
        response = client.send(request, stream=True)
        response.close()
    return response.status_code


def _tls() -> ssl.SSLContext:
    """The TLS settings of a request, made once per CA bundle (certifi's, as httpx's
    clients without the environment use): loading it takes 50 ms, more than a
    conditional GET of a feed."""
    import certifi

    return _tls_for(certifi.where())


@functools.lru_cache(maxsize=4)
def _tls_for(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


@contextmanager
def _http_errors(label: str, timeout_s: float, failed: str) -> Iterator[None]:
    """httpx's errors as :class:`SourceError` naming ``label``: a timeout, or ``failed``."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise SourceError(f"{label}: timed out after {timeout_s:g} s") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise SourceError(f"{label}: {failed} ({exc})") from exc


def check_url(url: str, settings: Settings) -> None:
    """Refuse, with :class:`SourceError`, a URL that :func:`fetch` would refuse before
    sending anything: its scheme, credentials or the addresses its host resolves to."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise SourceError(f"{url}: not a valid URL ({exc})") from exc
    label = str(parsed.copy_with(userinfo=b"")) if parsed.userinfo else url
    _target(parsed, settings.fetch_allow, label)


def check_address(ip: IPAddress | str, allow: Sequence[str] = ()) -> str | None:
    """Why ``ip`` must not be fetched from, or None when it may be.

    ``allow`` holds networks (or single addresses) that may be reached although private.
    Addresses that embed an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) are judged by
    that IPv4 address as well, since that is where the packets end up.
    """
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    inner = _embedded_v4(addr)
    networks = [net for net in (_as_network(entry) for entry in allow) if net is not None]
    for candidate in (addr, inner):
        if candidate is not None and any(candidate in net for net in networks):
            return None
    if isinstance(addr, ipaddress.IPv6Address) and addr in _NAT64_LOCAL:
        return f"{addr} is a local-use NAT64 address, not a public one"
    # Mapped and NAT64 addresses count as reserved IPv6; only the IPv4 target matters.
    wrapped = isinstance(addr, ipaddress.IPv6Address) and (
        addr.ipv4_mapped is not None or addr in _NAT64
    )
    if inner is not None and (problem := _problem(inner)):
        return f"{addr} leads to {inner}, {problem}"
    if not wrapped and (problem := _problem(addr)):
        return f"{addr} is {problem}"
    return None


def _problem(addr: IPAddress) -> str | None:
    # Explicit checks first for a precise message; is_global alone misses multicast and,
    # on older Pythons, several special ranges.
    checks = (
        (addr.is_unspecified, "an unspecified address"),
        (addr.is_loopback, "a loopback address"),
        (addr.is_link_local, "a link-local address"),
        (addr.is_multicast, "a multicast address"),
        (addr.is_reserved, "a reserved address"),
        (addr.is_private, "a private address"),
        (not addr.is_global, "not a public address"),
    )
    return next((why for bad, why in checks if bad), None)


def _embedded_v4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(addr, ipaddress.IPv6Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if addr.sixtofour is not None:
        return addr.sixtofour
    return addr.teredo[1] if addr.teredo is not None else None


def _as_network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError:
        return None  # a host name, matched by name in _target


def _target(url: httpx.URL, allow: Sequence[str], label: str) -> IPAddress:
    """Check one hop's URL and return the single address the request must go to."""
    if url.scheme not in ("http", "https"):
        raise SourceError(f"{label}: only http and https URLs can be fetched")
    if url.userinfo:
        raise SourceError(f"{label}: URLs with a user name or password are not fetched")
    host = url.raw_host.decode("ascii").rstrip(".").lower()
    if not host:
        raise SourceError(f"{label}: the URL has no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        # getaddrinfo also turns decimal, octal and hex IPv4 forms into dotted quads.
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise SourceError(f"{label}: cannot resolve host {host} ({exc})") from exc
    addrs = [ipaddress.ip_address(info[4][0]) for info in infos if info[0] in _FAMILIES]
    if not addrs:
        raise SourceError(f"{label}: host {host} has no IP address")
    names = {entry.strip().rstrip(".").lower() for entry in allow}
    if host not in names and url.host.rstrip(".").lower() not in names:
        # Any bad answer refuses the host: the resolver may hand out the others later.
        for addr in addrs:
            if problem := check_address(addr, allow):
                raise SourceError(f"{label}: refused: {problem}; {_ALLOW_HINT}")
    return addrs[0]


def _parse(url: str) -> tuple[httpx.URL, str]:
    """The URL, and how messages name it: without any password, as they end up in logs
    and terminals."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise SourceError(f"{url}: not a valid URL ({exc})") from exc
    return parsed, str(parsed.copy_with(userinfo=b"")) if parsed.userinfo else url


def _pinned_request(
    client: httpx.Client,
    method: str,
    url: httpx.URL,
    ip: IPAddress,
    headers: Mapping[str, str],
    timeout_s: float,
    content: bytes | None = None,
) -> httpx.Request:
    """A request to ``url`` sent to the address ``ip`` that was checked: the Host header,
    the TLS server name and the certificate check are the host's, not the address's."""
    return client.build_request(
        method,
        url.copy_with(host=str(ip)),
        content=content,
        headers={**headers, "Host": url.netloc.decode("ascii"), "User-Agent": USER_AGENT},
        timeout=httpx.Timeout(timeout_s),
        extensions={"sni_hostname": url.raw_host.decode("ascii")},
    )


def _get(
    url: str,
    settings: Settings,
    types: frozenset[str] | None,
    headers: Mapping[str, str],
    wanted: str,
    passed: frozenset[int] = frozenset(),
) -> _Body:
    """GET ``url`` following checked redirects; a status in ``passed`` is answered with
    an empty body, any other one from 300 up refused."""
    deadline = time.monotonic() + settings.fetch_timeout_s
    current, given = _parse(url)
    for hop in range(settings.fetch_max_redirects + 1):
        label = (
            given if hop == 0 else f"{current.copy_with(userinfo=b'')} (redirected from {given})"
        )
        ip = _target(current, settings.fetch_allow, label)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise SourceError(f"{label}: timed out after {settings.fetch_timeout_s:g} s")
        # trust_env=False: a proxy from the environment would resolve the host itself and
        # undo the address check. One client per hop: pooled connections are keyed by
        # address, and a reused one could carry another host's TLS session.
        with (
            httpx.Client(trust_env=False, follow_redirects=False, verify=_tls()) as client,
            _http_errors(label, settings.fetch_timeout_s, "could not fetch"),
        ):
            request = _pinned_request(
                client,
                "GET",
                current,
                ip,
                headers,
                min(settings.fetch_timeout_s, remaining),
            )
            response = client.send(request, stream=True)
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    current = current.join(response.headers["location"])
                    continue
                if response.status_code in passed:
                    status, given_headers = response.status_code, dict(response.headers)
                    return _Body(str(current), status, "", None, b"", given_headers)
                return _body(response, str(current), label, settings, types, wanted, deadline)
            finally:
                response.close()
    raise SourceError(f"{given}: more than {settings.fetch_max_redirects} redirects")


def _body(
    response: httpx.Response,
    final: str,
    label: str,
    settings: Settings,
    types: frozenset[str] | None,
    wanted: str,
    deadline: float,
) -> _Body:
    if response.status_code >= 300:
        phrase = response.reason_phrase or "error"
        raise SourceError(f"{label}: the server answered HTTP {response.status_code} {phrase}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if types is not None and content_type not in types:
        declared = content_type or "no content type"
        raise SourceError(f"{label}: is {declared}, not {wanted}")
    limit = settings.fetch_max_bytes
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise SourceError(f"{label}: is {length} bytes, larger than the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    # Counted after decompression, so a small gzip bomb cannot exceed the limit either.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise SourceError(f"{label}: is larger than the {limit}-byte limit")
        if time.monotonic() > deadline:
            raise SourceError(f"{label}: timed out after {settings.fetch_timeout_s:g} s")
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise SourceError(f"{label}: the server sent an empty body")
    return _Body(
        final,
        response.status_code,
        content_type,
        response.charset_encoding,
        data,
        dict(response.headers),
    )


def _decode(data: bytes, declared: str | None, label: str) -> tuple[str, str]:
    """Decode with the BOM, else the declared charset, else what the bytes say."""
    # A byte order mark beats any declared charset (HTML standard).
    marked = by_bom(data)
    if marked is not None:
        encoding, rest = marked
        return rest.decode(encoding, "replace"), encoding
    if declared:
        try:
            encoding = codecs.lookup(declared).name
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label is common; the bytes may still say
    if b"\x00" in data:
        raise SourceError(f"{label}: looks like binary data, not text")
    for guess in ("utf-8", declared_charset(data)):
        if guess is None:
            continue
        try:
            return data.decode(guess), guess
        except UnicodeDecodeError:
            continue
    # Legacy Windows pages are the commonest remainder; replace what does not map.
    return data.decode("cp1252", "replace"), "cp1252"
