"""API keys: what the catalog records of them, and who may change what.

A job and its episode record the fingerprint of the key that submitted them, never the
key. A key reads, changes and deletes only its own articles; an admin key every one. A show
belongs to the keys it names as owners (``show_owners``): they alone, and the admin keys,
manage it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from narration.config import Settings


def key_fingerprint(key: str) -> str:
    """What a job records of the API key that submitted it: never the key itself."""
    return hashlib.sha256(b"narration-api-key\n" + key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Caller:
    """Who is asking: an API key's fingerprint (None when anonymous) and whether it is an
    admin key."""

    key_id: str | None = None
    admin: bool = False

    @classmethod
    def of(cls, key: str | None, settings: Settings) -> Caller:
        if key is None:
            return cls()
        return cls(key_fingerprint(key), key in settings.admin_keys)

    @classmethod
    def operator(cls) -> Caller:
        """The command line: the operator of the output directory may change anything."""
        return cls(None, admin=True)

    def owns(self, owner: str | None) -> bool:
        """Whether this caller may read the private state of, change and delete an article
        submitted by ``owner`` (None: made from the command line)."""
        return self.admin or (self.key_id is not None and owner == self.key_id)

    def manages(self, owners: frozenset[str]) -> bool:
        """Whether this caller may manage a show owned by the key ids ``owners``: its
        tokens, sources and private state (an admin any show; no other key a show that
        names no owners)."""
        return self.admin or (self.key_id is not None and self.key_id in owners)

    def may_publish(self, owners: frozenset[str]) -> bool:
        """Whether this caller may publish articles into a show owned by ``owners``: any
        key into a show that names no owners."""
        return not owners or self.manages(owners)


def submitting_keys(settings: Settings) -> list[str]:
    """Every key that may submit articles: the API keys and the admin keys."""
    return [*settings.api_keys, *settings.admin_keys]


def admin_fingerprints(settings: Settings) -> frozenset[str]:
    """The fingerprints of the admin keys (what a job records of its key)."""
    return frozenset(key_fingerprint(key) for key in settings.admin_keys)
