"""Submitting articles: ``POST /v1/articles``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import KeyCallerDep, QueueDep, SettingsDep
from api.schemas import Accepted, ArticleIn, ErrorBody, Links
from narration.app.articles import submit
from narration.app.context import Context
from narration.service.views import api_url

router = APIRouter(prefix="/v1/articles", tags=["articles"])

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 409, 413, 422)
}


@router.post(
    "",
    status_code=202,
    responses={200: {"model": Accepted, "description": "Submitted before"}, **_ERRORS},
)
def submit_article(
    body: ArticleIn,
    response: Response,
    queue: QueueDep,
    settings: SettingsDep,
    caller: KeyCallerDep,
) -> Accepted:
    """Queue an article for narration. The same content again answers 200 with the job
    (and episode) it already has; 409 when another key submitted it."""
    assert caller.key_id is not None
    sub = body.submission(body.show or settings.show.slug, caller.key_id)
    done = submit(Context(settings, queue.db, queue=queue), caller, sub)
    if not done.new:
        response.status_code = 200
    return Accepted(
        id=done.job_id,
        status=done.status,
        links=Links(self=api_url(settings, done.job_id), feed=settings.feed_url),
    )
