"""Submitting articles: ``POST /v1/articles``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ApiKeyDep, QueueDep, SettingsDep
from api.schemas import Accepted, ArticleIn, ErrorBody, Links
from narration.jobs import key_fingerprint

router = APIRouter(prefix="/v1/articles", tags=["articles"])

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 413, 422)
}


@router.post(
    "",
    status_code=202,
    responses={200: {"model": Accepted, "description": "Submitted before"}, **_ERRORS},
)
def submit_article(
    body: ArticleIn, response: Response, queue: QueueDep, settings: SettingsDep, key: ApiKeyDep
) -> Accepted:
    """Queue an article for narration. The same content again answers 200 with the job
    (and episode) it already has."""
    sub = body.submission(body.show or settings.show_slug, key_fingerprint(key))
    job_id, new = queue.submit(sub)
    job = queue.store.get(job_id)
    if not new:
        response.status_code = 200
    return Accepted(
        id=job_id,
        status=job.status if job is not None else "queued",
        links=Links(self=f"/v1/episodes/{job_id}", feed=settings.feed_url),
    )
