"""The listening check of an episode: ``GET /v1/episodes/{id}/check`` (with an API key:
the key that submitted the episode, or an admin key) and the editors' page
``GET /editor/checks/{id}``, which holds no data: its script asks the API with the key
the editor types, lists the flagged sentences, plays each one's moment of the audio and
copies its lexicon line."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from api.deps import DatabaseDep, KeyCallerDep, SettingsDep
from api.rendering import Pages, security_headers
from api.schemas import ErrorBody
from narration.app.context import Context
from narration.app.episodes import episode_check
from narration.check.result import result_json

router = APIRouter(tags=["episodes"])


class FlaggedOut(BaseModel):
    text: str
    """The sentence as the article writes it."""
    heard: str
    """What the recogniser heard while it was read."""
    start_s: float
    end_s: float | None = None
    """When the sentence ends in the audio (checks kept before it was recorded: none)."""
    score: float
    """Agreement, 0 to 1 (1 minus the sentence's word error rate)."""


class NaturalnessOut(BaseModel):
    """DNSMOS, Microsoft's predictor of how listeners rate speech (1 to 5), averaged over
    the episode: trained on noise-suppressed speech, so a coarse figure, best to compare
    voices on the same text."""

    mos: float
    """P.808 mean opinion score."""
    ovrl: float
    """P.835 overall quality."""


class CheckOut(BaseModel):
    """An episode heard back by the speech recogniser."""

    episode_id: str
    title: str
    audio_url: str
    page_url: str
    """The editors' page of this check: the flagged sentences, to play and fix."""
    wer: float
    """Word error rate of the whole episode."""
    sentences: int
    flagged: list[FlaggedOut]
    lexicon_suggestions: dict[str, str]
    """Names heard wrong, each with a respelling to try in the show's lexicon."""
    language: str | None = None
    checked_at: str | None = None
    naturalness: NaturalnessOut | None = None
    """None for checks kept before it was measured, or without the speechmos models."""


@router.get(
    "/v1/episodes/{episode_id}/check",
    responses={code: {"model": ErrorBody} for code in (401, 403, 404)},
)
def get_check(
    episode_id: str, db: DatabaseDep, settings: SettingsDep, caller: KeyCallerDep
) -> JSONResponse:
    """The listening check of the episode's current version: 404 until it was heard."""
    ep, check = episode_check(Context(settings, db), caller, episode_id)
    kept = result_json(check.result)
    body = CheckOut.model_validate(
        {
            **{k: kept[k] for k in CheckOut.model_fields if k in kept},
            "episode_id": episode_id,
            "title": ep.title,
            "audio_url": settings.url_for(ep.audio_name),
            "page_url": settings.url_for(f"editor/checks/{ep.id}"),
        }
    )
    return JSONResponse(body.model_dump(), headers={"cache-control": "no-store"})


def check_page(episode_id: str, request: Request, settings: SettingsDep) -> HTMLResponse:
    """The editors' page of one episode's check: a key form and an empty list."""
    if len(episode_id) > 64 or not episode_id.isalnum():
        raise HTTPException(status_code=404, detail="no such episode")
    pages: Pages = request.app.state.pages
    body = pages.env.get_template("checks.html").render(
        title=settings.show.title, episode_id=episode_id
    )
    return HTMLResponse(body, headers=security_headers(settings, embed=False))


router.add_api_route(
    "/editor/checks/{episode_id}", check_page, include_in_schema=False, response_class=HTMLResponse
)
