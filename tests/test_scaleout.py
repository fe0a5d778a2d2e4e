"""The service scaled out and under stress, with real processes on 127.0.0.1.

Workers share a real PostgreSQL catalog and a real Redis queue (``make services`` starts
both); each test makes its own database and queue name, dropped at the end, so runs
never collide. A worker killed with SIGKILL in the middle of a job, and 50 articles
posted at once to ``narration serve``, must leave one episode per article, a feed that
lists each once, and files of exactly the length the feed announces.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import types
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from huey import RedisHuey
from sqlalchemy import inspect

from narration.config import Settings
from narration.model import Episode
from narration.publish.feed import publish_feed
from narration.service.broker import make_huey
from narration.service.queue import JobQueue
from narration.store.catalog import Catalog
from narration.store.database import Database
from narration.store.jobs import Job, JobStore, Submission
from narration.store.tables import jobs
from tests.helpers import wait_until_healthy
from tests.running import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN = os.environ.get(
    "NARRATION_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
"""libpq connection string of a role that may create databases."""
REDIS_URL = os.environ.get("NARRATION_TEST_REDIS", "redis://127.0.0.1:6379/0")
NOT_RUNNING = "run `make services` to start Redis and PostgreSQL on 127.0.0.1"


def article(title: str, body: str = "One sentence here. And another one.") -> str:
    return f"---\ntitle: {title}\n---\n\n{body}\n"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A SQLAlchemy URL of a database of this test's own, dropped afterwards."""
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL does not answer ({exc}); {NOT_RUNNING}")
    name = f"narration_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        info = admin.info
        url = f"postgresql+psycopg://{info.user}@{info.host}:{info.port}/{name}"
        db = Database(url)
        try:
            db.migrate()
        finally:
            db.close()
        try:
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A Redis queue of this test's own (huey's keys carry its name), removed afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis does not answer ({exc}); {NOT_RUNNING}")
    name = f"narration-test-{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        keys = list(client.scan_iter(match=f"*{name}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def settings(tmp_path: Path, postgres_url: str, queue_name: str) -> Settings:
    return Settings(
        out_dir=tmp_path / "out",
        voice="fake:tone",
        workers=1,
        clip_timeout_s=10,
        database_url=postgres_url,
        queue_url=REDIS_URL,
        queue_name=queue_name,
        job_lease_s=2,
        reap_interval_s=0.5,
    )


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the process and its synthesis processes, as when a machine is lost."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Stop gracefully; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode


def env_of(settings: Settings, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "NARRATION_VOICE": settings.show.voice,
        "NARRATION_WORKERS": str(settings.jobs.workers),
        "NARRATION_CLIP_TIMEOUT_S": str(settings.jobs.clip_timeout_s),
        "NARRATION_JOB_LEASE_S": str(settings.jobs.job_lease_s),
        "NARRATION_REAP_INTERVAL_S": str(settings.jobs.reap_interval_s),
        **extra,
    }
    for name, value in (
        ("NARRATION_DATABASE_URL", settings.database_url),
        ("NARRATION_QUEUE_URL", settings.jobs.queue_url),
        ("NARRATION_QUEUE_NAME", settings.jobs.queue_name),
    ):
        if value:
            env[name] = value
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> Process:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.run_with_fake", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, with its synthesis processes
        )
    return Process(proc, log)


def start_worker(settings: Settings, log: Path) -> Process:
    worker = start(["worker", "--out", str(settings.out_dir)], env_of(settings), log)
    deadline = time.monotonic() + 60
    while "worker narrating into" not in worker.output():
        assert worker.proc.poll() is None, worker.output()
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)
    return worker


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Processes the test started; any still running at the end are killed."""
    started: list[Process] = []
    yield started
    for process in started:
        if process.proc.poll() is None:
            process.kill()


def wait_for_jobs(
    queue: JobQueue, ids: list[str], timeout_s: float, workers: list[Process]
) -> list[Job]:
    deadline = time.monotonic() + timeout_s
    while True:
        found = [queue.store.get(job_id) for job_id in ids]
        jobs = [job for job in found if job is not None]
        assert len(jobs) == len(ids)
        if all(job.status in ("done", "failed") for job in jobs):
            return jobs
        for worker in workers:
            assert worker.proc.poll() is None, worker.output()
        pending = [(job.id, job.status) for job in jobs if job.status not in ("done", "failed")]
        assert time.monotonic() < deadline, f"jobs still pending: {pending}"
        time.sleep(0.2)


def check_published(out_dir: Path, base_url: str, count: int) -> list[str]:
    """The feed lists ``count`` episodes once each, every enclosure is a file of exactly
    its announced length, and no temporary file is left; the enclosure URLs."""
    root = ET.fromstring((out_dir / "feed.xml").read_bytes())
    enclosures = list(root.iter("enclosure"))
    guids = [guid.text for guid in root.iter("guid")]
    urls = [enc.attrib["url"] for enc in enclosures]
    assert len(urls) == count and len(set(urls)) == count
    assert len(guids) == count and len(set(guids)) == count
    for enc in enclosures:
        path = out_dir / enc.attrib["url"].removeprefix(base_url.rstrip("/") + "/")
        assert path.is_file(), path
        assert path.stat().st_size == int(enc.attrib["length"]), path
    assert len(list((out_dir / "episodes").glob("*.mp3"))) == count
    assert list(out_dir.rglob("*.tmp")) == []
    return urls


def worker_pid(job: Job) -> int:
    assert job.worker is not None
    return int(job.worker.split(":")[1])


@pytest.mark.services
def test_the_catalog_and_jobs_on_postgresql(settings: Settings) -> None:
    assert settings.database_url is not None
    # Processes starting together on a database take turns to bring its schema up to date.
    with ThreadPoolExecutor(max_workers=4) as pool:
        dbs = list(pool.map(lambda _: Database(settings.database_url or ""), range(4)))
        revisions = list(pool.map(lambda db: db.migrate(), dbs))
    assert len(set(revisions)) == 1 and revisions[0] == dbs[0].head()
    stores = [JobStore(db) for db in dbs]
    try:
        store = stores[0]
        names = {ix["name"] for ix in inspect(dbs[0].engine).get_indexes("episodes")}
        assert "ix_episodes_show_published" in names
        job, new = store.enqueue(Submission("text", "Claimed once. Only once.", "default"))
        assert new and job.created_at.tzinfo is not None
        assert store.enqueue(Submission("text", "Claimed once. Only once.", "default")) == (
            store.get(job.id),
            False,
        )
        # Many workers claiming at once: exactly one gets the job (a lease far longer than
        # the race, so no claim can see it run out).
        with ThreadPoolExecutor(max_workers=8) as pool:
            claims = list(pool.map(lambda n: stores[n % 4].claim(job.id, f"w{n}", 60), range(8)))
        winners = [c for c in claims if c is not None]
        assert len(winners) == 1
        [held] = winners
        assert held.status == "running" and held.attempts == 1
        assert held.lease_expires_at is not None and held.lease_expires_at.tzinfo is not None
        # The lease runs out (moved back on the database's clock, no waiting).
        with dbs[0].begin() as conn:
            conn.execute(
                jobs.update().where(jobs.c.id == job.id).values(lease_expires_at=dbs[0].now(-1))
            )
        # Reapers running at once: the expired job is queued again by one of them.
        with ThreadPoolExecutor(max_workers=4) as pool:
            reaped = list(pool.map(lambda s: s.reap(stale_after_s=600), stores))
        assert sorted(id_ for ids in reaped for id_ in ids) == [job.id]
        again = store.claim(job.id, "w-final", 30)
        assert again is not None and again.attempts == 2
        store.complete(job.id, "w-final", "episode-1")
        done = store.get(job.id)
        assert done is not None and done.status == "done" and done.worker == "w-final"
    finally:
        for db in dbs:
            db.close()


class _SkewedClock(dt.datetime):
    """A machine clock a day ahead of the others."""

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _SkewedClock:
        ahead = dt.datetime.now(tz) + dt.timedelta(days=1)
        return cls.fromtimestamp(ahead.timestamp(), tz)


@pytest.mark.services
def test_leases_hold_when_worker_clocks_disagree(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.database_url is not None
    honest, skewed = Database(settings.database_url), Database(settings.database_url)
    try:
        store = JobStore(honest)
        job, _ = store.enqueue(Submission("text", "Held by one worker.", "default"))
        assert store.claim(job.id, "honest-worker", 60) is not None
        # Every clock this process reads is now a day ahead; the database's is not.
        import narration.store.database
        import narration.store.jobs

        skewed_dt = types.SimpleNamespace(
            datetime=_SkewedClock, timedelta=dt.timedelta, UTC=dt.UTC, date=dt.date
        )
        for module in (narration.store.database, narration.store.jobs):
            monkeypatch.setattr(module, "dt", skewed_dt)
        ahead = JobStore(skewed)
        with ThreadPoolExecutor(max_workers=4) as pool:
            stolen = list(pool.map(lambda n: ahead.claim(job.id, f"skewed-{n}", 60), range(4)))
        assert stolen == [None] * 4
        assert ahead.reap(stale_after_s=600) == []
        assert store.renew(job.id, "honest-worker", 60)
        held = store.get(job.id)
        assert held is not None and held.lease_owner == "honest-worker" and held.attempts == 1
    finally:
        honest.close()
        skewed.close()


def _episode(n: int) -> Episode:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=n)
    return Episode(
        id=uuid.uuid4().hex,
        guid=uuid.uuid4().hex,
        show="default",
        article_key=f"article-{n}",
        content_hash=f"hash-{n}",
        title=f"Episode {n}",
        author=None,
        published=now,
        description="An episode.",
        link=None,
        image_name=None,
        audio_name=f"episodes/{n}.mp3",
        transcript_name=f"episodes/{n}.vtt",
        chapters_name=f"episodes/{n}.chapters.json",
        bytes=1000 + n,
        duration_s=1.0,
        chapters=(),
        created_at=now,
        updated_at=now,
    )


@pytest.mark.services
def test_publishers_take_turns_and_the_last_reads_the_newest_catalog(settings: Settings) -> None:
    assert settings.database_url is not None
    mine_db, other_db = Database(settings.database_url), Database(settings.database_url)
    mine, other = Catalog(mine_db), Catalog(other_db)
    try:
        mine.save(_episode(1))
        publish_feed(mine, settings)
        # Another machine is publishing: this publisher waits for it to finish.
        with other.db.lock("feed:default"):
            waiting = threading.Thread(target=publish_feed, args=(mine, settings))
            waiting.start()
            time.sleep(0.5)
            assert waiting.is_alive()
            other.save(_episode(2))
        waiting.join(timeout=30)
        assert not waiting.is_alive()
        # It read the catalog once its turn came: both episodes are in the feed.
        root = ET.fromstring((settings.out_dir / "feed.xml").read_bytes())
        assert sorted(e.attrib["length"] for e in root.iter("enclosure")) == ["1001", "1002"]
    finally:
        mine_db.close()
        other_db.close()


@pytest.mark.services
def test_the_queue_url_puts_the_queue_on_redis_under_its_name(settings: Settings) -> None:
    queue = JobQueue(settings)
    try:
        assert isinstance(queue.huey, RedisHuey) and queue.huey.name == settings.jobs.queue_name
        queue.narrate_job("no-such-job")
        assert queue.huey.pending_count() == 1
        other = make_huey(settings.replaced(queue_name=settings.jobs.queue_name + "-x"))
        assert other.pending_count() == 0
    finally:
        queue.close()


@pytest.mark.services
def test_two_workers_share_the_work_and_narrate_each_article_once(
    settings: Settings, tmp_path: Path, processes: list[Process]
) -> None:
    processes += [start_worker(settings, tmp_path / f"worker{n}.log") for n in (1, 2)]
    queue = JobQueue(settings)
    try:
        began = time.monotonic()
        ids = []
        for n in range(20):
            body = f"Article number {n} begins here. It has a second sentence. And a third."
            job_id, new = queue.submit(
                Submission("markdown", article(f"Shared {n}", body), "default")
            )
            assert new
            ids.append(job_id)
        jobs = wait_for_jobs(queue, ids, 120, processes)
        elapsed = time.monotonic() - began
        assert [job.status for job in jobs] == ["done"] * 20, [job.error for job in jobs]
        assert [job.attempts for job in jobs] == [1] * 20
        episode_ids = {job.episode_id for job in jobs}
        assert None not in episode_ids and len(episode_ids) == 20
        assert queue.catalog.count("default") == 20
        by_worker = {pid: 0 for pid in (p.proc.pid for p in processes)}
        for job in jobs:
            by_worker[worker_pid(job)] += 1
        assert set(by_worker) == {p.proc.pid for p in processes}, by_worker
        assert all(by_worker.values()), f"one worker narrated everything: {by_worker}"
        for job in jobs:
            assert job.episode_id is not None
            ep = queue.catalog.get(job.episode_id)
            assert ep is not None
            assert (settings.out_dir / ep.audio_name).stat().st_size == ep.bytes
        check_published(settings.out_dir, settings.base_url, 20)
        print(f"20 articles by two workers in {elapsed:.1f} s: {sorted(by_worker.values())}")
    finally:
        queue.close()
    for process in processes:
        assert process.stop() == 0, process.output()


@pytest.mark.services
def test_a_worker_killed_mid_job_leaves_one_episode_and_a_consistent_feed(
    settings: Settings, tmp_path: Path, processes: list[Process]
) -> None:
    first = start_worker(settings, tmp_path / "first.log")
    processes.append(first)
    queue = JobQueue(settings)
    try:
        body = " ".join(f"Sentence {n} takes a while [[slow]] to say." for n in range(6))
        job_id, _ = queue.submit(Submission("markdown", article("Killed", body), "default"))
        deadline = time.monotonic() + 60
        while (job := queue.store.get(job_id)) is not None and job.status == "queued":
            assert first.proc.poll() is None, first.output()
            assert time.monotonic() < deadline, "the job was never claimed"
            time.sleep(0.05)
        assert job is not None and job.status == "running"
        assert job.lease_owner is not None and f":{first.proc.pid}:" in job.lease_owner
        time.sleep(1.5)  # in the middle of synthesis, its parts being encoded
        first.kill()
        killed_at = time.monotonic()
        held = queue.store.get(job_id)
        assert held is not None and held.status == "running", "the job ended before the kill"

        second = start_worker(settings, tmp_path / "second.log")
        processes.append(second)
        [done] = wait_for_jobs(queue, [job_id], 60, [second])
        recovered = time.monotonic() - killed_at
        assert done.status == "done", done.error
        assert done.attempts == 2
        assert worker_pid(done) == second.proc.pid
        assert queue.catalog.count("default") == 1
        assert done.episode_id is not None
        ep = queue.catalog.get(done.episode_id)
        assert ep is not None
        [url] = check_published(settings.out_dir, settings.base_url, 1)
        assert url == settings.url_for(ep.audio_name)
        print(f"killed job completed {recovered:.1f} s after the kill")
    finally:
        queue.close()
    assert second.stop() == 0, second.output()


def test_fifty_articles_posted_at_once_to_narration_serve_all_complete(
    tmp_path: Path, processes: list[Process]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = tmp_path / "out"
    settings = Settings(out_dir=out, voice="fake:tone", workers=2, base_url=base)
    env = env_of(settings, NARRATION_API_KEYS='["k"]')
    server = start(["serve", "--port", str(port), "--out", str(out)], env, tmp_path / "serve.log")
    processes.append(server)
    auth = {"Authorization": "Bearer k"}
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as http:
        wait_until_healthy(http, lambda: server.proc.poll() is None, server.output)

        def post(n: int) -> httpx.Response:
            body = f"Story {n} is short. It is read aloud once."
            return http.post(
                "/v1/articles", json={"markdown": article(f"Burst {n}", body)}, headers=auth
            )

        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(post, range(50)))
        assert [a.status_code for a in answers] == [202] * 50, [a.text for a in answers]
        links = [a.json()["links"]["self"] for a in answers]
        assert len(set(links)) == 50
        deadline = time.monotonic() + 240
        while True:
            assert server.proc.poll() is None, server.output()
            listed = http.get("/v1/episodes", params={"limit": 100}, headers=auth).json()
            statuses = [item["status"] for item in listed["items"]]
            if listed["total"] == 50 and all(s in ("done", "failed") for s in statuses):
                break
            assert time.monotonic() < deadline, statuses
            time.sleep(0.5)
        elapsed = time.monotonic() - began
        episodes = [http.get(link).json() for link in links]
        assert [e["status"] for e in episodes] == ["done"] * 50, [e["error"] for e in episodes]
        urls = check_published(out, base, 50)
        assert sorted(urls) == sorted(e["audio_url"] for e in episodes)
        served = http.get("/feed.xml")
        assert served.status_code == 200 and served.content == (out / "feed.xml").read_bytes()
        for episode in episodes:
            head = http.head(episode["audio_url"])
            assert head.status_code == 200
            assert int(head.headers["content-length"]) == episode["bytes"]
        print(f"50 articles posted at once narrated and published in {elapsed:.1f} s")
    assert server.stop(signal.SIGINT) == 0, server.output()
