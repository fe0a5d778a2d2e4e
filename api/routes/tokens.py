"""A show's access, managed by its owners and the admin keys: whether it is private, and its
private feed tokens (create one per subscriber, list them, revoke one).

Making a show private is its own request; a token never changes it. Another key gets 403,
an anonymous caller 401.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.context import context_of
from api.deps import KeyCallerDep, SettingsDep
from narration.app import shows
from narration.app.shows import ShowAccess
from narration.config import Settings
from narration.publish.private import private_prefix
from narration.store.tokens import FeedToken

router = APIRouter(tags=["private feeds"])


class TokenIn(BaseModel):
    label: str | None = Field(default=None, max_length=200)
    """Who the token is for, e.g. a subscriber's e-mail; shown to the show's owners."""


class TokenOut(BaseModel):
    token: str
    show: str
    label: str | None
    feed_url: str
    created_at: str
    revoked: bool


class AccessIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    private: bool
    """True: the show's feed, pages and files leave the public paths, for its tokens'
    feeds alone. False: public again."""


class AccessOut(BaseModel):
    show: str
    private: bool
    feed_url: str
    """The public feed (404 while the show is private)."""
    tokens: int
    """Active tokens."""


def _out(token: FeedToken, settings: Settings) -> TokenOut:
    return TokenOut(
        token=token.token,
        show=token.show,
        label=token.label,
        feed_url=settings.url_for(private_prefix(token.token) + "feed.xml"),
        created_at=token.created_at.isoformat(),
        revoked=not token.active,
    )


def _access(found: ShowAccess) -> AccessOut:
    return AccessOut(
        show=found.show, private=found.private, feed_url=found.feed_url, tokens=found.tokens
    )


@router.get("/v1/shows/{slug}/access", response_model=AccessOut)
def get_access(slug: str, request: Request, key: KeyCallerDep) -> AccessOut:
    """Whether the show is private, and how many active tokens it has."""
    return _access(shows.show_access(context_of(request, access=True), key, slug))


@router.put("/v1/shows/{slug}/access", response_model=AccessOut)
def set_access(slug: str, body: AccessIn, request: Request, key: KeyCallerDep) -> AccessOut:
    """Make the show private (its public feed, pages, episode JSON and files answer 404;
    its tokens' feeds go on) or public again."""
    return _access(shows.set_access(context_of(request, access=True), key, slug, body.private))


@router.post("/v1/shows/{slug}/tokens", status_code=201, response_model=TokenOut)
def create_token(
    slug: str, body: TokenIn, request: Request, settings: SettingsDep, key: KeyCallerDep
) -> TokenOut:
    """A subscriber's private feed URL. The show stays as public or private as it was."""
    made = shows.create_token(context_of(request, access=True), key, slug, body.label)
    return _out(made, settings)


@router.get("/v1/shows/{slug}/tokens", response_model=list[TokenOut])
def list_tokens(
    slug: str, request: Request, settings: SettingsDep, key: KeyCallerDep
) -> list[TokenOut]:
    return [
        _out(t, settings) for t in shows.show_tokens(context_of(request, access=True), key, slug)
    ]


@router.delete("/v1/tokens/{token}", status_code=204)
def revoke_token(token: str, request: Request, key: KeyCallerDep) -> Response:
    """Revoke a token of a show the key manages; its feed and files answer 404 at once."""
    shows.revoke_token(context_of(request, access=True), key, token)
    return Response(status_code=204)
