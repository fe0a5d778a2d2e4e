"""Error answers: one JSON shape for every error, and a 500 that says no more than
"internal error" with the request's id (the detail goes to the log, under that id).

Every request gets an id (the client's ``X-Request-ID`` when it is a plain token), sent
back in ``X-Request-ID`` and put on every log line written while handling it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schemas import ErrorBody, ErrorDetail
from narration.errors import BadInput, ConflictError, Forbidden, NotFound, Refused, WrongState
from narration.logs import new_request_id, request_id

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
    503: "unavailable",
}


def register(app: FastAPI) -> None:
    """Install the error handlers on ``app``."""
    app.add_exception_handler(BadInput, _bad_input)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)


def error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=dict(headers or {}))


class RequestId:
    """Gives every HTTP request an id, for the log and the ``X-Request-ID`` answer header,
    and answers any error no handler took (the core's own failures included) with a 500
    that names the id: the detail is logged, never sent (a database error's SQL, a path or
    a URL never reaches the client)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", ())).get(b"x-request-id", b"").decode("latin-1")
        ident = new_request_id(given)
        token = request_id.set(ident)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = ident
            await send(message)

        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            method, path = scope.get("method", ""), scope.get("path", "")
            log.error("%s %s failed (request %s): %s", method, path, ident, exc, exc_info=exc)
            if started:
                raise  # the answer is under way: the server closes the connection
            await internal_error(ident)(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


async def _bad_input(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, ConflictError):
        return error(409, "conflict", str(exc))
    return error(422, "bad_input", str(exc))


REFUSALS: dict[type[Refused], int] = {NotFound: 404, Forbidden: 403, WrongState: 409}
"""The status of each refusal of the use cases (``narration.app``)."""


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    status = next(code for kind, code in REFUSALS.items() if isinstance(exc, kind))
    return error(status, CODES[status], str(exc))


def internal_error(ident: str) -> JSONResponse:
    return error(
        500,
        "internal_error",
        f"internal error; the service's log has the detail under request id {ident}",
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err.get("loc", ()) if part != "body")
        message = str(err.get("msg", "invalid"))
        problems.append(f"{where}: {message}" if where else message)
    return error(422, "invalid_request", "; ".join(problems) or "invalid request")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error(exc.status_code, code, message, exc.headers)
