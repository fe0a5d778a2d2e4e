"""Logging for the long-running commands: JSON lines when not on a terminal, and the id
of the request (or job) being handled on every line logged while handling it."""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the request or job this context handles (None outside one)."""

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_PASSWORD_IN_URL = re.compile(r"(?<=://)([^/@\s:]+):[^/@\s]*@")
_PRIVATE_TOKEN = re.compile(r"(/private/)[^/?\s]+")


def new_request_id(given: str | None = None) -> str:
    """The id for a request: the client's ``X-Request-ID`` when it is a plain token,
    else a new one."""
    if given and _SAFE_ID.match(given):
        return given
    return uuid.uuid4().hex


def redact(text: str) -> str:
    """``text`` with the password of any URL in it replaced by ``***``."""
    return _PASSWORD_IN_URL.sub(r"\1:***@", text)


class RequestContext(logging.Filter):
    """Adds ``request_id`` to every record, and takes passwords out of its message; takes
    the client's address and any private feed's token out of the access log's lines (the
    address is personal data, counted only as a daily hash; a token is a password)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        if (
            record.name == "uvicorn.access"
            and isinstance(record.args, tuple)
            and len(record.args) >= 3
        ):
            # uvicorn logs (client address, method, path, HTTP version, status).
            _, method, path, *rest = record.args
            record.args = ("-", method, _PRIVATE_TOKEN.sub(r"\1***", str(path)), *rest)
        # uvicorn's copy of its message with terminal colours: noise in a JSON line.
        record.__dict__.pop("color_message", None)
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure(level: int = logging.INFO, *, as_json: bool | None = None) -> None:
    """Log to stderr: JSON lines (time, level, logger, message, request id) when stderr is
    not a terminal or ``as_json``, else plain lines. uvicorn's loggers go the same way."""
    # Lazy: python-json-logger (~20 ms) only for serve and worker; the store imports this.
    from pythonjsonlogger.json import JsonFormatter

    use_json = (not sys.stderr.isatty()) if as_json is None else as_json
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContext())
    if use_json:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("narration: %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("narration").setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "huey"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
        logger.setLevel(level if name != "huey" else logging.WARNING)
