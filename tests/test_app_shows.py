"""The show use cases of ``narration.app.shows`` on a real catalog: who manages a show,
its sources (those of the shows file are changed there), and its access and tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from narration.app import shows
from narration.app.context import Context
from narration.config import Settings
from narration.errors import BadInput, Forbidden, NotFound, SourceError, WrongState
from narration.ingest.follow_rules import Rules
from narration.keys import Caller
from narration.publish.private import Access
from narration.store.database import Database
from narration.store.sources import SourceStore
from narration.store.tokens import TokenStore

OWNER, OTHER, ADMIN = "owner-key", "other-key", "admin-key"
FEED = "https://93.184.216.34/feed.xml"  # a public address: no name to resolve here


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    owner_id = Caller.of(OWNER, Settings(api_keys=[OWNER])).key_id
    listed = tmp_path / "shows.toml"
    listed.write_text(
        f'[shows.owned]\ntitle = "Owned"\nowners = ["{owner_id}"]\n'
        '[[shows.owned.follow]]\nurl = "https://news.example/listed.xml"\n'
    )
    return Settings(
        out_dir=tmp_path / "out", shows_path=listed, api_keys=[OWNER, OTHER], admin_keys=[ADMIN]
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    opened = Database.open(settings)
    yield opened
    opened.close()


def caller(key: str, settings: Settings) -> Caller:
    return Caller.of(key, settings)


def test_only_owners_and_admins_manage_a_show(settings: Settings, db: Database) -> None:
    assert (
        shows.managed_show(Context(settings, db), caller(OWNER, settings), "owned").title == "Owned"
    )
    assert (
        shows.managed_show(Context(settings, db), caller(ADMIN, settings), "owned").slug == "owned"
    )
    with pytest.raises(Forbidden, match="managed only by its owners"):
        shows.managed_show(Context(settings, db), caller(OTHER, settings), "owned")
    with pytest.raises(BadInput, match="unknown show 'nowhere'"):
        shows.managed_show(Context(settings, db), caller(ADMIN, settings), "nowhere")


def test_sources_are_the_owners_and_a_listed_one_is_changed_in_the_file(
    settings: Settings, db: Database
) -> None:
    owner, other = caller(OWNER, settings), caller(OTHER, settings)
    added = shows.follow_source(Context(settings, db), owner, "owned", FEED, Rules)
    assert added["url"] == FEED and added["show"] == "owned"
    with pytest.raises(Forbidden):
        shows.follow_source(Context(settings, db), other, "owned", FEED + "?2", Rules)
    with pytest.raises(SourceError):
        shows.follow_source(
            Context(settings, db), owner, "owned", "http://127.0.0.1/feed.xml", Rules
        )
    listed = SourceStore(db).add("owned", "https://news.example/listed.xml", Rules(), "config")
    urls = {s["url"] for s in shows.followed_sources(Context(settings, db), owner, "owned")}
    assert urls == {FEED, "https://news.example/listed.xml"}
    with pytest.raises(WrongState, match="shows file"):
        shows.unfollow(Context(settings, db), owner, "owned", listed.id)
    with pytest.raises(NotFound):
        shows.unfollow(Context(settings, db), owner, "owned", "f" * 32)
    shows.unfollow(Context(settings, db), owner, "owned", str(added["id"]))
    urls = {s["url"] for s in shows.followed_sources(Context(settings, db), owner, "owned")}
    assert urls == {"https://news.example/listed.xml"}


def test_access_and_tokens_are_the_owners(settings: Settings, db: Database) -> None:
    access = Access(TokenStore(db))
    ctx = Context(settings, db, access=access)
    owner, other = caller(OWNER, settings), caller(OTHER, settings)
    before = shows.show_access(ctx, owner, "owned")
    assert (before.private, before.tokens) == (False, 0)
    assert before.feed_url.endswith("/shows/owned/feed.xml")
    token = shows.create_token(ctx, owner, "owned", "ana@example.org")
    # A token leaves the show as public as it was.
    assert shows.show_access(ctx, owner, "owned").private is False
    assert shows.set_access(ctx, owner, "owned", True).private is True
    assert access.public_show("owned") is False
    with pytest.raises(Forbidden):
        shows.set_access(ctx, other, "owned", False)
    with pytest.raises(Forbidden):
        shows.show_tokens(ctx, other, "owned")
    with pytest.raises(Forbidden):
        shows.revoke_token(ctx, other, token.token)
    assert [t.label for t in shows.show_tokens(ctx, owner, "owned")] == ["ana@example.org"]
    shows.revoke_token(ctx, owner, token.token)
    with pytest.raises(NotFound, match="no such active token"):
        shows.revoke_token(ctx, owner, token.token)
    assert shows.show_access(ctx, owner, "owned").tokens == 0


def test_another_keys_source_is_forbidden_before_its_rules_are_read(
    settings: Settings, db: Database
) -> None:
    def backtracking() -> Rules:
        return Rules(url_pattern="(a+)+$")

    ctx = Context(settings, db)
    with pytest.raises(Forbidden):
        shows.follow_source(ctx, caller(OTHER, settings), "owned", FEED, backtracking)
    with pytest.raises(BadInput, match="url_pattern"):
        shows.follow_source(ctx, caller(OWNER, settings), "owned", FEED, backtracking)
    assert SourceStore(db).list("owned") == []
