"""A show as its owners manage it: who may (its owners and the admin keys), the sources it
follows (``/v1/shows/<slug>/sources``), whether it is private and its subscribers' tokens
(``/v1/shows/<slug>/access`` and ``…/tokens``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from narration.app.context import Context
from narration.app.episodes import MAX_ID
from narration.config import Show
from narration.errors import Forbidden, NotFound, WrongState
from narration.ingest.follow_rules import Rules
from narration.keys import Caller
from narration.net.address import check_url
from narration.publish.shows import show_for
from narration.service.follow_state import source_state
from narration.store.sources import SourceStore
from narration.store.tokens import FeedToken


def managed_show(ctx: Context, caller: Caller, slug: str) -> Show:
    """Show ``slug`` when ``caller`` manages it (its owners and the admin keys);
    Forbidden for any other key, ``BadInput`` for a show the shows file does not hold."""
    show = show_for(ctx.settings, slug)
    if not caller.manages(frozenset(show.owners)):
        raise Forbidden(f"the show {slug!r} is managed only by its owners' API keys and admin keys")
    return show


def follow_source(
    ctx: Context, caller: Caller, slug: str, url: str, rules: Callable[[], Rules]
) -> dict[str, object]:
    """Follow the feed or sitemap ``url`` in show ``slug`` by ``rules`` (made once the
    caller is known to manage the show: another key's refused pattern is Forbidden, not
    bad input): what it publishes from now on is narrated into the show. Its state, as
    :func:`source_state` gives it."""
    managed_show(ctx, caller, slug)
    made = rules()
    check_url(url, ctx.settings.fetch)  # a URL the fetch rules refuse, refused now
    store = SourceStore(ctx.db)
    source = store.add(slug, url, made, origin="api", owner=caller.key_id)
    return source_state(store, source)


def followed_sources(ctx: Context, caller: Caller, slug: str) -> list[dict[str, object]]:
    """The sources show ``slug`` follows (those of the shows file too), with their state."""
    managed_show(ctx, caller, slug)
    store = SourceStore(ctx.db)
    return [source_state(store, source) for source in store.list(slug)]


def unfollow(ctx: Context, caller: Caller, slug: str, source_id: str) -> None:
    """Stop following a source of show ``slug``; the episodes made from it stay. A source
    of the shows file is changed there (WrongState)."""
    if not caller.admin:  # an admin also removes the sources of a show no longer configured
        managed_show(ctx, caller, slug)
    store = SourceStore(ctx.db)
    source = store.get(source_id[:MAX_ID])
    if source is None or source.show != slug:
        raise NotFound("no such source in this show")
    if source.origin == "config":
        raise WrongState("the source is listed in the shows file: remove it there")
    store.delete(source.id)


@dataclass(frozen=True)
class ShowAccess:
    """Whether a show is private, where its public feed is, and its active tokens."""

    show: str
    private: bool
    feed_url: str
    tokens: int


def show_access(ctx: Context, caller: Caller, slug: str) -> ShowAccess:
    """Show ``slug``'s access, for its owners and the admin keys."""
    show = managed_show(ctx, caller, slug)
    access = ctx.shows_access
    access.forget()  # another process may have changed it
    return ShowAccess(
        show=show.slug,
        private=not access.public_show(show.slug),
        feed_url=ctx.settings.for_show(show).feed_url,
        tokens=sum(t.active for t in access.store.list(show.slug)),
    )


def set_access(ctx: Context, caller: Caller, slug: str, private: bool) -> ShowAccess:
    """Make show ``slug`` private (its public feed, pages, episode JSON and files answer
    404; its tokens' feeds go on) or public again."""
    ctx.shows_access.set_private(managed_show(ctx, caller, slug).slug, private)
    return show_access(ctx, caller, slug)


def create_token(ctx: Context, caller: Caller, slug: str, label: str | None) -> FeedToken:
    """A subscriber's private feed token for show ``slug``; the show stays as public or
    private as it was."""
    managed_show(ctx, caller, slug)
    return ctx.shows_access.store.create(slug, label)


def show_tokens(ctx: Context, caller: Caller, slug: str) -> list[FeedToken]:
    """Show ``slug``'s tokens, revoked ones too, with their labels."""
    managed_show(ctx, caller, slug)
    return ctx.shows_access.store.list(slug)


def revoke_token(ctx: Context, caller: Caller, token: str) -> None:
    """Revoke a token of a show the caller manages; its feed and files answer 404 at once.
    NotFound for a token that is not active."""
    store = ctx.shows_access.store
    found = store.get(token[:MAX_ID])
    if found is None or not found.active:
        raise NotFound("no such active token")
    if not caller.admin:  # an admin also revokes the tokens of a show no longer configured
        managed_show(ctx, caller, found.show)
    store.revoke(found.token)
