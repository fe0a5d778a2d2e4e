"""A show as its owners manage it: who may (its owners and the admin keys), and the
sources it follows (the use cases behind ``/v1/shows/<slug>/sources``)."""

from __future__ import annotations

from narration.config import Settings, Show
from narration.errors import Forbidden, NotFound, WrongState
from narration.ingest.follow_rules import Rules
from narration.keys import Caller
from narration.net.address import check_url
from narration.publish.shows import show_for
from narration.service.follow_state import source_state
from narration.store.database import Database
from narration.store.sources import SourceStore

MAX_ID = 64


def managed_show(caller: Caller, settings: Settings, slug: str) -> Show:
    """Show ``slug`` when ``caller`` manages it (its owners and the admin keys);
    Forbidden for any other key, ``BadInput`` for a show the shows file does not hold."""
    show = show_for(settings, slug)
    if not caller.manages(frozenset(show.owners)):
        raise Forbidden(f"the show {slug!r} is managed only by its owners' API keys and admin keys")
    return show


def follow_source(
    db: Database, settings: Settings, caller: Caller, slug: str, url: str, rules: Rules
) -> dict[str, object]:
    """Follow the feed or sitemap ``url`` in show ``slug``: what it publishes from now on
    is narrated into the show. Its state, as :func:`source_state` gives it."""
    managed_show(caller, settings, slug)
    check_url(url, settings.fetch)  # a URL the fetch rules refuse, refused now
    store = SourceStore(db)
    source = store.add(slug, url, rules, origin="api", owner=caller.key_id)
    return source_state(store, source)


def followed_sources(
    db: Database, settings: Settings, caller: Caller, slug: str
) -> list[dict[str, object]]:
    """The sources show ``slug`` follows (those of the shows file too), with their state."""
    managed_show(caller, settings, slug)
    store = SourceStore(db)
    return [source_state(store, source) for source in store.list(slug)]


def unfollow(db: Database, settings: Settings, caller: Caller, slug: str, source_id: str) -> None:
    """Stop following a source of show ``slug``; the episodes made from it stay. A source
    of the shows file is changed there (WrongState)."""
    if not caller.admin:  # an admin also removes the sources of a show no longer configured
        managed_show(caller, settings, slug)
    store = SourceStore(db)
    source = store.get(source_id[:MAX_ID])
    if source is None or source.show != slug:
        raise NotFound("no such source in this show")
    if source.origin == "config":
        raise WrongState("the source is listed in the shows file: remove it there")
    store.delete(source.id)
