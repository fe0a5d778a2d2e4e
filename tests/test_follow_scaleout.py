"""Two workers following the same source on PostgreSQL and Redis narrate each article
once; entries raced by many connections are recorded once."""

from __future__ import annotations

import datetime as dt
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

import narration.store.database
import narration.store.sources
from narration.config import Settings
from narration.ingest.follow_rules import Rules
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.sources import SourceStore
from narration.store.tables import jobs, source_entries
from tests.follow_site import Item, serving
from tests.test_scaleout import (  # noqa: F401 (fixtures)
    REDIS_URL,
    Process,
    _SkewedClock,
    env_of,
    postgres_url,
    processes,
    queue_name,
    start,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str, queue_name: str) -> Settings:  # noqa: F811
    return Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        workers=1,
        clip_timeout_s=10,
        database_url=postgres_url,
        queue_url=REDIS_URL,
        queue_name=queue_name,
        job_lease_s=5,
        reap_interval_s=0.5,
    )


@pytest.mark.services
def test_many_connections_racing_one_entry_record_it_once(settings: Settings) -> None:
    dbs = [Database(settings.database_url or "") for _ in range(4)]
    try:
        stores = [SourceStore(db) for db in dbs]
        source = stores[0].add("default", "https://news.example/feed", Rules())
        with ThreadPoolExecutor(max_workers=8) as pool:
            won = list(
                pool.map(
                    lambda n: stores[n % 4].insert_entry(source.id, "guid-1", "key", "fp"),
                    range(16),
                )
            )
        assert won.count(True) == 1
        assert list(stores[1].entries(source.id)) == ["guid-1"]
        # Claiming a due source: one connection of many takes it.
        with ThreadPoolExecutor(max_workers=8) as pool:
            claims = list(pool.map(lambda n: stores[n % 4].claim_due(60), range(8)))
        assert sum(len(c) for c in claims) == 1
    finally:
        for db in dbs:
            db.close()


@pytest.mark.services
def test_a_source_lease_holds_when_a_worker_clock_is_ahead(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    honest, skewed = Database(settings.database_url or ""), Database(settings.database_url or "")
    try:
        source = SourceStore(honest).add("default", "https://news.example/feed", Rules())
        assert [s.id for s in SourceStore(honest).claim_due(300)] == [source.id]
        # Every clock this process reads is now a day ahead; the database's is not.
        skewed_dt = types.SimpleNamespace(
            datetime=_SkewedClock, timedelta=dt.timedelta, UTC=dt.UTC, date=dt.date
        )
        for module in (narration.store.database, narration.store.sources):
            monkeypatch.setattr(module, "dt", skewed_dt)
        assert SourceStore(skewed).claim_due(300) == []
    finally:
        honest.close()
        skewed.close()


def wait_for_episodes(db: Database, count: int, workers: list[Process], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while len(Catalog(db).list("follow")) < count:
        for worker in workers:
            assert worker.proc.poll() is None, worker.output()
        assert time.monotonic() < deadline, [w.output()[-2000:] for w in workers]
        time.sleep(0.2)


@pytest.mark.services
def test_two_workers_following_one_source_narrate_each_article_once(
    tmp_path: Path,
    settings: Settings,
    processes: list[Process],  # noqa: F811
) -> None:
    with serving() as site:
        items = [
            Item(f"w{n}", f"Worker story {n}", body=f"Story number {n} is here. It ends.")
            for n in range(6)
        ]
        site.rss("/feed", items)
        shows = tmp_path / "shows.toml"
        shows.write_text(
            "[shows.follow]\ntitle = 'Followed'\n"
            f"[[shows.follow.follow]]\nurl = '{site.base}/feed'\n"
        )
        env = env_of(
            settings,
            NARRATION_SHOWS_PATH=str(shows),
            NARRATION_FETCH_ALLOW="127.0.0.1",
            NARRATION_FOLLOW_MIN_INTERVAL_S="0",
            NARRATION_FOLLOW_INTERVAL_S="0.3",
            NARRATION_FOLLOW_TICK_S="0.1",
            # A lease shorter than a poll: the two workers do poll the source at once.
            NARRATION_FOLLOW_LEASE_S="0.05",
            NARRATION_FOLLOW_JITTER="0",
        )
        for n in range(2):
            worker = start(["worker", "--out", str(settings.out_dir)], env, tmp_path / f"w{n}.log")
            processes.append(worker)
        db = Database(settings.database_url or "")
        try:
            wait_for_episodes(db, 6, processes, 180)
            more = [
                Item(f"w{n}", f"Worker story {n}", body=f"Story {n} came later.") for n in (6, 7, 8)
            ]
            site.rss("/feed", [*more, *items])
            wait_for_episodes(db, 9, processes, 180)
            time.sleep(1.5)  # a few more polls of both workers: nothing more may come
            episodes = Catalog(db).list("follow")
            assert sorted(ep.title for ep in episodes) == sorted(
                f"Worker story {n}" for n in range(9)
            )
            with db.begin() as conn:
                job_rows = conn.execute(select(jobs.c.status, jobs.c.worker)).all()
                seen = conn.execute(select(func.count()).select_from(source_entries)).scalar()
            assert len(job_rows) == 9 and {status for status, _ in job_rows} == {"done"}
            assert seen == 9
            assert len(site.hits("/feed")) > 4  # polled over and over, by both
            for worker in processes:
                assert worker.stop() == 0
        finally:
            db.close()
    feed = (settings.out_dir / "shows/follow/feed.xml").read_text()
    assert feed.count("<item>") == 9
