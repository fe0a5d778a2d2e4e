"""The context a route hands to a use case of ``narration.app``: the app's settings and
database, and the parts of the app a use case asks for (opened on first use). Blocks on
the database: call it from a worker thread (a route that is not ``async``)."""

from __future__ import annotations

from fastapi import Request

from api.counting import counter_of
from api.deps import db_of, queue_of
from api.visibility import access_of
from narration.app.context import Context


def context_of(
    request: Request, *, queue: bool = False, access: bool = False, counter: bool = False
) -> Context:
    app = request.app
    return Context(
        settings=app.state.settings,
        db=db_of(app),
        queue=queue_of(app) if queue else None,
        access=access_of(request) if access else None,
        counter=counter_of(app) if counter else None,
    )
