"""Submitting articles: ``POST /v1/articles``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import KeyCallerDep, QueueDep, SettingsDep, require_publisher
from api.schemas import Accepted, ArticleIn, ErrorBody, Links
from narration.errors import ConflictError
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
    show = body.show or settings.show.slug
    require_publisher(caller, settings, show)
    sub = body.submission(show, caller.key_id)
    job_id, new = queue.submit(sub)
    job = queue.store.get(job_id)
    if not new:
        if job is not None and not caller.owns(job.submission.key_id):
            named = f"episode {job.episode_id}" if job.episode_id else f"job {job.id}"
            raise ConflictError(
                f"this article was already submitted with another API key ({named})",
                job.episode_id or job.id,
            )
        response.status_code = 200
    return Accepted(
        id=job_id,
        status=job.status if job is not None else "queued",
        links=Links(self=api_url(settings, job_id), feed=settings.feed_url),
    )
