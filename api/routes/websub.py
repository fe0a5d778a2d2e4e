"""The WebSub callback of a followed source: the hub's check of a subscription (GET) and
its content pushes (POST, signed with the subscription's secret)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool

from api.deps import DatabaseDep, QueueDep, SettingsDep
from narration.service.follow import Follower
from narration.service.websub import MAX_LEASE_S, WebSub
from narration.store.sources import SourceStore

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/websub", tags=["sources"], include_in_schema=False)


@router.get("/{source_id}")
def verify(
    source_id: str,
    settings: SettingsDep,
    db: DatabaseDep,
    mode: Annotated[str, Query(alias="hub.mode", max_length=32)] = "",
    topic: Annotated[str, Query(alias="hub.topic", max_length=2000)] = "",
    challenge: Annotated[str, Query(alias="hub.challenge", max_length=512)] = "",
    lease: Annotated[int | None, Query(alias="hub.lease_seconds", ge=0, le=MAX_LEASE_S)] = None,
) -> Response:
    """Echo the hub's challenge when it answers a subscription request this service has
    pending (an empty 200 for its denial); 404, changing nothing, else."""
    answer = WebSub(settings, SourceStore(db)).verify(source_id, mode, topic, challenge, lease)
    if answer is None:
        raise HTTPException(status_code=404, detail="no such subscription request")
    # The challenge is the hub's text, sent back as it came: never to be read as HTML.
    return PlainTextResponse(answer, headers={"X-Content-Type-Options": "nosniff"})


@router.post("/{source_id}", status_code=202)
async def push(
    source_id: str, request: Request, settings: SettingsDep, db: DatabaseDep, queue: QueueDep
) -> Response:
    """New content of the source, pushed by its hub: read like a poll's when its
    ``X-Hub-Signature`` is right, else ignored (the hub still gets a 2xx, as WebSub asks)."""
    store = SourceStore(db)
    source = store.get(source_id[:64])
    if source is None:
        raise HTTPException(status_code=404, detail="no such subscription")
    body = await request.body()
    if not WebSub(settings, store).signed(source, body, request.headers.get("x-hub-signature")):
        log.warning("source %s: a WebSub push without a valid signature was ignored", source.url)
        return Response(status_code=202)
    follower = Follower(settings, db, lambda sub: queue.submit(sub)[0])
    await run_in_threadpool(follower.accept_push, source, body)
    return Response(status_code=202)
