"""A cap on request bodies, enforced while they are read rather than after; and JSON
bodies held to text that can be stored."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_WRITES = frozenset({"POST", "PUT", "PATCH"})
# A JSON escape: \uXXXX (its four hex digits taken), or any other backslash pair.
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


class BodyLimit:
    """Answer 413 to a write whose body is larger than ``max_bytes``: at once when its
    ``Content-Length`` says so, else as soon as the bytes read so far cross the limit;
    422 to a JSON body that holds text no database or file can take (see
    :func:`unstorable_text`). The body read is handed on to the app as it came."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _too_large(send, "the Content-Length header is not a number", 400)
                    return
                if declared > self.max_bytes:
                    await _too_large(send, self._message())
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _too_large(send, self._message())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = unstorable_text(body) if _json_body(scope) else None
        if problem is not None:
            await _refuse(send, problem, 422, "bad_input")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"the request body is larger than the {self.max_bytes // (1024 * 1024)} MB limit"


def _json_body(scope: Scope) -> bool:
    """Whether the app reads the request's body as JSON (FastAPI does when its media
    type is JSON or missing)."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = bytes(value).split(b";", 1)[0].strip().lower()
            return media == b"application/json" or (
                media.startswith(b"application/") and media.endswith(b"+json")
            )
    return True


def unstorable_text(body: bytes) -> str | None:
    """What makes the JSON ``body`` hold text that cannot be stored, or None: bytes
    that are not UTF-8 (an encoded surrogate included), a lone surrogate escape
    (``\\ud800``) or a NUL (``\\u0000``, which PostgreSQL's text refuses). Such text
    is refused whole rather than repaired, so nothing is stored other than as sent."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the body is not JSON in UTF-8 (byte {exc.start} is not UTF-8)"
    if b"\\u" not in body or _escapes_storable(body):
        return None
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the app says so
    found = _unstorable_at(doc)
    if found is None:
        return None
    where, what = found
    named = f"{where}: " if where else ""
    return f"{named}{what}, not text that can be stored"


def _escapes_storable(body: bytes) -> bool:
    """Whether every \\u escape of ``body`` is a character that can be stored: no NUL, and
    each surrogate escape a high one followed at once by a low one."""
    high_ends = -1  # where the last high surrogate escape ended, while it awaits its pair
    for found in _ESCAPE.finditer(body):
        digits = found.group(1)
        code = int(digits, 16) if digits is not None else None
        if high_ends >= 0:
            if code is None or not 0xDC00 <= code <= 0xDFFF or found.start() != high_ends:
                return False
            high_ends = -1
            continue
        if code is None:
            continue
        if 0xD800 <= code <= 0xDBFF:
            high_ends = found.end()
        elif code == 0 or 0xDC00 <= code <= 0xDFFF:
            return False
    return high_ends < 0


def _unstorable_at(doc: Any) -> tuple[str, str] | None:
    """The path (``categories.0``) of the first string in ``doc`` (a key or a value)
    that cannot be stored, and what it holds; None when there is none."""
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            named = path.encode("utf-8", "backslashreplace").decode("utf-8")
            if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
                return named, "a lone surrogate (such as \\ud800) is not a character"
            if "\x00" in value:
                return named, "a NUL (\\u0000) is binary"
            continue
        if isinstance(value, dict):
            pairs = list(value.items())
        elif isinstance(value, list):
            pairs = list(enumerate(value))
        else:
            continue
        for key, item in reversed(pairs):
            here = f"{path}.{key}" if path else str(key)
            stack.append((here, item))
            if isinstance(key, str):
                stack.append((here, key))
    return None


async def _refuse(send: Send, message: str, status: int, code: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, message: str, status: int = 413) -> None:
    code = "too_large" if status == 413 else "bad_request"
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
