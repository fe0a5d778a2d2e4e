"""Private feed tokens: create one per subscriber, list them, revoke one."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field

from api.deps import ApiKeyDep, SettingsDep
from narration.catalog import Catalog
from narration.config import Settings
from narration.private import FeedToken, TokenStore, private_prefix
from narration.shows import settings_for

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


def _store(settings: Settings) -> tuple[TokenStore, Catalog]:
    from narration.pipeline import open_catalog

    catalog = open_catalog(settings)
    return TokenStore(catalog.engine), catalog


@router.post("/v1/shows/{slug}/tokens", status_code=201, response_model=TokenOut)
def create_token(slug: str, body: TokenIn, settings: SettingsDep, key: ApiKeyDep) -> TokenOut:
    settings_for(settings, slug)  # an unknown show is bad input
    store, catalog = _store(settings)
    try:
        return _out(store.create(slug, body.label), settings)
    finally:
        catalog.close()


@router.get("/v1/shows/{slug}/tokens", response_model=list[TokenOut])
def list_tokens(slug: str, settings: SettingsDep, key: ApiKeyDep) -> list[TokenOut]:
    settings_for(settings, slug)
    store, catalog = _store(settings)
    try:
        return [_out(t, settings) for t in store.list(slug)]
    finally:
        catalog.close()


@router.delete("/v1/tokens/{token}", status_code=204)
def revoke_token(token: str, settings: SettingsDep, key: ApiKeyDep) -> Response:
    store, catalog = _store(settings)
    try:
        if not store.revoke(token):
            raise HTTPException(status_code=404, detail="no such active token")
    finally:
        catalog.close()
    return Response(status_code=204)
