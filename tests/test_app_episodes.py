"""The episode use cases of ``narration.app``, on a real catalog and output directory:
withdrawing an episode and reading its listening check, and the API's answers to their
refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from narration.app.context import Context
from narration.app.episodes import episode_check, withdraw
from narration.config import Settings
from narration.errors import Forbidden, NotFound, WrongState
from narration.keys import Caller
from narration.model import Episode
from narration.publish.feed import publish_feed
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import JobStore, Submission
from tests.stats_fixtures import add_episode

OWNER, OTHER, ADMIN = "owner-key", "other-key", "admin-key"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        out_dir=tmp_path / "out", api_keys=[OWNER, OTHER], admin_keys=[ADMIN], delete_grace_s=0
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    db = Database.open(settings)
    yield db
    db.close()


def published(settings: Settings, db: Database, slug: str = "story") -> Episode:
    """An episode of the owner's key, its files written and in the feed."""
    ep = add_episode(
        settings,
        slug,
        duration_s=1.0,
        audio=b"\xff\xfb" * 64,
        owner=Caller.of(OWNER, settings).key_id,
    )
    publish_feed(Catalog(db), settings)
    assert ep.guid in feed(settings)
    return ep


def feed(settings: Settings) -> str:
    return (settings.out_dir / "feed.xml").read_text(encoding="utf-8")


def test_withdrawing_another_keys_episode_is_forbidden_and_changes_nothing(
    settings: Settings, db: Database
) -> None:
    ep = published(settings, db)
    with pytest.raises(Forbidden, match="another API key"):
        withdraw(Context(settings, db), Caller.of(OTHER, settings), ep.id)
    assert (settings.out_dir / ep.audio_name).is_file()
    assert ep.guid in feed(settings)
    assert Catalog(db).get(ep.id) is not None


def test_withdrawing_your_own_episode_removes_its_file_and_feed_item(
    settings: Settings, db: Database
) -> None:
    ep = published(settings, db)
    kept = published(settings, db, "kept")
    withdraw(Context(settings, db), Caller.of(OWNER, settings), ep.id)
    # No grace period here: the sweep that follows removes the files at once.
    assert not (settings.out_dir / ep.audio_name).exists()
    assert ep.guid not in feed(settings) and kept.guid in feed(settings)
    assert Catalog(db).get(ep.id) is None
    with pytest.raises(NotFound, match=f"no episode {ep.id}"):
        withdraw(Context(settings, db), Caller.of(OWNER, settings), ep.id)
    # An admin key withdraws any key's episode.
    withdraw(Context(settings, db), Caller.of(ADMIN, settings), kept.id)
    assert not (settings.out_dir / kept.audio_name).exists()


def test_a_queued_job_is_not_withdrawn_and_another_keys_is_not_seen(
    settings: Settings, db: Database
) -> None:
    owner = Caller.of(OWNER, settings)
    job, _ = JobStore(db).enqueue(Submission("text", "Waiting.", "default", key_id=owner.key_id))
    with pytest.raises(WrongState, match="is queued: delete it once it ends"):
        withdraw(Context(settings, db), owner, job.id)
    with pytest.raises(NotFound):
        withdraw(Context(settings, db), Caller.of(OTHER, settings), job.id)
    assert JobStore(db).get(job.id) is not None


def test_a_check_is_the_owners_and_not_found_until_heard(settings: Settings, db: Database) -> None:
    ep = published(settings, db)
    with pytest.raises(Forbidden):
        episode_check(Context(settings, db), Caller.of(OTHER, settings), ep.id)
    with pytest.raises(NotFound, match="has not been checked yet"):
        episode_check(Context(settings, db), Caller.of(OWNER, settings), ep.id)
    with pytest.raises(NotFound, match="no episode"):
        episode_check(Context(settings, db), Caller.of(OWNER, settings), "0" * 32)


def test_the_api_answers_refusals_with_their_status_once(settings: Settings, db: Database) -> None:
    ep = published(settings, db)
    client = TestClient(create_app(settings))
    other = {"Authorization": f"Bearer {OTHER}"}
    answer = client.delete(f"/v1/episodes/{ep.id}", headers=other)
    assert answer.status_code == 403
    message = f"episode {ep.id} was submitted with another API key"
    assert answer.json() == {"error": {"code": "forbidden", "message": message}}
    missing = client.delete("/v1/episodes/" + "0" * 32, headers=other)
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "no episode " + "0" * 32}}
    owner = {"Authorization": f"Bearer {OWNER}"}
    assert client.get(f"/v1/episodes/{ep.id}/check", headers=other).status_code == 403
    assert client.get(f"/v1/episodes/{ep.id}/check", headers=owner).status_code == 404
    assert client.delete(f"/v1/episodes/{ep.id}", headers=owner).status_code == 204
    assert ep.guid not in feed(settings)
