"""Private feed tokens: create one per subscriber, list them, revoke one."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from api.deps import ApiKeyDep, SettingsDep
from api.routes.media import access_of
from narration.config import Settings
from narration.publish.private import private_prefix
from narration.publish.shows import settings_for
from narration.store.tokens import FeedToken

router = APIRouter(tags=["private feeds"])


class TokenIn(BaseModel):
    label: str | None = Field(default=None, max_length=200)
    """Who the token is for, e.g. a subscriber's e-mail; shown when listing."""


class TokenOut(BaseModel):
    token: str
    show: str
    label: str | None
    feed_url: str
    created_at: str
    revoked: bool


def _out(token: FeedToken, settings: Settings) -> TokenOut:
    return TokenOut(
        token=token.token,
        show=token.show,
        label=token.label,
        feed_url=settings.url_for(private_prefix(token.token) + "feed.xml"),
        created_at=token.created_at.isoformat(),
        revoked=not token.active,
    )


@router.post("/v1/shows/{slug}/tokens", status_code=201, response_model=TokenOut)
def create_token(
    slug: str, body: TokenIn, request: Request, settings: SettingsDep, key: ApiKeyDep
) -> TokenOut:
    """A subscriber's token; the show's files, feed and pages leave the public paths."""
    settings_for(settings, slug)  # an unknown show is bad input
    return _out(access_of(request).create(slug, body.label), settings)


@router.get("/v1/shows/{slug}/tokens", response_model=list[TokenOut])
def list_tokens(
    slug: str, request: Request, settings: SettingsDep, key: ApiKeyDep
) -> list[TokenOut]:
    settings_for(settings, slug)
    return [_out(t, settings) for t in access_of(request).store.list(slug)]


@router.delete("/v1/tokens/{token}", status_code=204)
def revoke_token(token: str, request: Request, key: ApiKeyDep) -> Response:
    if not access_of(request).store.revoke(token):
        raise HTTPException(status_code=404, detail="no such active token")
    return Response(status_code=204)
