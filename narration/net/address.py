"""Where an outbound request may go: URLs checked, hosts resolved once, addresses judged.

A URL comes from whoever submits an article, a callback or a feed, so sending to it must
not become a way to reach loopback services, cloud metadata endpoints or the intranet
(SSRF). :func:`target` checks one URL and answers the single address the request must be
sent to, so that a second DNS answer cannot move it elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

import httpx

from narration.config import FetchLimits
from narration.errors import SourceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str, int], list[IPAddress]]
"""A host name and port to the addresses it resolves to, in the resolver's order."""

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# RFC 8215 local-use NAT64 prefix: translated by a private gateway, so never public.
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_FAMILIES = (socket.AF_INET, socket.AF_INET6)
_ALLOW_HINT = "add the host or network to NARRATION_FETCH_ALLOW to allow it"


def system_resolve(host: str, port: int) -> list[IPAddress]:
    """The host's addresses from the system resolver; :class:`OSError` when it has none."""
    # Looked up on the module at each call, so that tests may stand in for the resolver.
    # getaddrinfo also turns decimal, octal and hex IPv4 forms into dotted quads.
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos if info[0] in _FAMILIES]


def check_url(url: str, limits: FetchLimits) -> None:
    """Refuse, with :class:`SourceError`, a URL that the client would refuse before
    sending anything: its scheme, credentials or the addresses its host resolves to."""
    parsed, label = parse_url(url)
    target(parsed, limits.allow, label)


def parse_url(url: str) -> tuple[httpx.URL, str]:
    """The URL, and how messages name it: without any password, as they end up in logs
    and terminals."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise SourceError(f"{url}: not a valid URL ({exc})") from exc
    return parsed, str(parsed.copy_with(userinfo=b"")) if parsed.userinfo else url


def target(
    url: httpx.URL, allow: Sequence[str], label: str, resolve: Resolve = system_resolve
) -> IPAddress:
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
        addrs = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise SourceError(f"{label}: cannot resolve host {host} ({exc})") from exc
    if not addrs:
        raise SourceError(f"{label}: host {host} has no IP address")
    names = {entry.strip().rstrip(".").lower() for entry in allow}
    if host not in names and url.host.rstrip(".").lower() not in names:
        # Any bad answer refuses the host: the resolver may hand out the others later.
        for addr in addrs:
            if problem := check_address(addr, allow):
                raise SourceError(f"{label}: refused: {problem}; {_ALLOW_HINT}")
    return addrs[0]


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
        return None  # a host name, matched by name in target
