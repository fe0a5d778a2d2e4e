"""Who a request comes from, without keeping who it is: the client's address (from a
trusted proxy's ``X-Forwarded-For`` when one is configured), cut to its network for
IPv6, and a salted hash of it with the user agent.

IPv6 addresses are cut to their /64: one household or phone is given a whole /64 and
changes the rest of its address often (RFC 8981 temporary addresses), so two addresses
in one /64 are one listener, as the IAB guidelines ask.
"""

from __future__ import annotations

import functools
import hashlib
import socket
from collections.abc import Sequence

_MAPPED = bytes(10) + b"\xff\xff"


def client_address(peer: str | None, forwarded_for: str | None, trusted: Sequence[str]) -> str:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the last
    address of ``X-Forwarded-For`` that is not itself a trusted proxy."""
    address = peer or ""
    if forwarded_for and address in trusted:
        for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
            if hop and hop not in trusted:
                return hop
    return address


@functools.lru_cache(maxsize=65_536)
def network_of(address: str) -> str:
    """The part of ``address`` that names a listener: an IPv4 address whole, an IPv6
    address's /64 (an IPv4-mapped IPv6 address as the IPv4 address). Text that is not
    an address is kept as it is (it is hashed like an address)."""
    text = address.strip().strip("[]").split("%")[0]
    try:
        packed = socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except OSError:
        return address
    if len(packed) == 4:
        return socket.inet_ntop(socket.AF_INET, packed)
    if packed[:12] == _MAPPED:
        return socket.inet_ntop(socket.AF_INET, packed[12:])
    return socket.inet_ntop(socket.AF_INET6, packed[:8] + bytes(8)) + "/64"


def listener_hash(salt: str, address: str, user_agent: str) -> str:
    """32 hex digits naming (network, user agent) for as long as ``salt`` lives."""
    text = f"{network_of(address)}\n{user_agent}".encode("utf-8", "replace")
    return hashlib.blake2b(text, digest_size=16, key=salt.encode()[:64]).hexdigest()
