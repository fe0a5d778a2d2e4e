"""Episodes as the API shows them: the state of each submitted article and its files; a
new version of an episode (``PUT``) and its deletion (``DELETE``).

A deleted episode leaves the feed at once and then answers 404, like an id never seen;
its files stay for ``delete_grace_s`` for listeners part-way through.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import (
    CallerDep,
    CatalogDep,
    DatabaseDep,
    JobsDep,
    KeyCallerDep,
    QueueDep,
    SettingsDep,
)
from api.schemas import Accepted, ArticleIn, EpisodeOut, EpisodePage, ErrorBody, Links
from api.visibility import access_of
from narration.app.articles import replace
from narration.app.context import Context
from narration.app.episodes import (
    catalog_episode,
    job_episode,
    not_found,
    stored_check,
    visible_job,
    withdraw,
)
from narration.check.result import CheckResult
from narration.config import Settings
from narration.keys import Caller
from narration.model import Episode
from narration.service.views import api_url, episode_view
from narration.store.catalog import Catalog
from narration.store.jobs import Job, JobView

router = APIRouter(prefix="/v1/episodes", tags=["episodes"])

_WRITE_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422)
}


@router.get("")
def list_episodes(
    request: Request,
    jobs_: JobsDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> EpisodePage:
    """Submitted articles and their episodes, newest first: a key's own (every key's for
    an admin key), or the narrated ones of public shows for an anonymous caller."""
    private = access_of(request).private_shows() or frozenset()
    view = JobView(key_id=caller.key_id, everything=caller.admin, hidden_shows=private)
    total = jobs_.count(view=view)
    jobs = jobs_.page(limit, offset, view=view)
    items = [_out(job, job_episode(catalog, job), settings, caller, catalog) for job in jobs]
    following = offset + limit
    return EpisodePage(
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next=(
            settings.url_for(f"v1/episodes?limit={limit}&offset={following}")
            if following < total
            else None
        ),
    )


@router.get("/{episode_id}", responses={404: {"model": ErrorBody}})
def get_episode(
    episode_id: str,
    request: Request,
    response: Response,
    jobs: JobsDep,
    catalog: CatalogDep,
    settings: SettingsDep,
    caller: CallerDep,
) -> EpisodeOut:
    """One submitted article: its status, its error if it failed, and its files once done.
    Also an episode narrated from the command line, by its catalog id. Public once
    narrated (the player reads it from any origin); before that, and its error, only
    for the key that submitted it."""
    response.headers["access-control-allow-origin"] = "*"
    job = visible_job(jobs, episode_id, caller)
    if job is None:
        found = catalog_episode(catalog, episode_id)
        _refuse_private(request, caller, found.owner, found.show, episode_id)
        check = _check_result(catalog, found) if caller.owns(found.owner) else None
        return episode_view(None, found, settings, check)
    _refuse_private(request, caller, job.submission.key_id, job.show, episode_id)
    return _out(job, job_episode(catalog, job), settings, caller, catalog)


@router.put(
    "/{episode_id}",
    status_code=202,
    responses={200: {"model": Accepted, "description": "Submitted before"}, **_WRITE_ERRORS},
)
def replace_episode(
    episode_id: str,
    body: ArticleIn,
    response: Response,
    queue: QueueDep,
    settings: SettingsDep,
    caller: KeyCallerDep,
) -> Accepted:
    """Narrate new content for the article of a done episode (by its job's id or its
    catalog id). When the new job is done the episode has new audio (a new file name) and
    the same guid in the feed."""
    assert caller.key_id is not None
    sub = body.submission(body.show or settings.show.slug, caller.key_id)
    ctx = Context(settings, queue.db, queue=queue)
    done = replace(ctx, caller, episode_id, sub, show=body.show)
    if not done.new:
        response.status_code = 200
    return Accepted(
        id=done.job_id,
        status=done.status,
        links=Links(self=api_url(settings, done.job_id), feed=settings.feed_url),
    )


@router.delete("/{episode_id}", status_code=204, responses=_WRITE_ERRORS)
def delete_episode(
    episode_id: str, db: DatabaseDep, settings: SettingsDep, caller: KeyCallerDep
) -> Response:
    """Take the episode out of the feed now; its files go after ``delete_grace_s``.
    Afterwards its id (and the ids of its earlier versions) answer 404. Takes the id of
    the job that made the episode or the episode's own catalog id."""
    withdraw(Context(settings, db), caller, episode_id)
    return Response(status_code=204)


# HEAD answers like GET without the body; the spec lists GET alone.
router.add_api_route("", list_episodes, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/{episode_id}", get_episode, methods=["HEAD"], include_in_schema=False)


def _refuse_private(
    request: Request, caller: Caller, owner: str | None, show: str, episode_id: str
) -> None:
    """404 for a private show's episode, unless the caller submitted it: those episodes
    are for the subscribers' feeds, not the public API."""
    if not caller.owns(owner) and not access_of(request).public_show(show):
        raise not_found(episode_id)


def _check_result(catalog: Catalog, ep: Episode | None) -> CheckResult | None:
    stored = stored_check(catalog, ep)
    return stored.result if stored is not None else None


def _out(
    job: Job, ep: Episode | None, settings: Settings, caller: Caller, catalog: Catalog
) -> EpisodeOut:
    # An error may quote the article, and a check quotes what was heard: both are for
    # the key that submitted it (and admins) only.
    if not caller.owns(job.submission.key_id):
        view = episode_view(job, ep, settings, None)
        view.error = None
        return view
    return episode_view(job, ep, settings, _check_result(catalog, ep))
