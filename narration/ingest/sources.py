"""Read a source (a file path or ``-`` for stdin) into a decoded :class:`RawSource`."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import BinaryIO

from narration.config import FetchLimits
from narration.errors import SourceError
from narration.ingest.charset import by_bom, declared_charset
from narration.model import RawSource, SourceKind

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

KIND_BY_EXTENSION: dict[str, SourceKind] = {
    ".html": SourceKind.HTML,
    ".htm": SourceKind.HTML,
    ".xhtml": SourceKind.HTML,
    ".shtml": SourceKind.HTML,
    ".md": SourceKind.MARKDOWN,
    ".markdown": SourceKind.MARKDOWN,
    ".mdown": SourceKind.MARKDOWN,
    ".mkd": SourceKind.MARKDOWN,
    ".txt": SourceKind.TEXT,
    ".text": SourceKind.TEXT,
}

# A suffix only counts as a file type when it looks like one; "notes.2025-11-27" has none.
_EXTENSION = re.compile(r"^\.[A-Za-z][A-Za-z0-9]{0,7}$")

# Control characters that never occur in prose; tab, newlines and form feed are allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_RATIO = 0.001
_WORD = re.compile(r"[^\W\d_]{2,}|[\u3040-\u9fff\uac00-\ud7af]")
"""A word: two letters, or one CJK character."""

_HTML_START = ("<!doctype html", "<html", "<?xml")
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|p|div|span|a|h[1-6]|article|section|main|header|footer|"
    r"nav|ul|ol|li|br|meta|title|script|style|img|table)\b[^>]*>",
    re.I,
)
_MIN_HTML_TAGS = 5
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:.*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
_MD_LINK = re.compile(r"\[[^\]\n]+\]\((?:https?://|/)[^)\s]+\)")


def read_source(
    arg: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    limits: FetchLimits | None = None,
) -> RawSource:
    """Read ``arg`` (a path, an http(s) URL, or ``-`` for standard input) and decode it.

    Raises :class:`SourceError` naming the source and the problem when the source is
    missing, a directory, unreadable, empty, too large, binary or of an unsupported type,
    or a URL that :func:`narration.ingest.fetch.fetch` refuses (within ``limits``, the
    defaults when None).
    """
    if arg.lower().startswith(("http://", "https://")):
        # Imported here: reading a file never loads the HTTP client.
        from narration.ingest.fetch import fetch

        page = fetch(arg, limits if limits is not None else FetchLimits())
        text = _repair(page.text.replace("\r\n", "\n").replace("\r", "\n"))
        if not text.strip():
            raise SourceError(f"{page.url}: contains only whitespace")
        kind = SourceKind.TEXT if page.content_type == "text/plain" else SourceKind.HTML
        return RawSource(name=page.url, text=text, kind=kind, url=page.url)

    if arg == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = _read_capped(stream, "stdin", max_bytes)
        text = _decode(data, "stdin")
        return RawSource(name="stdin", text=text, kind=sniff_kind(text))

    path = Path(arg)
    declared = _kind_from_extension(path, arg)
    data = _read_file(path, arg, max_bytes)
    text = _decode(data, arg)
    kind = declared if declared is not None else sniff_kind(text)
    return RawSource(name=path.stem or path.name, text=text, kind=kind, path=path)


def from_text(text: str, kind: SourceKind, name: str, *, max_bytes: int) -> RawSource:
    """A document handed over as text (an API body) as a :class:`RawSource`, under the
    same checks as a file: size, binary content, nothing but whitespace."""
    check_text(text, name, max_bytes=max_bytes)
    repaired = _repair(text).replace("\r\n", "\n").replace("\r", "\n")
    if not repaired.strip():
        raise SourceError(f"{name}: contains only whitespace")
    return RawSource(name=name, text=repaired, kind=kind)


def check_text(text: str, name: str, *, max_bytes: int, kind: SourceKind | None = None) -> None:
    """The checks of :func:`from_text` that take time linear in the text and little of
    it: size, nothing but whitespace, binary content, and a quick look for words to read
    outside markup, scripts and front matter."""
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise SourceError(f"{name}: {_too_large(None, max_bytes)}")
    if not text.strip():
        raise SourceError(f"{name}: is empty")
    binary = SourceError(f"{name}: looks like binary data, not text")
    if "\x00" in text:
        raise binary
    _checked(text, binary, _MAX_CONTROL_RATIO)
    if not _WORD.search(_readable(text, kind or sniff_kind(text))):
        raise SourceError(f"{name}: has no words to read")


def _readable(text: str, kind: SourceKind) -> str:
    """Roughly what could be read of ``text``: for a quick look, not for reading."""
    if kind is SourceKind.HTML:
        # Lazy: lxml (~15 ms) only for HTML, not for text or Markdown sources.
        from lxml import etree
        from lxml import html as lxml_html  # lazy: as above

        try:
            root = lxml_html.fromstring(text)
        except (etree.ParserError, ValueError):
            return ""
        etree.strip_elements(root, "script", "style", "template", "noscript", with_tail=False)
        return str(root.text_content())
    if kind is SourceKind.MARKDOWN and text.startswith("---"):
        end = text.find("\n---", 3)
        return text[end + 4 :] if end >= 0 else ""
    return text


def sniff_kind(text: str) -> SourceKind:
    """Guess the kind of a document that has no telling file extension."""
    head = text.lstrip()[:4096]
    lowered = head.lower()
    if lowered.startswith(_HTML_START) or "<html" in lowered:
        return SourceKind.HTML
    if len(_HTML_TAG.findall(head)) >= _MIN_HTML_TAGS:
        return SourceKind.HTML
    if _FRONT_MATTER.match(head) or _MD_HEADING.search(head) or _MD_LINK.search(head):
        return SourceKind.MARKDOWN
    return SourceKind.TEXT


def _kind_from_extension(path: Path, label: str) -> SourceKind | None:
    suffix = path.suffix
    if not suffix or not _EXTENSION.match(suffix):
        return None
    kind = KIND_BY_EXTENSION.get(suffix.lower())
    if kind is None:
        raise SourceError(
            f"{label}: unsupported file type '{suffix}' (use HTML, Markdown or plain text)"
        )
    return kind


def _read_file(path: Path, label: str, max_bytes: int) -> bytes:
    try:
        if not path.exists():
            raise SourceError(f"{label}: no such file")
        if path.is_dir():
            raise SourceError(f"{label}: is a directory, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(f"{label}: {_too_large(size, max_bytes)}")
        with path.open("rb") as stream:
            return _read_capped(stream, label, max_bytes)
    except PermissionError as exc:
        raise SourceError(f"{label}: cannot read file (permission denied)") from exc
    except OSError as exc:
        raise SourceError(f"{label}: cannot read file ({exc.strerror or exc})") from exc


def _read_capped(stream: BinaryIO, label: str, max_bytes: int) -> bytes:
    # One byte more than allowed is enough to know the limit is crossed, without
    # holding an unbounded stream (or a file that grew since stat) in memory.
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SourceError(f"{label}: {_too_large(None, max_bytes)}")
    if not data:
        raise SourceError(f"{label}: is empty")
    return data


def _too_large(size: int | None, max_bytes: int) -> str:
    limit = _human_size(max_bytes)
    if size is None:
        return f"input is larger than the {limit} limit"
    return f"file is {_human_size(size)}, larger than the {limit} limit"


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _decode(data: bytes, label: str) -> str:
    text = _repair(_decode_bytes(data, label))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceError(f"{label}: contains only whitespace")
    return text


# Mojibake ("donâ€™t" for "don’t") and stray control characters are repaired; quotes
# stay curly and HTML entities are left to the HTML parser.
# Printable ASCII, tabs and newlines: nothing for ftfy to repair, so it is not loaded.
_NOTHING_TO_REPAIR = re.compile(r"[\t\n\x20-\x7e]*")


def _repair(text: str) -> str:
    if _NOTHING_TO_REPAIR.fullmatch(text):
        return text
    # Lazy: ftfy (~50 ms) only when mis-decoded text needs repair.
    import ftfy

    config = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, explain=False)
    return ftfy.fix_text(text, config)


def _decode_bytes(data: bytes, label: str) -> str:
    binary = SourceError(f"{label}: looks like binary data, not text")
    marked = by_bom(data)
    if marked is not None:
        encoding, rest = marked
        try:
            text = rest.decode(encoding)
        except UnicodeDecodeError as exc:
            raise binary from exc
        return _checked(text, binary, _MAX_CONTROL_RATIO)
    if b"\x00" in data:
        raise binary
    try:
        return _checked(data.decode("utf-8"), binary, _MAX_CONTROL_RATIO)
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared is not None:
        try:
            return _checked(data.decode(declared), binary, _MAX_CONTROL_RATIO)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        # Legacy Windows text is common in old pages, alone or pasted into UTF-8, but
        # random bytes decode as cp1252 too; control characters are the giveaway.
        return _checked(_decode_mixed(data), binary, 0.0)
    except UnicodeDecodeError as exc:
        raise binary from exc


_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


def _decode_mixed(data: bytes) -> str:
    """UTF-8 where it is valid, cp1252 for the bytes that are not."""

    def legacy(match: re.Match[str]) -> str:
        return bytes(ord(ch) - 0xDC00 for ch in match.group()).decode("cp1252")

    return _ESCAPED_BYTES.sub(legacy, data.decode("utf-8", "surrogateescape"))


def _checked(text: str, error: SourceError, max_ratio: float) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > max_ratio * len(text):
        raise error
    return text
