"""Finding the text encoding of bytes the way browsers do: a byte order mark first, then
a charset declared in a ``<meta>`` of the first 1024 bytes. Shared by files read from
disk (``sources``) and pages fetched over HTTP (``fetch``)."""

from __future__ import annotations

import codecs
import re

BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# The HTML standard's encoding prescan looks at the first 1024 bytes for a meta charset.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_PRESCAN_BYTES = 1024


def by_bom(data: bytes) -> tuple[str, bytes] | None:
    """The encoding a byte order mark at the start names, and the bytes after it."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, data[len(bom) :]
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the first 1024 bytes names, if Python knows it."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
