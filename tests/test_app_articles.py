"""The submission use cases of ``narration.app.articles`` on a real catalog and queue (not
narrated: the queue keeps its jobs): who may submit into a show, the same article under
two keys, and what a new version of an episode refuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from narration.app.articles import replace, submit
from narration.app.context import Context
from narration.config import Settings
from narration.errors import BadInput, ConflictError, Forbidden, NotFound, WrongState
from narration.keys import Caller
from narration.service.queue import JobQueue
from narration.store.jobs import Submission

OWNER, OTHER, ADMIN = "owner-key", "other-key", "admin-key"
TEXT = "The harbour tunnel opened on Monday after four years of work. " * 3


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    owner_id = Caller.of(OWNER, Settings(api_keys=[OWNER])).key_id
    shows = tmp_path / "shows.toml"
    shows.write_text(f'[shows.owned]\ntitle = "Owned"\nowners = ["{owner_id}"]\n')
    return Settings(
        out_dir=tmp_path / "out",
        shows_path=shows,
        api_keys=[OWNER, OTHER],
        admin_keys=[ADMIN],
        voice="pyttsx3:en",
    )


@pytest.fixture
def queue(settings: Settings) -> Iterator[JobQueue]:
    q = JobQueue(settings)
    yield q
    q.close()


@pytest.fixture
def ctx(settings: Settings, queue: JobQueue) -> Context:
    return Context(settings, queue.db, queue=queue)


def caller(key: str, settings: Settings) -> Caller:
    return Caller.of(key, settings)


def article(settings: Settings, key: str, show: str = "default", text: str = TEXT) -> Submission:
    key_id = caller(key, settings).key_id
    return Submission(kind="text", value=text, show=show, key_id=key_id)


def test_the_same_article_again_is_the_same_job_and_under_another_key_a_conflict(
    settings: Settings, queue: JobQueue, ctx: Context
) -> None:
    first = submit(ctx, caller(OWNER, settings), article(settings, OWNER))
    again = submit(ctx, caller(OWNER, settings), article(settings, OWNER))
    assert first.new and not again.new and again.job_id == first.job_id
    assert first.status == "queued"
    with pytest.raises(ConflictError, match="another API key") as taken:
        submit(
            ctx,
            caller(OTHER, settings),
            article(settings, OTHER),
        )
    assert taken.value.episode_id == first.job_id
    assert queue.store.count() == 1


def test_only_a_shows_owners_and_admins_publish_into_it(
    settings: Settings, queue: JobQueue, ctx: Context
) -> None:
    with pytest.raises(Forbidden, match="owners of the show 'owned'"):
        submit(
            ctx,
            caller(OTHER, settings),
            article(settings, OTHER, "owned"),
        )
    assert queue.store.count() == 0
    assert submit(
        ctx,
        caller(OWNER, settings),
        article(settings, OWNER, "owned"),
    ).new
    text = TEXT + "An admin's own copy."
    assert submit(ctx, caller(ADMIN, settings), article(settings, ADMIN, "owned", text)).new
    with pytest.raises(BadInput, match="unknown show 'nowhere'"):
        submit(
            ctx,
            caller(OWNER, settings),
            article(settings, OWNER, "nowhere"),
        )


def test_a_new_version_needs_a_narrated_episode_of_the_callers_own_in_its_show(
    settings: Settings, queue: JobQueue, ctx: Context
) -> None:
    owner = caller(OWNER, settings)
    queued = submit(ctx, owner, article(settings, OWNER))
    newer = article(settings, OWNER, text=TEXT + "Updated.")
    with pytest.raises(WrongState, match="is queued: only a narrated one"):
        replace(ctx, owner, queued.job_id, newer)
    # Another key's job is not seen while it is not narrated.
    with pytest.raises(NotFound, match=f"no episode {queued.job_id}"):
        replace(ctx, caller(OTHER, settings), queued.job_id, newer)
    with pytest.raises(NotFound, match="no episode"):
        replace(ctx, owner, "f" * 32, newer)
    assert queue.store.count() == 1
